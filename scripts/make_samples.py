"""Build the sample source documents in samples/ from the Markdown in samples/src/.

The sources use a small Markdown subset: "#" is the document title, "##" and
"###" are numbered section headings, blank lines separate paragraphs, "- "
starts a list item and "|" lines form a simple table. Each source is rendered
to PDF (reportlab), DOCX (python-docx) or copied as-is, depending on BUILDS.

Usage: python scripts/make_samples.py
"""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "samples" / "src"
OUT = ROOT / "samples"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# source file -> (output file, PDF body font size); the output suffix selects the builder.
# The Russian report uses a denser layout: Cyrillic text runs wider in DejaVu Sans.
BUILDS = {
    "annual-report-2025.md": ("annual-report-2025.pdf", 10.5),
    "field-notes.md": ("field-notes.md", None),
    "strategiya-2026.md": ("strategiya-2026.docx", None),
    "otchet-vetroparka.md": ("otchet-vetroparka.pdf", 9),
}


def parse(text: str) -> list[tuple]:
    """Split Markdown into blocks: (level, text) headings, ("p", text), ("li", text), ("table", rows)."""
    blocks: list[tuple] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            marks, _, title = line.partition(" ")
            blocks.append((len(marks), title.strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(("li", line[2:].strip()))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # header separator row
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells)
            else:
                blocks.append(("table", [cells]))
        else:
            para.append(line)
    flush()
    return blocks


def build_pdf(blocks: list[tuple], path: Path, size: float) -> None:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=size, leading=size * 1.45, spaceAfter=size * 0.65)
    styles = {
        1: ParagraphStyle("title", parent=body, fontName="DejaVuSans-Bold", fontSize=20, leading=25, spaceAfter=18),
        2: ParagraphStyle(
            "h1",
            parent=body,
            fontName="DejaVuSans-Bold",
            fontSize=15,
            leading=19,
            spaceBefore=16,
            spaceAfter=9,
            keepWithNext=True,
        ),
        3: ParagraphStyle(
            "h2",
            parent=body,
            fontName="DejaVuSans-Bold",
            fontSize=12,
            leading=16,
            spaceBefore=9,
            spaceAfter=5,
            keepWithNext=True,
        ),
        "p": body,
        "li": ParagraphStyle("li", parent=body, leftIndent=14, bulletIndent=4, spaceAfter=3),
    }
    title = next((text for kind, text in blocks if kind == 1), path.stem)

    story = []
    for kind, content in blocks:
        if kind == "table":
            story.append(make_table(content))
            story.append(Spacer(1, 9))
        elif kind == "li":
            story.append(Paragraph(escape(content), styles["li"], bulletText="•"))
        else:
            story.append(Paragraph(escape(content), styles[kind]))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("DejaVuSans", 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(2.5 * cm, 1.5 * cm, title)
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, str(doc.page))
        canvas.restoreState()

    # The footer is drawn at page end so that text extraction lists it after the body text.
    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        title=title,
        author="Northwind Grid",
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])
    doc.build(story)


def make_table(rows: list[list[str]]) -> Table:
    """A simple grid table: bold header row, numbers right-aligned."""
    table = Table(rows, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "DejaVuSans", 9.5),
                ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf2")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def build_docx(blocks: list[tuple], path: Path) -> None:
    doc = Document()
    for kind, content in blocks:
        if kind == "table":
            table = doc.add_table(rows=0, cols=len(content[0]), style="Table Grid")
            for cells in content:
                for cell, text in zip(table.add_row().cells, cells, strict=True):
                    cell.text = text
        elif kind == "li":
            doc.add_paragraph(content, style="List Bullet")
        elif kind == "p":
            doc.add_paragraph(content)
        else:
            # "#" -> Title, "##" -> Heading 1, "###" -> Heading 2
            doc.add_heading(content, level=kind - 1)
            if kind == 1:
                doc.core_properties.title = content
    doc.core_properties.author = "Northwind Grid"
    doc.save(str(path))


def main() -> None:
    for src_name, (out_name, size) in BUILDS.items():
        src, out = SRC / src_name, OUT / out_name
        if out.suffix == ".md":
            shutil.copyfile(src, out)
        elif out.suffix == ".pdf":
            build_pdf(parse(src.read_text(encoding="utf-8")), out, size)
        else:
            build_docx(parse(src.read_text(encoding="utf-8")), out)
        print(f"{src.relative_to(ROOT)} -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
