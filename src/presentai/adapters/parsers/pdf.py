"""PDF: text, headings and pages with pypdfium2; ruled tables with pdfplumber.

pypdfium2 extracts text at hundreds of pages a second and gives each
character's font size, which is enough to find headings; pdfplumber is an
order of magnitude slower, so it only looks at pages that draw enough lines
to hold a ruled table.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import re
import threading
from collections import Counter
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from attrs import define
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from presentai.adapters.parsers.blocks import BlockBuilder, table_text
from presentai.domain.errors import CorruptDocument, EmptyDocument, EncryptedDocument, FileTooLarge
from presentai.domain.sources import BlockKind, ParsedDocument
from presentai.domain.text import collapse_whitespace

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|стр\.?|страница|[-–—])?\s*\d{1,4}(?:\s*(?:of|/|из)\s*\d{1,4})?\s*[-–—]?\s*$", re.I
)
_LIST_MARK = re.compile(r"^\s*(?:[•▪◦●\-–*]|\d{1,2}[.)])\s+")
_TERMINAL = (".", "!", "?", "…", ":", ";")
_HEADING_RATIO = 1.12  # a line this much larger than body text is a heading
_TABLE_MIN_PATHS = 6  # pages drawing fewer path objects are not searched for ruled tables
_MIN_TEXT_CHARS_PER_PAGE = 8
_MARGIN_SHARE = 0.07
# PDFium must never be called from two threads at once, not even for different documents
# (pypdfium2's documentation); parsing runs in worker threads, so every PDFium call holds this.
_PDFIUM = threading.Lock()
# pdfminer (under pdfplumber) fails in many ways on damaged files; pdfium may still read them.
_PDFPLUMBER_ERRORS = (PdfminerException, PDFSyntaxError, TypeError, ValueError, KeyError, AttributeError)


@define
class _Line:
    text: str
    size: float
    top: float
    bottom: float
    x: float
    page: int
    baseline: float = 0.0
    page_height: float = 0.0


class PdfParser:
    """Reads PDFs; refuses encrypted, damaged, scanned (no text layer) and over-long ones."""

    media_type = "application/pdf"

    def __init__(self, max_pages: int = 1000) -> None:
        self._max_pages = max_pages

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse a PDF's bytes."""
        with _PDFIUM:
            lines, pages, title, table_pages = self._read(data, filename)
        tables = _tables(data, table_pages) if table_pages else {}  # pdfminer, not PDFium: no lock needed
        lines = [line for line in lines if not any(_inside(line, bbox) for bbox, _ in tables.get(line.page, []))]
        lines = _without_running_lines(lines, pages)
        if sum(len(line.text) for line in lines) < _MIN_TEXT_CHARS_PER_PAGE * max(pages, 1) // 4 + 1:
            raise EmptyDocument("the PDF has no text layer (it looks like a scan; OCR is not supported)", filename)
        return _assemble(lines, tables, pages, title)

    def _read(self, data: bytes, filename: str) -> tuple[list[_Line], int, str, list[int]]:
        """Every line of every page, the page count, the title, and the pages that may hold ruled tables."""
        document = _open(data, filename)
        try:
            pages = len(document)
            if pages > self._max_pages:
                raise FileTooLarge(f"{pages} pages is over the {self._max_pages}-page limit", filename, self._max_pages)
            lines: list[_Line] = []
            table_pages: list[int] = []
            for index in range(pages):
                page = _page(document, index, filename)
                try:
                    if _draws_many_paths(page):
                        table_pages.append(index)
                    lines += _page_lines(page, index + 1)
                finally:
                    page.close()
            title = (document.get_metadata_value("Title") or "").strip()
        except pdfium.PdfiumError as error:
            raise CorruptDocument("the PDF is damaged and its text cannot be read", filename) from error
        finally:
            document.close()
        return lines, pages, title, table_pages


def _open(data: bytes, filename: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise EncryptedDocument("the PDF is password-protected", filename) from error
        raise CorruptDocument("the PDF is damaged or truncated", filename) from error


def _page(document: pdfium.PdfDocument, index: int, filename: str) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError as error:
        raise CorruptDocument(f"page {index + 1} of the PDF is damaged and cannot be read", filename) from error


def _draws_many_paths(page: pdfium.PdfPage) -> bool:
    paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1)
    return any(count >= _TABLE_MIN_PATHS for count, _ in enumerate(paths, start=1))


def _tables(data: bytes, page_indexes: list[int]) -> dict[int, list[tuple[tuple[float, float, float, float], str]]]:
    """Ruled tables of the given pages: page number → [(bbox in PDF coordinates, text)]."""
    found: dict[int, list[tuple[tuple[float, float, float, float], str]]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index in page_indexes:
                found.update(_page_tables(pdf.pages[index], index))
    except _PDFPLUMBER_ERRORS:
        return found  # tables are a refinement: text from pdfium still reads the page
    return found


def _page_tables(page: Any, index: int) -> dict[int, list[tuple[tuple[float, float, float, float], str]]]:
    found: dict[int, list[tuple[tuple[float, float, float, float], str]]] = {}
    for table in page.find_tables():
        rows = table.extract()
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        x0, top, x1, bottom = table.bbox
        # pdfplumber measures from the top of the page, pdfium from the bottom
        bbox = (x0, page.height - bottom, x1, page.height - top)
        found.setdefault(index + 1, []).append((bbox, table_text([[c or "" for c in r] for r in rows])))
    return found


def _page_lines(page: pdfium.PdfPage, number: int) -> list[_Line]:
    textpage = page.get_textpage()
    height = page.get_height()
    try:
        text = textpage.get_text_range()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        lines: list[_Line] = []
        position = 0
        for raw in re.split(r"\r\n|\n|\r", text):
            start = position
            position += len(raw) + (2 if text[position + len(raw) : position + len(raw) + 2] == "\r\n" else 1)
            clean = raw.replace("\ufffe", "").replace("\x02", "").strip()
            if not clean:
                continue
            first = start + (len(raw) - len(raw.lstrip()))
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, first)
            pdfium_c.FPDFText_GetCharBox(textpage.raw, first, left, right, bottom, top)
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, first, origin_x, origin_y)
            lines.append(
                _Line(clean, round(size, 1), top.value, bottom.value, left.value, number, origin_y.value, height)
            )
        return lines
    finally:
        textpage.close()


def _without_running_lines(lines: list[_Line], pages: int) -> list[_Line]:
    """Drop running headers and footers: a page's first or last body-size line that recurs on most pages.

    Lines set larger than body text are headings ("Chapter 3" opening each page), never running lines.
    """
    if pages < 3:
        return lines
    body = _body_size(lines)
    first: dict[int, _Line] = {}
    last: dict[int, _Line] = {}
    for line in lines:
        first.setdefault(line.page, line)
        last[line.page] = line
    shape = Counter(_running_shape(line) for line in [*first.values(), *last.values()])
    running = {key for key, n in shape.items() if n >= max(3, pages // 2)}
    edges = {id(line) for line in [*first.values(), *last.values()] if not _is_heading(line, body) and _in_margin(line)}
    return [line for line in lines if id(line) not in edges or _running_shape(line) not in running]


def _in_margin(line: _Line) -> bool:
    """In the top or bottom 7 % of the page, where running headers and footers sit (body text starts lower)."""
    if line.page_height <= 0:
        return True
    share = line.baseline / line.page_height
    return share < _MARGIN_SHARE or share > 1 - _MARGIN_SHARE


def _running_shape(line: _Line) -> str:
    return re.sub(r"\d+", "#", line.text.lower())


def _inside(line: _Line, bbox: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bbox
    middle = (line.top + line.bottom) / 2
    return x0 - 2 <= line.x <= x1 + 2 and y0 - 2 <= middle <= y1 + 2


def _assemble(
    lines: list[_Line],
    tables: dict[int, list[tuple[tuple[float, float, float, float], str]]],
    pages: int,
    title: str,
) -> ParsedDocument:
    body = _body_size(lines)
    heading_sizes = sorted({line.size for line in lines if _is_heading(line, body)}, reverse=True)
    level_of = {size: min(i + 1, 4) for i, size in enumerate(heading_sizes)}

    pitch = _line_pitch(lines, body)
    builder = BlockBuilder()
    paragraph: list[_Line] = []
    pending_tables = {page: sorted(items, key=lambda t: -t[0][3]) for page, items in tables.items()}

    def flush() -> None:
        if paragraph:
            kind = BlockKind.LIST_ITEM if _LIST_MARK.match(paragraph[0].text) else BlockKind.PARAGRAPH
            text, page_starts = _join(paragraph)
            builder.add(kind, text, paragraph[0].page, page_starts=page_starts)
            paragraph.clear()

    def emit_tables(page: int, above: float | None) -> None:
        """Emit the tables of ``page`` that sit above ``above`` (all when ``None``)."""
        queue = pending_tables.get(page, [])
        while queue and (above is None or queue[0][0][1] >= above):
            flush()
            builder.add(BlockKind.TABLE, queue.pop(0)[1], page)

    previous: _Line | None = None
    for line in lines:
        if previous is not None and line.page != previous.page:
            emit_tables(previous.page, None)
        emit_tables(line.page, line.top)
        if _PAGE_NUMBER.match(line.text):
            continue
        if _is_heading(line, body):
            flush()
            if previous is not None and builder.blocks and _continues_heading(previous, line, body):
                builder.heading_append(line.text)
            else:
                level = level_of[line.size]
                builder.heading(line.text, level, line.page)
        else:
            if paragraph and _breaks_paragraph(paragraph[-1], line, pitch):
                flush()
            paragraph.append(line)
        previous = line
    flush()
    for page in sorted(pending_tables):
        emit_tables(page, None)
    return builder.document("application/pdf", title, pages)


def _body_size(lines: list[_Line]) -> float:
    """The font size that sets the most characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _is_heading(line: _Line, body: float) -> bool:
    return line.size >= body * _HEADING_RATIO and len(line.text) <= 160


def _continues_heading(previous: _Line, line: _Line, body: float) -> bool:
    """A heading wrapped onto a second line: same size, same page, right below."""
    return (
        _is_heading(previous, body)
        and previous.size == line.size
        and previous.page == line.page
        and previous.bottom - line.top < line.size * 0.8
    )


def _line_pitch(lines: list[_Line], body: float) -> float:
    """The usual distance between the baselines of two body lines of one paragraph."""
    deltas: Counter[float] = Counter()
    for previous, line in itertools.pairwise(lines):
        if previous.page == line.page and previous.size == line.size == body:
            delta = round(previous.baseline - line.baseline, 1)
            if 0 < delta < body * 3:
                deltas[delta] += 1
    return deltas.most_common(1)[0][0] if deltas else body * 1.2


def _breaks_paragraph(previous: _Line, line: _Line, pitch: float) -> bool:
    if _LIST_MARK.match(line.text):
        return True
    if line.page != previous.page:
        return previous.text.endswith(_TERMINAL)
    delta = previous.baseline - line.baseline
    return delta > pitch * 1.3 or delta < 0  # extra space, or a new column


def _join(lines: list[_Line]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The paragraph's text, and where in it each later page begins."""
    text = collapse_whitespace(lines[0].text)
    page_starts: list[tuple[int, int]] = []
    for previous, line in itertools.pairwise(lines):
        piece = collapse_whitespace(line.text)
        hyphenated = text.endswith("-") and piece[:1].islower()  # a word broken across lines
        text = text[:-1] if hyphenated else f"{text} "
        if line.page != previous.page:
            page_starts.append((len(text), line.page))
        text += piece
    return text, tuple(page_starts)
