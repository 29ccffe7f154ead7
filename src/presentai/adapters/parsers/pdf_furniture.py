"""Page furniture of a PDF, found by position and repetition: running heads and feet, folios, slugs, line numbers."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from presentai.adapters.parsers.pdf_layout import Line, body_size

PAGE_NUMBER = re.compile(
    r"^\s*(?:page|стр\.?|страница|[-–—])?\s*\d{1,5}(?:\s*(?:of|/|из)\s*\d{1,5})?\s*[-–—]?\s*$", re.I
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_BAND = 0.09  # the top and bottom 9 % of a page hold running heads, feet and folios
_OUTER = 0.2  # a bare number that is a page's first or last line, this near the edge, is its folio
_SAME_PLACE = 2.5  # points: a running line sits at the same height on every page
_RUNNING_SHARE = 0.5  # outside the margins, a line must recur on half the pages to be furniture
_HEADING_RATIO = 1.12  # lines this much larger than body text are headings
_LINE_NUMBERS = 5  # a page with this many bare numbers beside its text is numbered line by line


def without_furniture(lines: list[Line], pages: int) -> list[Line]:
    """``lines`` without page furniture (the lines of all pages, in page order)."""
    lowest: dict[int, float] = {}
    highest: dict[int, float] = {}
    for line in lines:
        lowest[line.page] = min(lowest.get(line.page, line.baseline), line.baseline)
        highest[line.page] = max(highest.get(line.page, line.baseline), line.baseline)
    lines = [line for line in lines if not _is_folio(line, line.baseline in (lowest[line.page], highest[line.page]))]
    lines = _without_line_numbers(lines)
    if pages < 3:
        return lines
    body = body_size(lines)
    places: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.size < body * _HEADING_RATIO or sum(ch.isalpha() for ch in line.text) < 3:
            # a heading opening every page ("Chapter 3") is not furniture
            places[_shape(line.text)].append(line)
    running: set[int] = set()
    for occurrences in places.values():
        if len({line.page for line in occurrences}) < 3:
            continue
        for same in _same_height(occurrences):
            recurring = len({line.page for line in same})
            in_band = all(_in_band(line) for line in same)
            if recurring >= 3 and (in_band or recurring >= max(3, math.ceil(_RUNNING_SHARE * pages))):
                running.update(id(line) for line in same)
    return [line for line in lines if id(line) not in running]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.lower())).strip()


def _same_height(lines: list[Line]) -> list[list[Line]]:
    """Occurrences grouped by their height on the page."""
    groups: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.baseline):
        if groups and line.baseline - groups[-1][0].baseline <= _SAME_PLACE:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _in_band(line: Line) -> bool:
    if line.page_height <= 0:
        return True
    share = line.baseline / line.page_height
    return share < _BAND or share > 1 - _BAND


def _is_folio(line: Line, outermost: bool) -> bool:
    """A page number in the top or bottom margin, or the page's first or last line near its edge."""
    if not PAGE_NUMBER.match(line.text):
        return False
    if _in_band(line) or line.page_height <= 0:
        return True
    share = line.baseline / line.page_height
    return outermost and (share < _OUTER or share > 1 - _OUTER)


def _without_line_numbers(lines: list[Line]) -> list[Line]:
    """Drop the numbers printed beside every line (legal and draft documents), page by page."""
    kept: list[Line] = []
    by_page: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_page[line.page].append(line)
    for page_lines in by_page.values():
        numbers = [line for line in page_lines if _BARE_NUMBER.match(line.text)]
        text = [line for line in page_lines if not _BARE_NUMBER.match(line.text)]
        margin: set[int] = set()
        if len(numbers) >= _LINE_NUMBERS and text:
            left = min(line.x0 for line in text)
            right = max(line.x1 for line in text)
            beside = [line for line in numbers if line.x1 < left - 1 or line.x0 > right + 1]
            if len(beside) >= _LINE_NUMBERS:
                margin = {id(line) for line in beside}
        kept += [line for line in page_lines if id(line) not in margin]
    return kept
