"""PDF: text runs, fonts and pages with pypdfium2; ruled tables with pdfplumber.

pypdfium2 gives each text object of a page (a run of text in one font on one baseline) with its
position, size and weight at hundreds of pages a second, which is enough to rebuild lines, columns,
paragraphs and headings (pdf_layout, pdf_furniture, pdf_reading); pdfplumber is an order of magnitude
slower, so it only looks at pages that draw enough lines to hold a ruled table.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import threading
from collections import Counter
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from presentai.adapters.parsers.blocks import table_text
from presentai.adapters.parsers.pdf_furniture import without_furniture
from presentai.adapters.parsers.pdf_layout import Line, Run, page_lines
from presentai.adapters.parsers.pdf_reading import Table, assemble, meaningful_title
from presentai.domain.errors import CorruptDocument, EmptyDocument, EncryptedDocument, FileTooLarge
from presentai.domain.sources import ParsedDocument

_TABLE_MIN_PATHS = 6  # pages drawing fewer path objects are not searched for ruled tables
_MIN_TEXT_CHARS_PER_PAGE = 8
_LEGIBLE_PT = 3.0  # smaller text is not meant to be read
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd?\b", re.I)
# PDFium must never be called from two threads at once, not even for different documents
# (pypdfium2's documentation); parsing runs in worker threads, so every PDFium call holds this.
_PDFIUM = threading.Lock()
# pdfminer (under pdfplumber) fails in many ways on damaged files; pdfium may still read them.
_PDFPLUMBER_ERRORS = (PdfminerException, PDFSyntaxError, TypeError, ValueError, KeyError, AttributeError)


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
        lines = [line for line in lines if not any(_inside(line, table.bbox) for table in tables.get(line.page, []))]
        lines = without_furniture(lines, pages)
        if sum(len(line.text) for line in lines) < _MIN_TEXT_CHARS_PER_PAGE * max(pages, 1) // 4 + 1:
            raise EmptyDocument("the PDF has no text layer (it looks like a scan; OCR is not supported)", filename)
        return assemble(lines, tables, pages, title)

    def _read(self, data: bytes, filename: str) -> tuple[list[Line], int, str, list[int]]:
        """Every line of every page, the page count, the title, and the pages that may hold ruled tables."""
        document = _open(data, filename)
        try:
            pages = len(document)
            if pages > self._max_pages:
                raise FileTooLarge(f"{pages} pages is over the {self._max_pages}-page limit", filename, self._max_pages)
            lines: list[Line] = []
            table_pages: list[int] = []
            for index in range(pages):
                page = _page(document, index, filename)
                try:
                    runs, height, paths = _page_runs(page)
                    if paths >= _TABLE_MIN_PATHS:
                        table_pages.append(index)
                    lines += page_lines(runs, index + 1, height)
                finally:
                    page.close()
            title = meaningful_title(document.get_metadata_value("Title") or "")
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


def _tables(data: bytes, page_indexes: list[int]) -> dict[int, list[Table]]:
    """Ruled tables of the given pages: page number → [(bbox in PDF coordinates, text)]."""
    found: dict[int, list[Table]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index in page_indexes:
                found.update(_page_tables(pdf.pages[index], index))
    except _PDFPLUMBER_ERRORS:
        return found  # tables are a refinement: text from pdfium still reads the page
    return found


def _page_tables(page: Any, index: int) -> dict[int, list[Table]]:
    found: dict[int, list[Table]] = {}
    for table in page.find_tables():
        # A tighter gap than pdfplumber's default 3 pt counts as a space: narrow fonts (Cyrillic ones
        # especially) otherwise run their words together ("8октября2022г.").
        rows = [[_cell(c) for c in row] for row in table.extract(x_tolerance=1.5)]
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        x0, top, x1, bottom = table.bbox
        # pdfplumber measures from the top of the page, pdfium from the bottom
        bbox = (x0, page.height - bottom, x1, page.height - top)
        found.setdefault(index + 1, []).append(Table(bbox, table_text(rows)))
    return found


_CELL_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad\ufffe]\s*\n\s*(?=[^\W\d_])|[\u00ad\ufffe]")


def _cell(text: str | None) -> str:
    """A cell's text with words hyphenated across its lines mended ("разработчи-\nка" → "разработчика")."""
    return _CELL_HYPHEN.sub("", text or "")


def _page_runs(page: pdfium.PdfPage) -> tuple[list[Run], float, int]:
    """The page's text runs in page space turned upright, and how many paths it draws (tables are ruled)."""
    textpage = page.get_textpage()
    try:
        reader = _RunReader(textpage)
        reader.read(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, None)
        runs, height = _upright(reader.runs, page.get_width(), page.get_height())
        return runs, height, reader.paths
    finally:
        textpage.close()


class _RunReader:
    """Walks a page's objects, into form XObjects, collecting text objects as runs with their direction."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self._textpage = textpage.raw
        self._buffer = (ctypes.c_ushort * 512)()
        self._bold: dict[int, bool] = {}
        self.runs: list[tuple[Run, int]] = []
        self.paths = 0

    def read(self, parent: Any, count: Any, get: Any, outer: tuple[float, ...] | None) -> None:
        matrix = pdfium_c.FS_MATRIX()
        size = ctypes.c_float()
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        for index in range(count(parent)):
            obj = get(parent, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self.paths += outer is None  # rules drawn inside a figure (a form) are not a table
                continue
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
                own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                self.read(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, _times(own, outer))
                continue
            if kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            text = self._text(obj)
            if not text.strip():
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            pdfium_c.FPDFTextObj_GetFontSize(obj, size)
            pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
            m: tuple[float, ...] = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            corners = ((left.value, bottom.value), (right.value, top.value))
            if outer is not None:
                m = _times(m, outer)
                corners = (_apply(outer, *corners[0]), _apply(outer, *corners[1]))
            angle = math.degrees(math.atan2(m[1], m[0]))
            direction = round(angle / 90) % 4
            if abs((angle - direction * 90 + 180) % 360 - 180) > 10:
                direction = -1  # slanted: a watermark
            scale = math.hypot(m[2], m[3])
            if size.value * scale < _LEGIBLE_PT:
                continue  # text too small to read (Word's 1 pt bookmark codes, "27B"): no reader sees it
            (x0, y0), (x1, y1) = corners
            run = Run(text, min(x0, x1), max(x0, x1), m[5], round(size.value * scale, 1), self._is_bold(obj))
            self.runs.append((run, direction))
            if direction in (1, 3):  # keep what is needed to turn it upright: the other axis
                run.baseline = m[4]
                run.x0, run.x1 = min(y0, y1), max(y0, y1)

    def _text(self, obj: Any) -> str:
        length = pdfium_c.FPDFTextObj_GetText(obj, self._textpage, self._buffer, ctypes.sizeof(self._buffer))
        if length > ctypes.sizeof(self._buffer):
            self._buffer = (ctypes.c_ushort * (length // 2 + 1))()
            length = pdfium_c.FPDFTextObj_GetText(obj, self._textpage, self._buffer, ctypes.sizeof(self._buffer))
        return ctypes.string_at(self._buffer, max(0, length - 2)).decode("utf-16-le", "replace")

    def _is_bold(self, obj: Any) -> bool:
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        if key not in self._bold:
            name = ctypes.create_string_buffer(128)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, 128)
            weight = pdfium_c.FPDFFont_GetWeight(font)
            self._bold[key] = weight >= 600 or bool(_BOLD_NAME.search(name.value.decode("latin-1")))
        return self._bold[key]


def _times(inner: tuple[float, ...], outer: tuple[float, ...] | None) -> tuple[float, ...]:
    """The matrix that applies ``inner`` and then ``outer`` (PDF's row-vector convention)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def _upright(runs: list[tuple[Run, int]], width: float, height: float) -> tuple[list[Run], float]:
    """The runs that read in the page's main direction, turned to read left to right; and the page's height so.

    Text in another direction is margin furniture (printer's slugs, arXiv stamps) or a watermark.
    """
    weights: Counter[int] = Counter()
    for run, direction in runs:
        weights[direction] += len(run.text)
    main = weights.most_common(1)[0][0] if weights else 0
    kept = [run for run, direction in runs if direction == main]
    for run in kept:
        if main == 1:  # reads upwards: turned clockwise, the left edge is the top
            run.baseline = width - run.baseline
        elif main == 3:  # reads downwards: turned anticlockwise, the right edge is the top
            run.x0, run.x1 = height - run.x1, height - run.x0
        elif main == 2:
            run.baseline, run.x0, run.x1 = height - run.baseline, width - run.x1, width - run.x0
    return kept, (width if main in (1, 3) else height)


def _inside(line: Line, bbox: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bbox
    middle = (line.top + line.bottom) / 2
    return x0 - 2 <= line.x0 <= x1 + 2 and y0 - 2 <= middle <= y1 + 2
