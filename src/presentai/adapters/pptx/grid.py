"""Measuring a table: column widths, row heights, and which rows go on which slide."""

from __future__ import annotations

from collections.abc import Sequence

from pptx.util import Inches

from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING, wrapped_lines
from presentai.adapters.pptx.masters import BODY_BOX
from presentai.domain.slides import Table

MAX_COLUMNS = 6
MAX_SLIDES = 3  # a longer table is cut after this many slides, and its caption says so
CELL_PAD = Inches(0.07)
CAPTION_HEIGHT = Inches(0.4)
AREA_HEIGHT = BODY_BOX[3] - CAPTION_HEIGHT - Inches(0.1)  # a table's or a chart's room above its caption


def shown(table: Table) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and rows as drawn: at most ``MAX_COLUMNS`` columns."""
    columns = min(len(table.header), MAX_COLUMNS)
    return table.header[:columns], [row[:columns] for row in table.rows]


def column_widths(rows: Sequence[Sequence[str]], total: int) -> list[int]:
    """Widths (EMU) in proportion to each column's longest text, none narrower than half an even share."""
    longest = [max(1, *(min(len(row[i]), 40) for row in rows)) for i in range(len(rows[0]))]
    even = total / len(longest)
    widths = [max(even / 2, total * n / sum(longest)) for n in longest]
    scale = total / sum(widths)
    result = [int(w * scale) for w in widths]
    result[-1] += total - sum(result)
    return result


def row_height(row: Sequence[str], widths: Sequence[int], size: int) -> int:
    """The height (EMU) a row needs at ``size``: its tallest cell."""
    lines = max(
        wrapped_lines(text or " ", size, (width - 2 * CELL_PAD) / EMU_PER_POINT)
        for text, width in zip(row, widths, strict=True)
    )
    return int(lines * size * LINE_SPACING * EMU_PER_POINT + 2 * CELL_PAD)


def pages(table: Table, size: int) -> list[range]:
    """The body rows of each slide the table takes (at most ``MAX_SLIDES``), the header repeated on each."""
    header, rows = shown(table)
    widths = column_widths([header, *rows], BODY_BOX[2])
    heights = [row_height(row, widths, size) for row in rows]
    room = AREA_HEIGHT - row_height(header, widths, size)
    found: list[range] = []
    start = 0
    while start < len(rows) and len(found) < MAX_SLIDES:
        end, used = start, 0
        while end < len(rows) and (used + heights[end] <= room or end == start):
            used += heights[end]
            end += 1
        found.append(range(start, end))
        start = end
    return found or [range(0, 0)]
