"""A PDF page as a person reads it: text runs into lines, lines into columns, columns into reading order.

Pure geometry on points with y upwards (PDF space); pdf.py feeds it the runs PDFium finds.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable

from attrs import define

_ROW_TOLERANCE = 0.4  # runs whose baselines differ by less than this share of the size sit on one row
_SEGMENT_GAP = 0.85  # a horizontal gap this many ems wide parts two lines (a column gutter)
_SPACE_GAP = 0.22  # a gap this many ems wide between two runs is a space
_SMALL = 0.85  # a run this much smaller than its line is a superscript or subscript candidate
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3}){0,4}\.?|[IVXivx]{1,5}\.|[A-Za-z][.)]|[•▪◦●■□❑➢►–*-])\s*$")
_MARKER = re.compile(r"[\d*†‡§¶]{1,3}")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"})
# PDFium marks a hyphen it found at the end of a line with U+0002 or U+FFFE; keep it as a soft hyphen.
_HYPHEN_MARKS = str.maketrans({"\x02": "\u00ad", "\ufffe": "\u00ad"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_VALLEY = 0.25  # a gutter's x is covered by at most this share of the lines that cover most of the page
_MAX_CROSSING = 0.4  # lines may cross a gutter (a figure, a form above the columns), but not most of them
_FILL = 0.5  # in a column of prose, the median line is at least this share of the column's width
_MIN_COLUMN_EMS = 5.0  # a column narrower than this many ems is a table column or a list of numbers
_FOOTNOTE_SIZE = 0.92  # footnotes, figure labels and small tables are set at most this share of the body size
_CAPTION = re.compile(r"^(?:fig(?:ure|\.)|table|рис(?:унок|\.)|таблица|listing|листинг)\s*[\dIVX]+[.:]", re.I)


@define(slots=True)
class Run:
    """A piece of text a page draws in one font at one size on one baseline (a PDF text object)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool = False


@define(slots=True)
class Line:
    """A line of text as read: runs on one baseline with no column gutter between them."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    page: int
    page_height: float
    bold: bool = False
    region: tuple[int, int] = (0, 0)  # (horizontal strip, column) of the page, in reading order
    column_left: float = 0.0
    column_right: float = 0.0
    largest: float = 0.0  # the largest size in the line (small capitals start larger)
    footnote: bool = False  # set aside: a footnote, figure text or a caption, read after the paragraph

    @property
    def top(self) -> float:
        """About where the capitals reach."""
        return self.baseline + self.size * 0.75

    @property
    def bottom(self) -> float:
        """About where the descenders reach."""
        return self.baseline - self.size * 0.25


def body_size(lines: list[Line]) -> float:
    """The font size that sets the most characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def page_lines(runs: Iterable[Run], page: int, page_height: float) -> list[Line]:
    """The lines of one page, top to bottom and left to right (not yet in reading order)."""
    groups = [group for row in _rows(list(runs)) for group in _segments(row)]
    hosts = [group for group in groups if not _is_marker(group)]
    grown: list[list[Run]] = []
    for group in groups:
        if _is_marker(group) and (host := _host(group, hosts)) is not None:
            host.extend(group)  # a superscript or subscript belongs to the line beside it
            host.sort(key=lambda r: r.x0)
            grown.append(host)
        elif _is_marker(group):
            hosts.append(group)
    for host in grown:
        _close_up(host, hosts)
    hosts = [host for host in hosts if host]
    hosts.sort(key=lambda g: (-g[0].baseline, g[0].x0))
    return [line for group in hosts if (line := _line(group, page, page_height)) is not None]


def _rows(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped by baseline."""
    rows: list[list[Run]] = []
    anchors: list[tuple[float, float]] = []  # (baseline, largest size) per row
    for run in sorted(runs, key=lambda r: -r.baseline):
        if rows and anchors[-1][0] - run.baseline <= _ROW_TOLERANCE * max(anchors[-1][1], run.size):
            rows[-1].append(run)
            anchors[-1] = (anchors[-1][0], max(anchors[-1][1], run.size))
        else:
            rows.append([run])
            anchors.append((run.baseline, run.size))
    return rows


def _segments(row: list[Run]) -> list[list[Run]]:
    """A row cut at column gutters into the runs of each line."""
    row = sorted(row, key=lambda r: r.x0)
    groups: list[list[Run]] = [[row[0]]]
    for run in row[1:]:
        last = groups[-1][-1]
        if run.text == last.text and abs(run.x0 - last.x0) < 1:
            continue  # the same text drawn twice, offset a little, to fake bold
        right = max(r.x1 for r in groups[-1])
        gap = run.x0 - right
        numbering = _NUMBERING.match("".join(r.text for r in groups[-1]))  # "1.1   Heading", "•   Item"
        if gap > _SEGMENT_GAP * max(run.size, last.size) and not (numbering and gap < 4 * run.size):
            groups.append([run])
        else:
            groups[-1].append(run)
    return groups


def _close_up(host: list[Run], hosts: list[list[Run]]) -> None:
    """Join ``host`` with the piece of its row that a superscript's width had kept apart."""
    if not host:
        return
    size = max(run.size for run in host)
    for other in hosts:
        if other is host or not other or abs(other[0].baseline - host[0].baseline) > _ROW_TOLERANCE * size:
            continue
        left, right = (host, other) if host[0].x0 < other[0].x0 else (other, host)
        if right[0].x0 - max(r.x1 for r in left) <= _SEGMENT_GAP * size:
            host[:] = sorted([*host, *other], key=lambda r: r.x0)
            other.clear()


def _is_marker(group: list[Run]) -> bool:
    return sum(len(run.text.strip()) for run in group) <= 3


def _host(marker: list[Run], hosts: list[list[Run]]) -> list[Run] | None:
    """The line a lone superscript or subscript belongs to: beside it, larger, a little lower or higher."""
    size = max(run.size for run in marker)
    x0, x1 = marker[0].x0, marker[-1].x1
    baseline = marker[0].baseline
    best: tuple[float, list[Run]] | None = None
    for host in hosts:
        main = max(host, key=lambda r: len(r.text))
        lift = baseline - main.baseline
        if size > _SMALL * main.size or not -0.45 * main.size < lift <= 0.8 * main.size:
            continue
        if host[0].x0 - main.size <= x1 and x0 <= max(r.x1 for r in host) + main.size:
            distance = abs(lift)
            if best is None or distance < best[0]:
                best = (distance, host)
    return best[1] if best else None


def _line(runs: list[Run], page: int, page_height: float) -> Line | None:
    weights: Counter[float] = Counter()
    for run in runs:
        weights[run.size] += len(run.text.strip())
    size = weights.most_common(1)[0][0]
    main = max(runs, key=lambda r: (r.size == size, len(r.text)))
    text = ""
    previous: Run | None = None
    for index, run in enumerate(runs):
        piece = run.text
        if _is_reference_mark(runs, index, main):
            continue
        glued = text.endswith(" ") or piece.startswith(" ")
        if previous is not None and not glued and run.x0 - previous.x1 > _SPACE_GAP * max(run.size, previous.size):
            text += " "
        text += piece
        previous = run
    text = clean_text(text)
    if not text:
        return None
    chars = sum(len(r.text) for r in runs)
    bold = sum(len(r.text) for r in runs if r.bold) >= 0.9 * chars
    largest = max(r.size for r in runs if r.text.strip())
    return Line(
        text,
        runs[0].x0,
        max(r.x1 for r in runs),
        main.baseline,
        size,
        page,
        page_height,
        bold,
        (0, 0),
        0.0,
        0.0,
        largest,
    )


def _is_reference_mark(runs: list[Run], index: int, main: Run) -> bool:
    """A footnote mark: a digit or dagger set small and raised, glued to a word (not a power of a number)."""
    run = runs[index]
    if run.size > _SMALL * main.size or run.baseline - main.baseline < 0.2 * main.size:
        return False
    if not _MARKER.fullmatch(run.text.strip()):
        return False
    before = runs[index - 1].text.rstrip() if index > 0 else ""
    if before:
        return not before[-1].isdigit()
    after = runs[index + 1].text.lstrip() if index + 1 < len(runs) else ""
    return after[:1].isalpha()


def clean_text(text: str) -> str:
    """Ligatures spelled out, PDFium's hyphen marks as soft hyphens, control characters gone."""
    text = _CONTROL.sub("", text.translate(_LIGATURES).translate(_HYPHEN_MARKS))
    text = text.strip()
    # a soft hyphen only means something at the end of a line, where a word was broken
    body, end = (text[:-1], text[-1:]) if text.endswith("\u00ad") else (text, "")
    return re.sub(r"\s+", " ", body.replace("\u00ad", "")) + end


# --- columns and reading order ----------------------------------------------------------------------------------


def reading_order(lines: list[Line], body: float) -> list[Line]:
    """A page's lines in the order a person reads them: strips top to bottom, each strip column by column.

    Columns are found from the x positions of the lines: a gutter is a vertical strip that no narrow
    line crosses with column text on both sides, the right side's lines starting flush at its edge.
    Lines that cross a gutter (a title, a wide table or figure) cut the page into strips.
    """
    if not lines:
        return []
    gutters = _gutters(lines, body)
    ordered = sorted(lines, key=lambda line: (-line.baseline, line.x0))
    strip = 0
    spanning_before: bool | None = None
    for line in ordered:
        spans = any(line.x0 < left - 1 and line.x1 > right + 1 for left, right in gutters)
        if spanning_before is not None and spans != spanning_before:
            strip += 1
        spanning_before = spans
        column = 0 if spans else sum(1 for _, right in gutters if right <= line.x0 + 1)
        line.region = (strip, column)
    ordered.sort(key=lambda line: (line.region, -line.baseline, line.x0))
    _mark_columns(ordered, body)
    return ordered


def _gutters(lines: list[Line], body: float) -> list[tuple[float, float]]:
    """The page's column gutters as (left, right) x, left to right.

    A gutter is a valley in how many lines cover each x: a figure, a form or a title across the
    columns may cross it, but most lines stop at one side of it.
    """
    left = math.floor(min(line.x0 for line in lines))
    right = math.ceil(max(line.x1 for line in lines))
    width = right - left
    if len(lines) < 8 or width < 4 * _MIN_COLUMN_EMS * body:
        return []
    change = [0] * (width + 2)
    for line in lines:
        change[max(0, int(line.x0) - left)] += 1
        change[min(width + 1, math.ceil(line.x1) - left)] -= 1
    coverage = list(itertools.accumulate(change[: width + 1]))
    limit = max(1, round(_VALLEY * sorted(coverage)[int(0.8 * width)]))
    candidates: list[tuple[float, float]] = []
    start = None
    for offset, covered in enumerate(coverage):
        if covered <= limit:
            start = offset if start is None else start
        elif start is not None:
            if start > 0 and offset - start >= max(0.6 * body, 3):
                candidates.append((left + start, left + offset))
            start = None
    bounds = [left, *(x for g in candidates for x in g), right]
    gutters = [
        g for i, g in enumerate(candidates) if _separates_columns(g, (bounds[2 * i], bounds[2 * i + 3]), lines, body)
    ]
    while gutters:
        edges = [left, *(x for g in gutters for x in g), right]
        widths = [edges[2 * i + 1] - edges[2 * i] for i in range(len(gutters) + 1)]
        slim = [i for i, w in enumerate(widths) if w < _MIN_COLUMN_EMS * body]
        if not slim:
            break
        column = slim[0]
        del gutters[min(column, len(gutters) - 1)]  # a too-narrow column joins its neighbour
    return gutters


def _separates_columns(
    gutter: tuple[float, float], within: tuple[float, float], lines: list[Line], body: float
) -> bool:
    """Text on both sides, the right side's lines flush at the gutter, and lines that fill their column.

    The last condition tells columns of prose from the columns of a table or a form, whose
    labels and values are short.
    """
    start, end = gutter
    crossing = sum(1 for line in lines if line.x0 < start - 1 and line.x1 > end + 1)
    if crossing > _MAX_CROSSING * len(lines):
        return False
    on_left = [line for line in lines if within[0] - 1 <= line.x0 and line.x1 <= start + 1]
    on_right = [line for line in lines if end - 1 <= line.x0 and line.x1 <= within[1] + 1]
    flush = sum(1 for line in on_right if line.x0 <= end + 1.5)
    return len(on_left) >= 4 and len(on_right) >= 4 and flush >= 3 and _fills(on_left, body) and _fills(on_right, body)


def _fills(lines: list[Line], body: float) -> bool:
    """Whether the lines set at text size (not a figure's labels) fill the width they span."""
    text = [line for line in lines if line.size >= _FOOTNOTE_SIZE * body]
    if not text:
        return False
    extent = max(line.x1 for line in text) - min(line.x0 for line in text)
    widths = sorted(line.x1 - line.x0 for line in text)
    return widths[len(widths) // 2] >= _FILL * extent


def _continues(previous: Line, line: Line) -> bool:
    """The next line of the same paragraph: same size, right below."""
    return previous.size == line.size and previous.baseline - line.baseline < 1.5 * line.size


def _mark_columns(ordered: list[Line], body: float) -> None:
    """Each line learns its column's edges; footnotes, figure text and captions are set aside.

    A reader skips a figure, a table set small and their captions to read the column's text on, and
    reads the footnotes at the end; the paragraph that runs past them must not be cut in two.
    """
    groups: dict[tuple[int, int], list[Line]] = {}
    for line in ordered:
        groups.setdefault(line.region, []).append(line)
    for group in groups.values():
        left = min(line.x0 for line in group)
        right = max(line.x1 for line in group)
        caption: Line | None = None
        for line in group:
            line.column_left, line.column_right = left, right
            if line.largest < _FOOTNOTE_SIZE * body:
                line.footnote = True
            elif _CAPTION.match(line.text) or (caption is not None and _continues(caption, line)):
                caption = line
                line.footnote = True
            else:
                caption = None
