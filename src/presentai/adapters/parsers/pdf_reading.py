"""A PDF's lines, read in order, into blocks: paragraphs joined, headings levelled, footnotes set aside, a title."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from attrs import evolve, frozen

from presentai.adapters.parsers.blocks import BlockBuilder, heading_level_from_numbering
from presentai.adapters.parsers.pdf_layout import Line, body_size, reading_order
from presentai.domain.sources import BlockKind, ParsedDocument
from presentai.domain.text import collapse_whitespace
from presentai.domain.wording import normalized

_LIST_MARK = re.compile(r"^\s*(?:[•▪◦●■□❑➢►\-–*]|\d{1,2}[.)]|\(\d{1,2}\)|\([a-z]\))\s+")
# a footnote's number set on its line, glued to the note's first word: "3Существуют также …"
_NOTE_MARK = re.compile(r"^\d{1,3}(?=[A-ZА-ЯЁ][a-zа-яё])")
_TERMINAL = (".", "!", "?", "…", ":", ";")
_HEADING_RATIO = 1.12  # a line this much larger than body text is a heading
_GAP = 1.3  # a baseline this many line pitches below the last one starts a new paragraph
_CHAPTER = re.compile(r"^(?:глава|chapter|часть|part|раздел|приложение|appendix)\s+[\dIVXLC]+\b", re.I)
_ROMAN = re.compile(r"^[IVX]{1,5}\.\s+\S")
_LETTERED = re.compile(r"^[A-H]\.\s+\S")
_JUNK_TITLE = re.compile(
    r"^(?:untitled|microsoft (?:word|powerpoint)\b|document\d*$|slide\s*\d+$|title$|no title)"
    r"|\.(?:pdf|docx?|pptx?|odt|tex|dvi|indd|qxd|rtf|txt|html?)$",
    re.I,
)


@frozen
class Table:
    """A ruled table pdfplumber found: where it sits (PDF coordinates x0, y0, x1, y1) and its text."""

    bbox: tuple[float, float, float, float]
    text: str


def meaningful_title(metadata: str) -> str:
    """The metadata title when it names the document, else ``""`` (tools leave file names and "Untitled")."""
    title = collapse_whitespace(metadata)
    if sum(ch.isalpha() for ch in title) < 3 or _JUNK_TITLE.search(title) or "\\" in title:
        return ""
    return title


def assemble(lines: list[Line], tables: dict[int, list[Table]], pages: int, title: str) -> ParsedDocument:
    """The document's blocks from its lines (page order) and tables, its title from ``title`` or page 1."""
    body = body_size(lines)
    ordered: list[Line] = []
    for _, page_lines in itertools.groupby(lines, key=lambda line: line.page):
        ordered += reading_order(list(page_lines), body)
    printed = _first_page_title(ordered, body)
    if not title or (not _printed_early(title, ordered) and _shares_words(title, printed)):
        title = printed  # no metadata title, or the tool's garbled copy of the printed one ("7BGUIDE TO …")
    return _Assembler(ordered, tables, body).document(title, pages)


def _shares_words(title: str, printed: str) -> bool:
    """Whether most of the title's words are the printed title's."""
    wanted, seen = normalized(title).split(), set(normalized(printed).split())
    return bool(wanted) and sum(word in seen for word in wanted) >= 0.6 * len(wanted)


def _printed_early(title: str, lines: list[Line]) -> bool:
    """Whether most of the title's words stand on the document's first two pages."""
    wanted = normalized(title).split()
    if not lines or not wanted:
        return bool(wanted)
    first = lines[0].page
    printed = set(normalized(" ".join(line.text for line in lines if line.page <= first + 1)).split())
    return sum(word in printed for word in wanted) >= 0.9 * len(wanted)


def _first_page_title(lines: list[Line], body: float) -> str:
    """The first page's largest line, with the lines it wraps onto."""
    first = [line for line in lines if line.page == lines[0].page and not line.footnote] if lines else []
    if not first:
        return ""
    largest = max(line.size for line in first)
    if largest < body * _HEADING_RATIO:
        return ""
    start = next(i for i, line in enumerate(first) if line.size == largest)
    parts = [first[start]]
    for line in first[start + 1 : start + 4]:
        if line.size != largest or parts[-1].baseline - line.baseline > 2 * largest:
            break
        parts.append(line)
    return _join(parts, capitals=True)[0]


class _Assembler:
    """Walks the lines in reading order, building paragraphs, headings and tables."""

    def __init__(self, lines: list[Line], tables: dict[int, list[Table]], body: float) -> None:
        self._lines = lines
        self._body = body
        heading_sizes = sorted({line.size for line in lines if self._is_heading(line)}, reverse=True)
        self._level_of = {size: min(i + 1, 4) for i, size in enumerate(heading_sizes)}
        # numbering gives the level below whatever unnumbered headings (a title) are set larger
        offsets = [
            self._level_of[line.size] - numbered
            for line in lines
            if self._is_heading(line) and (numbered := _numbered_level(line.text))
        ]
        self._offset = max(0, min(offsets, default=0))
        self._pitch = _line_pitches(lines)
        self._tables = {page: sorted(items, key=lambda t: -t.bbox[3]) for page, items in tables.items()}
        self._builder = BlockBuilder()
        self._paragraph: list[Line] = []
        self._notes: list[Line] = []

    def document(self, title: str, pages: int) -> ParsedDocument:
        previous: Line | None = None
        for line in self._lines:
            if previous is not None and line.page != previous.page:
                self._emit_tables(previous.page, None)
            self._emit_tables(line.page, line.top)
            if line.footnote:
                self._notes.append(line)
                continue
            if self._is_heading(line):
                self._flush()
                if previous is not None and self._continues_heading(previous, line):
                    self._builder.heading_append(line.text)
                else:
                    self._builder.heading(line.text, self._level(line.text, self._level_of[line.size]), line.page)
            else:
                if self._paragraph and self._breaks(self._paragraph[-1], line):
                    self._flush()
                self._paragraph.append(line)
            previous = line
        self._flush()
        for page in sorted(self._tables):
            self._emit_tables(page, None)
        return self._builder.document("application/pdf", title, pages)

    def _is_heading(self, line: Line) -> bool:
        return (
            not line.footnote
            and line.size >= self._body * _HEADING_RATIO
            and len(line.text) <= 160
            and sum(ch.isalnum() for ch in line.text) >= 2  # not a symbol from a figure
        )

    def _continues_heading(self, previous: Line, line: Line) -> bool:
        """A heading wrapped onto a second line: same size, same page, right below."""
        return (
            self._is_heading(previous)
            and previous.size == line.size
            and previous.page == line.page
            and 0 < previous.baseline - line.baseline < line.size * 1.8
            and bool(self._builder.blocks)
            and self._builder.blocks[-1].kind is BlockKind.HEADING
        )

    def _level(self, text: str, by_size: int) -> int:
        numbered = _numbered_level(text)
        return numbered + self._offset if numbered else by_size

    def _breaks(self, previous: Line, line: Line) -> bool:
        """Whether ``line`` starts a new paragraph after ``previous``."""
        if _LIST_MARK.match(line.text) or abs(previous.size - line.size) > 0.6:
            return True
        if previous.bold != line.bold and _short(previous if previous.bold else line):
            return True  # a bold line on its own is a heading; bold words in a line are emphasis
        indented = line.x0 > line.column_left + 0.7 * line.size
        if line.page != previous.page or line.region != previous.region:
            # a paragraph runs on into the next column, at the same indent (a list item's hangs)
            indent = (line.x0 - line.column_left) - (previous.x0 - previous.column_left)
            return previous.text.endswith(_TERMINAL) or indent > 0.7 * line.size
        delta = previous.baseline - line.baseline
        if delta < 0.3 * line.size:
            return False  # two pieces of one row of a column (a form's label and its field)
        if delta > self._pitch.get(line.size, line.size * 1.2) * _GAP + 0.5:
            return True
        flush_left = previous.x0 <= previous.column_left + 0.5 * previous.size
        ends = previous.text.endswith(_TERMINAL) or previous.x1 < previous.column_right - 3 * previous.size
        return indented and flush_left and ends

    def _flush(self) -> None:
        if self._paragraph:
            self._add(self._paragraph)
            self._paragraph = []
        if self._notes:
            notes, self._notes = self._notes, []
            group: list[Line] = []
            for line in notes:
                marked = _NOTE_MARK.match(line.text)
                if group and (marked or self._breaks(group[-1], line)):
                    self._add(group)
                    group = []
                group.append(evolve(line, text=line.text[marked.end() :]) if marked else line)
            self._add(group)

    def _add(self, lines: list[Line]) -> None:
        text, page_starts = _join(lines)
        first = lines[0]
        if len(lines) == 1 and not first.footnote and _looks_like_heading(first, self._body):
            self._builder.heading(text, self._level(text, min(len(self._level_of) + 1, 4)), first.page)
            return
        kind = BlockKind.LIST_ITEM if _LIST_MARK.match(first.text) else BlockKind.PARAGRAPH
        self._builder.add(kind, text, first.page, page_starts=page_starts)

    def _emit_tables(self, page: int, above: float | None) -> None:
        """Emit the tables of ``page`` that sit above ``above`` (all when ``None``)."""
        queue = self._tables.get(page, [])
        while queue and (above is None or queue[0].bbox[1] >= above):
            self._flush()
            self._builder.add(BlockKind.TABLE, queue.pop(0).text, page)


def _short(line: Line) -> bool:
    """Ending well before its column's right edge."""
    return line.x1 < line.column_right - 3 * line.size


def _looks_like_heading(line: Line, body: float) -> bool:
    """A line on its own, set bold or in capitals at about body size, short and not a sentence."""
    text = line.text
    if len(text) > 90 or len(text) < 3 or text.endswith((".", ",", ";")) or line.size < 0.75 * body:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 3 or not (text[0].isupper() or text[0].isdigit()):
        return False
    capitals = all(ch.isupper() for ch in letters)
    return line.bold or (capitals and len(letters) >= 4)


def _numbered_level(text: str) -> int | None:
    """The level a heading's numbering gives it: "2.3 Scope" → 2, "Глава 2" → 1, "IV. Results" → 1."""
    if _CHAPTER.match(text) or _ROMAN.match(text):
        return 1
    if _LETTERED.match(text):
        return 2
    return heading_level_from_numbering(text)


def _line_pitches(lines: list[Line]) -> dict[float, float]:
    """Per font size, the usual distance between the baselines of two lines of one paragraph."""
    deltas: dict[float, Counter[float]] = {}
    for previous, line in itertools.pairwise(lines):
        if previous.region == line.region and previous.page == line.page and previous.size == line.size:
            delta = round(2 * (previous.baseline - line.baseline)) / 2
            if 0.6 * line.size < delta < 3 * line.size:
                deltas.setdefault(line.size, Counter())[delta] += 1
    return {size: counter.most_common(1)[0][0] for size, counter in deltas.items()}


def _join(lines: list[Line], *, capitals: bool = False) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The paragraph's text with words broken across lines mended, and where in it each later page begins.

    ``capitals``: a title in capitals broken at a hyphen keeps it ("OSCAL-" + "BASED").
    """
    text = collapse_whitespace(lines[0].text)
    page_starts: list[tuple[int, int]] = []
    for previous, line in itertools.pairwise(lines):
        piece = collapse_whitespace(line.text)
        if text.endswith("\u00ad"):  # a hyphenation point: the word goes on ("OSCAL-BASED" keeps its hyphen)
            text = text[:-1] + ("-" if capitals and piece[:1].isupper() and text[-2:-1].isupper() else "")
        elif text.endswith("-") and piece[:1].islower() and text[-2:-1].isalpha():
            text = text[:-1]  # a word broken across lines
        elif not text.endswith(("-", "/")):
            text += " "
        if line.page != previous.page:
            page_starts.append((len(text), line.page))
        text += piece
    text = text.removesuffix("\u00ad")
    return text, tuple(page_starts)
