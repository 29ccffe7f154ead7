"""Ingestion throughput on a 100-page English PDF: pages/s end to end and per step, and peak RSS.

The PDF is built once with reportlab into bench/.data/ from samples/src/annual-report-2025.md, its
chapters repeated and varied (renumbered headings, rotated sentences, shifted years and figures)
until 100 full A4 pages of about 500 words each, with a running footer as in the samples (delete
bench/.data/ to rebuild it).

Every configuration runs in a fresh subprocess, which reports its own peak RSS (``ru_maxrss``):

* ``ingest/<embedder>``: the IngestSource use case from the embedded container
  (``AsyncPresentAI(settings).container.ingest_source()``) in a new temporary workspace: store,
  parse, chunk, embed and index. ``cold`` is the first source of the process (the tokenizer and
  the embedding model load inside it); ``warm`` is a second copy of the file ingested right after.
* ``parse``, ``chunk``, ``embed/<embedder>``, ``index/<embedder>``: one step alone (ContentSniffingParser;
  chunk_document with the tiktoken counter; ``embed_passages`` in the use case's batches, the model
  loaded first; QdrantVectorIndex.upsert of random unit vectors into a local folder). The RSS of
  ``chunk``, ``embed`` and ``index`` includes the parse that feeds them.
* ``pdf/...``: parse-only throughput of PdfParser (pypdfium2, pdfplumber on ruled-table pages only),
  pypdfium2's plain text and pdfplumber's ``extract_text`` over every page.

Times are the median of ``--repeats`` runs (the model-bound ones run once). ``--quick`` uses a
10-page PDF and one repeat. Results go to bench/results/ingestion.json (``quick`` in it says
which kind of run wrote it).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
SAMPLE = ROOT / "samples" / "src" / "annual-report-2025.md"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
EMBEDDERS = ("e5", "static")
TITLE = "Northwind Grid Annual Report 2025"
TIMES = ("s", "cold_s", "warm_s")  # the timings a child reports; the rest of its keys are notes

Block = tuple[str, object]  # ("title"|"h1"|"h2"|"p"|"li", text) or ("table", rows)


# --- the benchmark corpus (generation.py builds its PDFs with these too) -----------------------------------------


def sample_chapters() -> list[tuple[str, list[Block]]]:
    """The sample report's chapters: (title without its number, blocks after the chapter heading)."""
    chapters: list[tuple[str, list[Block]]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and chapters:
            chapters[-1][1].append(("p", " ".join(paragraph)))
        paragraph.clear()

    for raw in SAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "- ", "|")):
            flush()
        if line.startswith("## "):
            chapters.append((line[3:].split(" ", 1)[1], []))
        elif line.startswith("### "):
            chapters[-1][1].append(("h2", line[4:].split(" ", 1)[1]))
        elif line.startswith("- ") and chapters:
            chapters[-1][1].append(("li", line[2:]))
        elif line.startswith("|") and chapters:
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            blocks = chapters[-1][1]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells)
            else:
                blocks.append(("table", [cells]))
        elif line and not line.startswith("#"):
            paragraph.append(line)
    flush()
    return chapters


def _vary(text: str, cycle: int) -> str:
    """The same prose for another year: sentences rotated, years shifted back, decimal figures scaled."""
    if cycle == 0:
        return text
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    turn = cycle % len(sentences)
    text = " ".join(sentences[turn:] + sentences[:turn])
    text = re.sub(r"\b20[0-3]\d\b", lambda m: str(int(m.group()) - cycle), text)
    factor = 1 - 0.02 * cycle
    return re.sub(r"\b\d+\.\d+\b", lambda m: f"{float(m.group()) * factor:.{len(m.group().split('.')[1])}f}", text)


def report_blocks(chapters: list[tuple[str, list[Block]]], title: str) -> Iterator[Block]:
    """An endless report: the chapters again and again, each pass about an earlier year, numbered on."""
    yield ("title", title)
    number = 0
    for cycle in range(1_000):
        for name, blocks in chapters:
            number += 1
            yield ("h1", f"{number}. {name}" + (f" ({2025 - cycle})" if cycle else ""))
            section = 0
            for kind, content in blocks:
                if kind == "h2":
                    section += 1
                    yield ("h2", f"{number}.{section} {content}")
                elif kind == "table":
                    yield ("table", [[_vary(cell, cycle) for cell in row] for row in content])
                else:
                    yield (kind, _vary(str(content), cycle))


def build_pdf(path: Path, blocks: Iterator[Block], pages: int, title: str) -> Path:
    """Write exactly ``pages`` full pages of ``blocks`` to ``path`` unless it exists (the cache)."""
    if path.exists():
        return path
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=10, leading=14, spaceAfter=6)
    bold = {"parent": body, "fontName": "DejaVuSans-Bold", "keepWithNext": True}
    styles = {
        "title": ParagraphStyle("title", **bold, fontSize=20, leading=25, spaceAfter=16),
        "h1": ParagraphStyle("h1", **bold, fontSize=15, leading=19, spaceBefore=14, spaceAfter=8),
        "h2": ParagraphStyle("h2", **bold, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "p": body,
        "li": ParagraphStyle("li", parent=body, leftIndent=14, bulletIndent=4, spaceAfter=3),
    }
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "DejaVuSans", 9),
            ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf2")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )
    story: list[object] = []
    words = 0
    for kind, content in blocks:
        if words > pages * 600:  # more than enough: the page template stops the build at ``pages``
            break
        if kind == "table":
            story += [Table(content, hAlign="LEFT", repeatRows=1, style=grid), Spacer(1, 8)]
            words += sum(len(cell.split()) for row in content for cell in row)
            continue
        text = str(content)
        words += len(text.split())
        bullet = {"bulletText": "•"} if kind == "li" else {}
        story.append(Paragraph(escape(text), styles[kind], **bullet))

    def footer(canvas: object, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("DejaVuSans", 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(2.2 * cm, 1.3 * cm, title)
        canvas.drawRightString(A4[0] - 2.2 * cm, 1.3 * cm, str(doc.page))
        canvas.restoreState()
        if doc.page >= pages:
            story.clear()  # the build ends with this page

    buffer = io.BytesIO()
    margin = 2.2 * cm
    doc = BaseDocTemplate(
        buffer, pagesize=A4, title=title, author="Northwind Grid", leftMargin=margin, rightMargin=margin,
        topMargin=margin, bottomMargin=margin, invariant=True,
    )  # fmt: skip
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])
    doc.build(story)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
    return path


def pdf_profile(path: Path) -> dict[str, object]:
    """Pages, size and words per page of a PDF (pypdfium2's text)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        words = [len(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    finally:
        document.close()
    return {
        "file": path.name,
        "pages": len(words),
        "bytes": path.stat().st_size,
        "words": sum(words),
        "words_per_page_min_median_max": [min(words), round(statistics.median(words)), max(words)],
    }


# --- running one configuration in a subprocess -------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_child(script: Path, *args: str) -> dict[str, object]:
    """Run ``script --child args`` in a new interpreter; its last stdout line is its JSON result."""
    done = subprocess.run(  # noqa: PLW1510 - the return code is checked below, with the child's stderr
        [sys.executable, str(script), "--child", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{script.name} {' '.join(args)} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "loadavg_1_5_15": [round(load, 2) for load in os.getloadavg()],  # other work on the machine skews numbers
    }


def timed(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median seconds of ``repeats`` calls, and the last call's result."""
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


async def timed_async(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """``timed`` for a coroutine function."""
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = await function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


# --- the configurations (child side) ------------------------------------------------------------------------------


async def _ingest(embedder: str, pdf: Path) -> dict[str, object]:
    from presentai.config import Settings
    from presentai.domain.sources import SourceDocument
    from presentai.entrypoints.library import AsyncPresentAI

    data = pdf.read_bytes()
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="presentai-bench-") as workspace:
        app = AsyncPresentAI(Settings(workspace=Path(workspace), embedder=embedder))
        await app.open()
        try:
            for run in ("cold", "warm"):
                source = SourceDocument.from_upload(app.settings.organization_id, pdf.name, data)
                await app.container.sources().add(source)
                started = time.perf_counter()
                source = await app.container.ingest_source()(source, data)
                result[f"{run}_s"] = time.perf_counter() - started
                if source.error_message:
                    raise RuntimeError(source.error_message)
                result["chunks"] = source.chunks_created
        finally:
            await app.aclose()
    return result


def _parsed(pdf: Path) -> object:
    from presentai.adapters.parsers.detecting import ContentSniffingParser

    return ContentSniffingParser().parse(pdf.read_bytes(), pdf.name)


def _parse_only(pdf: Path, parser_name: str) -> Callable[[], object]:
    """A call that parses the PDF's bytes (already read, parser already imported and built)."""
    data = pdf.read_bytes()
    if parser_name == "ContentSniffingParser":
        from presentai.adapters.parsers.detecting import ContentSniffingParser

        parser = ContentSniffingParser()
        return lambda: parser.parse(data, pdf.name)
    if parser_name == "PdfParser":
        from presentai.adapters.parsers.pdf import PdfParser

        pdf_parser = PdfParser()
        return lambda: pdf_parser.parse(data, pdf.name)
    if parser_name == "pypdfium2-text":
        import pypdfium2 as pdfium

        def pdfium_text() -> list[str]:
            document = pdfium.PdfDocument(data)
            try:
                return [document[i].get_textpage().get_text_range() for i in range(len(document))]
            finally:
                document.close()

        return pdfium_text
    import pdfplumber

    def plumber_text() -> list[str]:
        with pdfplumber.open(io.BytesIO(data)) as document:
            return [page.extract_text() or "" for page in document.pages]

    return plumber_text


def _chunks(parsed: object) -> list[object]:
    from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
    from presentai.domain.chunking import chunk_document
    from presentai.domain.text import detect_language

    count = TiktokenTokenizer().count
    language = detect_language(parsed.text)
    return chunk_document(parsed, document_id="bench", organization_id="bench", count_tokens=count, language=language)


async def _index(embedder_name: str, pdf: Path, repeats: int) -> dict[str, object]:
    import numpy as np

    from presentai.adapters.embeddings.local import E5Embedder, StaticEmbedder
    from presentai.adapters.qdrant.index import QdrantVectorIndex

    chunks = _chunks(_parsed(pdf))
    model = E5Embedder if embedder_name == "e5" else StaticEmbedder  # the class's name and size; no model loads
    vectors = np.random.default_rng(0).standard_normal((len(chunks), model.dimension), dtype=np.float32)
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()
    with tempfile.TemporaryDirectory(prefix="presentai-bench-") as workspace:
        index = QdrantVectorIndex(model=model.name, dimension=model.dimension, path=f"{workspace}/qdrant")
        await index.open()
        try:
            seconds, _ = await timed_async(lambda: index.upsert(chunks, vectors), repeats)
        finally:
            await index.close()
    return {"s": seconds, "chunks": len(chunks)}


async def _embed(embedder_name: str, pdf: Path, repeats: int) -> dict[str, object]:
    from presentai.adapters.embeddings.local import E5Embedder, StaticEmbedder
    from presentai.services.ingest import IngestionLimits

    texts = [c.text for c in _chunks(_parsed(pdf))]
    embedder = E5Embedder() if embedder_name == "e5" else StaticEmbedder()
    started = time.perf_counter()
    await embedder.embed_passages(["warm-up"])
    load = time.perf_counter() - started
    batch = IngestionLimits().embed_batch

    async def embed_all() -> None:
        for i in range(0, len(texts), batch):
            await embedder.embed_passages(texts[i : i + batch])

    seconds, _ = await timed_async(embed_all, 1 if embedder_name == "e5" else repeats)
    return {"s": seconds, "model_load_s": load, "chunks": len(texts)}


def child(config: str, pdf: Path, repeats: int) -> dict[str, object]:
    """Measure one configuration in this process."""
    result: dict[str, object]
    if config.startswith("ingest/"):
        result = asyncio.run(_ingest(config.split("/")[1], pdf))
    elif config.startswith("embed/"):
        result = asyncio.run(_embed(config.split("/")[1], pdf, repeats))
    elif config.startswith("index/"):
        result = asyncio.run(_index(config.split("/")[1], pdf, repeats))
    elif config == "parse":
        seconds, _ = timed(_parse_only(pdf, "ContentSniffingParser"), repeats)
        result = {"s": seconds}
    elif config == "chunk":
        parsed = _parsed(pdf)
        _chunks(parsed)  # loads the tokenizer's ranks
        seconds, chunks = timed(lambda: _chunks(parsed), repeats)
        result = {"s": seconds, "chunks": len(chunks)}
    elif config.startswith("pdf/"):
        seconds, _ = timed(_parse_only(pdf, config.split("/")[1]), repeats)
        result = {"s": seconds}
    else:
        raise SystemExit(f"unknown configuration {config}")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


# --- the parent -------------------------------------------------------------------------------------------------


def main(quick: bool, repeats: int) -> dict[str, object]:
    pages = 10 if quick else 100
    pdf = build_pdf(DATA / f"annual-report-{pages}p.pdf", report_blocks(sample_chapters(), TITLE), pages, TITLE)
    profile = pdf_profile(pdf)
    print(f"{pdf.relative_to(ROOT)}: {profile}")
    configs = [
        *(f"ingest/{e}" for e in EMBEDDERS),
        "parse",
        "chunk",
        *(f"embed/{e}" for e in EMBEDDERS),
        *(f"index/{e}" for e in EMBEDDERS),
        "pdf/PdfParser",
        "pdf/pypdfium2-text",
        "pdf/pdfplumber",
    ]
    rows: dict[str, dict[str, object]] = {}
    print(f"{'configuration':24s} {'seconds':>8s} {'pages/s':>8s} {'peak RSS MB':>11s}  notes")
    for config in configs:
        result = run_child(Path(__file__), config, str(pdf), "--repeats", str(repeats))
        extra = {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items() if k not in TIMES}
        runs = {f"{config}/cold": result["cold_s"], f"{config}/warm": result["warm_s"]} if "cold_s" in result else {}
        for name, seconds in (runs or {config: result["s"]}).items():
            rows[name] = {"s": round(seconds, 3), "pages_per_s": round(pages / seconds, 1), **extra}
            notes = ", ".join(f"{k}={v}" for k, v in extra.items() if k != "peak_rss_mb")
            print(f"{name:24s} {seconds:8.2f} {pages / seconds:8.1f} {extra['peak_rss_mb']:11.0f}  {notes}")
    return {"machine": machine(), "quick": quick, "repeats": repeats, "pdf": profile, "results": rows}


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--quick", action="store_true", help="a 10-page PDF and one repeat (smoke run)")
    cli.add_argument("--repeats", type=int, default=None, help="runs per timing (default 3, 1 with --quick)")
    cli.add_argument("--child", nargs=2, metavar=("CONFIG", "PDF"), help=argparse.SUPPRESS)
    options = cli.parse_args()
    repeats = options.repeats or (1 if options.quick else 3)
    if options.child:
        print(json.dumps(child(options.child[0], Path(options.child[1]), repeats)))
        sys.exit(0)
    out = main(options.quick, repeats)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingestion.json").write_text(json.dumps(out, indent=2) + "\n")
    sys.exit(0)
