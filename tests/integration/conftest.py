"""Bad and edge-case source documents, built at test time so nothing binary is committed.

Every fixture writes its file into a temporary folder and returns the path, so
tests read the bytes exactly as a user's upload would arrive. Files that take a
moment to build (the 500-page PDF, the zip bomb) are built once per session.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import docx
import pptx
import pytest
from docx.enum.text import WD_BREAK
from PIL import Image, ImageDraw
from pptx.util import Inches
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

LONG_PDF_PAGES = 500
ZIP_BOMB_UNZIPPED_BYTES = 300 * 1024 * 1024
RUSSIAN_TEXT = (
    "1. Ветроэлектростанция «Северный кряж»\n\n"
    "Накопитель энергии мощностью 50 мегаватт введён в эксплуатацию в декабре. "
    "Ёмкость накопителя составляет 100 мегаватт-часов.\n\n"
    "Съешь же ещё этих мягких французских булок, да выпей чаю.\n"
)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _text_pdf(pages: list[tuple[str, list[str]]], *, encrypt: str | None = None, title: str = "") -> bytes:
    """A PDF with one large heading and some body paragraphs per page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt, invariant=True)
    if title:
        pdf.setTitle(title)
    _, height = A4
    for heading, paragraphs in pages:
        y = height - 72
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(72, y, heading)
        y -= 36
        pdf.setFont("Helvetica", 11)
        for paragraph in paragraphs:
            for line in _wrap(paragraph, 85):
                pdf.drawString(72, y, line)
                y -= 14
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def _small_pdf() -> bytes:
    return _text_pdf(
        [
            ("1. Battery storage", ["The Ashby Moor battery stores fifty megawatt hours of energy for the grid."]),
            ("2. Smart meters", ["BrightMeter installed 238,000 smart meters during the year across the region."]),
        ],
        title="Grid notes",
    )


# --- corrupt, encrypted and text-less PDFs ---------------------------------------------------------------------


@pytest.fixture
def truncated_pdf(tmp_path: Path) -> Path:
    """A real PDF cut off a third of the way through, as an interrupted download leaves it."""
    data = (SAMPLES / "annual-report-2025.pdf").read_bytes()
    return _write(tmp_path, "annual-report-2025.pdf", data[: len(data) // 3])


@pytest.fixture
def garbage_pdf(tmp_path: Path) -> Path:
    """A ``%PDF-`` header followed by random bytes."""
    noise = random.Random(7).randbytes(20_000)
    return _write(tmp_path, "report.pdf", b"%PDF-1.7\n" + noise)


@pytest.fixture
def encrypted_pdf(tmp_path: Path) -> Path:
    """A PDF that needs the password ``secret`` to open."""
    data = _text_pdf(
        [("1. Confidential", ["Board minutes that nobody may read without the password."])], encrypt="secret"
    )
    return _write(tmp_path, "board-minutes.pdf", data)


@pytest.fixture
def scanned_pdf(tmp_path: Path) -> Path:
    """Three pages that are only pictures of text: no text layer, as a scanner makes them."""
    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle((40, 40 + row * 36, 40 + (row * 37) % 500 + 60, 60 + row * 36), fill="black")
    png = io.BytesIO()
    image.save(png, format="PNG")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(3):
        png.seek(0)
        pdf.drawImage(ImageReader(png), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return _write(tmp_path, "scan.pdf", buffer.getvalue())


_TOPICS = (
    ("Feeder inspections", "vegetation clearance along the overhead spans"),
    ("Transformer health", "oil samples taken from the main transformers"),
    ("Protection settings", "relay settings reviewed after the winter storms"),
    ("Earthing and bonding", "earth resistance measured at every pole"),
    ("Switchgear", "circuit breakers serviced by the maintenance crew"),
    ("Metering", "smart meters read remotely each half hour"),
    ("Battery storage", "batteries charged overnight and discharged at peak"),
    ("Cable routes", "underground cables surveyed before roadworks"),
    ("Control room", "alarms handled by the Meridian control system"),
    ("Safety", "permits to work issued for each isolation"),
)


@pytest.fixture(scope="session")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 500-page text PDF: on page n the heading "n. <topic>" and two paragraphs about substation n."""
    pages = []
    for n in range(1, LONG_PDF_PAGES + 1):
        topic, detail = _TOPICS[n % len(_TOPICS)]
        pages.append(
            (
                f"{n}. {topic}",
                [
                    f"Substation {n} is covered in this section. The {topic.lower()} work at the site found "
                    f"{n % 7 + 2} items that need attention before the next winter.",
                    f"At substation {n} the field teams reported {detail}. "
                    f"The next review is planned for week {n % 52 + 1}.",
                ],
            )
        )
    return _write(tmp_path_factory.mktemp("long"), "handbook.pdf", _text_pdf(pages, title="Substation handbook"))


@pytest.fixture
def pdf_with_a_chapter_per_page(tmp_path: Path) -> Path:
    """Six pages, each opening with a heading "Chapter n" followed by different body text."""
    bodies = [
        "The storm crossed the region on a Friday night and brought down many lines.",
        "Crews worked through the weekend to restore supply to remote farms.",
        "The contact centre answered more calls than in any previous week.",
        "Generators were lent to care homes until their supply came back.",
        "A review found that restoration times should be published earlier.",
        "The board approved a resilience programme for the upland districts.",
    ]
    pages = [(f"Chapter {n}", [body]) for n, body in enumerate(bodies, start=1)]
    return _write(tmp_path, "storm-story.pdf", _text_pdf(pages))


# --- archives and other formats we do not read -------------------------------------------------------------------


@pytest.fixture(scope="session")
def docx_zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ``.docx`` whose ``word/document.xml`` unpacks to about 300 MB of spaces."""
    path = tmp_path_factory.mktemp("bomb") / "innocent.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        head = (
            b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>"
        )
        tail = b"</w:t></w:r></w:p></w:body></w:document>"
        spaces = b" " * (1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(ZIP_BOMB_UNZIPPED_BYTES // len(spaces)):
                member.write(spaces)
            member.write(tail)
    return path


@pytest.fixture
def empty_file(tmp_path: Path) -> Path:
    """A file of zero bytes."""
    return _write(tmp_path, "empty.txt", b"")


@pytest.fixture
def whitespace_file(tmp_path: Path) -> Path:
    """A file of only spaces, tabs and newlines."""
    return _write(tmp_path, "blank.md", b"  \n\t\n   \r\n\n  ")


@pytest.fixture
def png_image(tmp_path: Path) -> Path:
    """A PNG picture (named as if it were a PDF)."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "navy").save(buffer, format="PNG")
    return _write(tmp_path, "chart.pdf", buffer.getvalue())


@pytest.fixture
def legacy_doc(tmp_path: Path) -> Path:
    """A Word 97-2003 ``.doc``: an OLE compound file."""
    return _write(tmp_path, "minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


@pytest.fixture
def xlsx_like(tmp_path: Path) -> Path:
    """A zip laid out like an Excel workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets/></workbook>')
        archive.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')
    return _write(tmp_path, "budget.xlsx", buffer.getvalue())


@pytest.fixture
def plain_zip(tmp_path: Path) -> Path:
    """A zip archive of text files, which is neither Word nor PowerPoint."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes/readme.txt", "Just some notes.")
    return _write(tmp_path, "notes.zip", buffer.getvalue())


# --- text in other encodings, and HTML -------------------------------------------------------------------------


@pytest.fixture
def russian_utf16(tmp_path: Path) -> Path:
    """Russian plain text in UTF-16 with a byte-order mark, as Windows Notepad saves it."""
    return _write(tmp_path, "zametki-utf16.txt", RUSSIAN_TEXT.encode("utf-16"))


@pytest.fixture
def russian_cp1251(tmp_path: Path) -> Path:
    """Russian plain text in the Windows-1251 code page, with no marker of its encoding."""
    return _write(tmp_path, "zametki-cp1251.txt", RUSSIAN_TEXT.encode("cp1251"))


@pytest.fixture
def html_page(tmp_path: Path) -> Path:
    """A web page whose article sits among navigation, scripts, a cookie banner and a footer."""
    page = """<!DOCTYPE html>
<html lang="en">
<head><title>GridBank battery storage | Northwind Grid</title>
<script>window.analytics = {track: function () {}}; trackPageView("gridbank");</script>
<style>body { font-family: sans-serif; }</style></head>
<body>
<header><a href="/">Home</a> <a href="/about">About us</a></header>
<nav><ul><li>Menu item careers</li><li>Menu item investors</li></ul></nav>
<main>
<article>
<h1>GridBank battery storage</h1>
<p>GridBank builds large batteries at strategic points on the network.</p>
<h2>Ashby Moor</h2>
<p>The Ashby Moor battery stores 100 megawatt hours and entered service in 2025.</p>
<ul><li>Frequency response</li><li>Peak shaving</li></ul>
<table><tr><th>Site</th><th>MW</th></tr><tr><td>Ashby Moor</td><td>50</td></tr></table>
</article>
</main>
<aside>Related stories you may like</aside>
<footer>Copyright 2025 Northwind Grid. Cookie settings.</footer>
<script>trackScroll();</script>
</body>
</html>
"""
    return _write(tmp_path, "gridbank.html", page.encode())


# --- Office documents made with their own libraries --------------------------------------------------------------


@pytest.fixture
def pptx_deck(tmp_path: Path) -> Path:
    """Three slides: a title slide with notes, a bulleted slide, and a slide with a table."""
    deck = pptx.Presentation()
    deck.core_properties.title = "Grid 2030 update"

    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "Grid 2030 update"
    slide.placeholders[1].text = "Board meeting, March 2026"
    slide.notes_slide.notes_text_frame.text = "Welcome the board and thank the field teams."

    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Programme highlights"
    body = slide.placeholders[1].text_frame
    body.text = "BrightMeter passed the halfway mark"
    detail = body.add_paragraph()
    detail.text = "612,000 meters installed"
    detail.level = 1
    body.add_paragraph().text = "GridBank batteries entered service"

    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Capital expenditure"
    table = slide.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(1.5)).table
    for row, cells in enumerate([("Programme", "EUR m"), ("BrightMeter", "58.9"), ("GridBank", "392")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text

    buffer = io.BytesIO()
    deck.save(buffer)
    return _write(tmp_path, "update.pptx", buffer.getvalue())


@pytest.fixture
def docx_document(tmp_path: Path) -> Path:
    """Headings, a bulleted list, a table, and an explicit page break before the last section."""
    document = docx.Document()
    document.core_properties.title = "Resilience plan"
    document.add_heading("Resilience plan", level=0)
    document.add_heading("1. Rural feeders", level=1)
    document.add_paragraph("Long overhead lines in Fellside are exposed to wind and falling trees.")
    document.add_heading("1.1 Measures", level=2)
    document.add_paragraph("Insulate the most exposed spans", style="List Bullet")
    document.add_paragraph("Install automatic reclosers", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Measure", "Cost"), ("Reclosers", "12.5")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("2. Funding", level=1)
    document.add_paragraph("The regulator allowed 140 million euros for the resilience programme.")
    buffer = io.BytesIO()
    document.save(buffer)
    return _write(tmp_path, "resilience.docx", buffer.getvalue())


@pytest.fixture
def small_pdf(tmp_path: Path) -> Path:
    """A two-page text PDF with numbered headings."""
    return _write(tmp_path, "grid-notes.pdf", _small_pdf())


@pytest.fixture
def pdf_named_txt(tmp_path: Path) -> Path:
    """A PDF saved under a ``.txt`` name."""
    return _write(tmp_path, "notes.txt", _small_pdf())


@pytest.fixture
def markdown_file(tmp_path: Path) -> Path:
    """A Markdown note with headings, a list and a table."""
    text = (
        "# Field visit\n\n"
        "Notes from the upland districts.\n\n"
        "## 1. Findings\n\n"
        "- Coverage is poor in Greyburn\n"
        "- Access to meters is difficult\n\n"
        "| Village | Meters |\n|---|---|\n| Greyburn | 40 |\n| High Fell | 25 |\n"
    )
    return _write(tmp_path, "visit.md", text.encode())


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    """Plain text with a numbered heading line and paragraphs."""
    text = (
        "1. Storm Ingrid\n\nThe storm crossed the region on 14 February.\n"
        "Crews restored supply within two days.\n\n2. Lessons\n\nCommunicate restoration times early."
    )
    return _write(tmp_path, "storm.txt", text.encode())


@pytest.fixture
def pptx_with_grouped_text(tmp_path: Path) -> Path:
    """One slide whose only body text sits in a text box inside a group shape."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Storm response"
    group = slide.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "420 field staff were pre-positioned before the storm"
    buffer = io.BytesIO()
    deck.save(buffer)
    return _write(tmp_path, "storm.pptx", buffer.getvalue())


@pytest.fixture
def html_in_divs(tmp_path: Path) -> Path:
    """A page whose article text sits directly in ``div`` elements, as many sites build pages."""
    page = (
        "<!DOCTYPE html><html><head><title>Outage update</title></head><body>"
        "<nav>Home | Outages | Contact</nav>"
        '<div class="article"><div class="headline">Supply restored in Fellside</div>'
        "<div>Engineers restored supply to all 2,400 homes in Fellside on Sunday evening.</div>"
        "<div>The fault was caused by a tree falling onto an overhead line near Greyburn.</div></div>"
        "</body></html>"
    )
    return _write(tmp_path, "outage.html", page.encode())


@pytest.fixture
def markdown_mentioning_pdf_marker(tmp_path: Path) -> Path:
    """A Markdown how-to note that quotes the ``%PDF-`` marker in its text."""
    text = (
        "# Checking uploaded files\n\n"
        "Every PDF file starts with the marker %PDF-1.7 followed by a comment line.\n\n"
        "## 1. Steps\n\n"
        "Open the file in a text editor and read the first line.\n"
    )
    return _write(tmp_path, "checking-uploads.md", text.encode())


@pytest.fixture
def markdown_with_html_snippet(tmp_path: Path) -> Path:
    """A Markdown note whose code block shows an HTML ``<body>`` snippet."""
    text = (
        "# Embedding the outage map\n\n"
        "Paste this snippet into the page of your website:\n\n"
        '```html\n<body>\n  <div id="outage-map"></div>\n</body>\n```\n\n'
        "## 1. Options\n\n"
        "The map refreshes every five minutes and shows planned work in blue.\n"
    )
    return _write(tmp_path, "embedding.md", text.encode())


# --- damage that the first library tolerates and a later one does not ------------------------------------------

_SAMPLE_MEDIA_BOX = b"/MediaBox [ 0 0 595.2756 841.8898 ]"


def _damaged_sample_pdf(folder: Path, name: str, old: bytes, new: bytes, count: int = -1) -> Path:
    data = (SAMPLES / "annual-report-2025.pdf").read_bytes()
    assert old in data, "the sample PDF changed; update the damage recipe"
    return _write(folder, name, data.replace(old, new, count))


@pytest.fixture
def pdf_with_an_unloadable_page(tmp_path: Path) -> Path:
    """The sample report with its first page object's ``/Type /Page`` misspelt: it opens, page 1 will not load."""
    return _damaged_sample_pdf(tmp_path, "report-bad-page.pdf", b"/Type /Page\n", b"/Type /Pagx\n", 1)


@pytest.fixture
def pdf_with_a_non_numeric_media_box(tmp_path: Path) -> Path:
    """The sample report with a name where each page's MediaBox should hold a number."""
    return _damaged_sample_pdf(tmp_path, "report-bad-box.pdf", _SAMPLE_MEDIA_BOX, b"/MediaBox [ 0 0 595.2756 /x ]")


@pytest.fixture
def pdf_without_media_boxes(tmp_path: Path) -> Path:
    """The sample report with every page's MediaBox blanked out."""
    return _damaged_sample_pdf(tmp_path, "report-no-box.pdf", _SAMPLE_MEDIA_BOX, b" " * len(_SAMPLE_MEDIA_BOX))


def _patch_zip_member(data: bytes, member: str, *, method: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite one member's compression method or flag bits in both its local and central headers."""
    patched = bytearray(data)
    name = member.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(member).header_offset
    position = 0
    while (central := patched.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack("<H", patched[central + 28 : central + 30])[0]
        if patched[central + 46 : central + 46 + name_length] == name:
            for header, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
                if flags is not None:
                    patched[header + flag_at : header + flag_at + 2] = struct.pack("<H", flags)
                if method is not None:
                    patched[header + method_at : header + method_at + 2] = struct.pack("<H", method)
        position = central + 4
    return bytes(patched)


@pytest.fixture
def docx_with_an_encrypted_member(tmp_path: Path, docx_document: Path) -> Path:
    """A DOCX whose main part is flagged as ZipCrypto-encrypted, as password-protecting zip tools leave it."""
    data = _patch_zip_member(docx_document.read_bytes(), "word/document.xml", flags=0x1)
    return _write(tmp_path, "locked.docx", data)


@pytest.fixture
def docx_with_an_unknown_compression(tmp_path: Path, docx_document: Path) -> Path:
    """A DOCX whose main part claims compression method 99 (WinZip AES), which zipfile cannot read."""
    data = _patch_zip_member(docx_document.read_bytes(), "word/document.xml", method=99)
    return _write(tmp_path, "aes.docx", data)


@pytest.fixture
def docx_with_a_false_compression_claim(tmp_path: Path, docx_document: Path) -> Path:
    """A DOCX whose deflated main part claims to be bzip2, so decompressing it fails."""
    data = _patch_zip_member(docx_document.read_bytes(), "word/document.xml", method=zipfile.ZIP_BZIP2)
    return _write(tmp_path, "mislabelled.docx", data)


@pytest.fixture
def pptx_with_an_unknown_compression(tmp_path: Path, pptx_deck: Path) -> Path:
    """A PPTX whose first slide claims compression method 99, which zipfile cannot read."""
    data = _patch_zip_member(pptx_deck.read_bytes(), "ppt/slides/slide1.xml", method=99)
    return _write(tmp_path, "aes.pptx", data)
