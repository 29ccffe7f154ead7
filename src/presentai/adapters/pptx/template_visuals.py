"""Native tables and charts in a customer template's body box, in the template's own table style and colours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from presentai.adapters.pptx.captions import NUMERIC, caption_label, flush_right
from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING, text_width, wrapped_lines
from presentai.adapters.pptx.layout_roles import Box
from presentai.adapters.pptx.notes import source_line
from presentai.domain.deck import Deck
from presentai.domain.slides import Attribution, Chart, ChartKind, Table

MAX_COLUMNS = 6
MAX_SLIDES = 3  # a longer table is cut after this many slides, and its caption says so
CELL_PAD = 63500  # 0.07 in
_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_FILLED = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"  # Medium Style 2 - Accent 1, python-pptx's own choice
_UNFILLED = "{3B4B98B0-60AC-42C2-AFA5-B58CD77FA1E5}"  # Light Style 1 - Accent 1: rules, no fills
_KINDS = {
    ChartKind.BAR: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.COLUMN: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartKind.LINE: XL_CHART_TYPE.LINE_MARKERS,
    ChartKind.PIE: XL_CHART_TYPE.PIE,
}


def caption(attribution: Attribution | None, notes: list[str], deck: Deck) -> str:
    """ "Source: Annual report, p. 14 · 4 more rows in the source": what a table's or a chart's caption says."""
    parts = []
    if attribution is not None:
        parts.append(
            f"{caption_label(deck.language, 'source')}: {source_line(attribution, deck.sources, deck.language)}"
        )
    parts.extend(notes)
    return " · ".join(parts)


def table_notes(table: Table, shown_table: Table, left_out: int, deck: Deck) -> list[str]:
    """What a caption says of the rows and columns of ``table`` that are not shown."""
    notes = []
    if left_out:
        notes.append(caption_label(deck.language, "rows").format(count=left_out))
    columns = len(shown(shown_table)[0])
    if columns < len(table.header):
        notes.append(caption_label(deck.language, "columns").format(shown=columns, total=len(table.header)))
    return notes


def table_style(prs: PptxPresentation) -> tuple[str, bool]:
    """The template's default table style (else one that suits it), and whether its rows are banded.

    A theme whose "dark" text colour is the light one (a dark template) gets a
    style without cell fills and no banding, so that its light text never sits on
    the light tint of a filled row.
    """
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    scheme = etree.fromstring(theme.blob).find(".//a:clrScheme", _NS)
    dark = _luminance(scheme, "dk1") > _luminance(scheme, "lt1") if scheme is not None else False
    try:
        part = prs.part.part_related_by(RT.TABLE_STYLES)
        default = etree.fromstring(part.blob).get("def")
    except (KeyError, etree.XMLSyntaxError):
        default = None
    if dark:  # a filled style's light tints under light text would be unreadable, the template's own included
        return _UNFILLED, False
    return str(default or _FILLED), True


def _luminance(scheme: Any, name: str) -> float:
    colour = scheme.find(f"a:{name}/a:srgbClr", _NS)
    value = colour.get("val") if colour is not None else ("000000" if name == "dk1" else "FFFFFF")
    return sum(int(value[i : i + 2], 16) for i in (0, 2, 4)) / 765


def draw_table(slide: PptxSlide, table: Table, box: Box, size: int, style: tuple[str, bool]) -> int:
    """``table`` as a native table at the top of ``box``, in ``style`` (a table style and whether it is banded);
    the height (EMU) it takes."""
    header, rows = shown(table)
    columns = len(header)
    widths = column_widths([header, *rows], box[2], size)
    heights = [row_height(row, widths, size) for row in [header, *rows]]
    frame = slide.shapes.add_table(len(rows) + 1, columns, Emu(box[0]), Emu(box[1]), Emu(box[2]), Emu(sum(heights)))
    style_id = cast(Any, frame)._element.graphic.graphicData.tbl.tblPr.find(qn("a:tableStyleId"))
    if style_id is not None:
        style_id.text = style[0]
    grid = cast(Any, frame).table
    grid.first_row, grid.horz_banding = True, style[1]
    for i, width in enumerate(widths):
        grid.columns[i].width = Emu(width)
    numeric = [bool(rows) and all(NUMERIC.match(r[i].strip()) for r in rows if r[i].strip()) for i in range(columns)]
    for r, row in enumerate([header, *rows]):
        grid.rows[r].height = Emu(heights[r])
        for c in range(columns):
            cell = grid.cell(r, c)
            cell.margin_left = cell.margin_right = cell.margin_top = cell.margin_bottom = CELL_PAD
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.text_frame.word_wrap = True
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if flush_right(row[c], numeric[c], header=r == 0) else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = row[c]
            run.font.size = Pt(size)
    return sum(heights)


def draw_chart(slide: PptxSlide, chart: Chart, box: Box, size: int) -> None:
    """``chart`` as a native chart filling ``box``, in the theme's accent colours (its data editable)."""
    whole = all(float(v).is_integer() for s in chart.series for v in s.values)
    data = cast(Any, CategoryChartData)(number_format="#,##0" if whole else "#,##0.0")
    # Horizontal bars are drawn bottom up: the data goes in reversed so that they read top down in its order.
    order = -1 if chart.kind is ChartKind.BAR else 1
    data.categories = list(chart.categories)[::order]
    for series in chart.series:
        data.add_series(series.name, list(series.values)[::order])
    frame = cast(Any, slide.shapes).add_chart(
        _KINDS[chart.kind], Emu(box[0]), Emu(box[1]), Emu(box[2]), Emu(box[3]), data
    )
    drawn = frame.chart
    drawn.has_title = False
    drawn.font.size = Pt(size)
    many = len(chart.series) > 1
    drawn.has_legend = many or chart.kind is ChartKind.PIE
    if drawn.has_legend:
        drawn.legend.position = XL_LEGEND_POSITION.RIGHT if chart.kind is ChartKind.PIE else XL_LEGEND_POSITION.BOTTOM
        drawn.legend.include_in_layout = False
    plot = drawn.plots[0]
    if chart.kind is ChartKind.PIE:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.show_percentage, labels.show_value = True, False
        labels.number_format, labels.number_format_is_linked = "0%", False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    elif not many and len(chart.categories) <= 12:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.position = XL_LABEL_POSITION.ABOVE if chart.kind is ChartKind.LINE else XL_LABEL_POSITION.OUTSIDE_END


# --- measuring a table --------------------------------------------------------------------------------------


def table_pages(table: Table, size: int, area: Box) -> list[range]:
    """The body rows of each slide the table takes (at most ``MAX_SLIDES``, as even as they fit), the header
    repeated on each."""
    header, rows = shown(table)
    widths = column_widths([header, *rows], area[2], size)
    heights = [row_height(row, widths, size) for row in rows]
    room = area[3] - row_height(header, widths, size)
    found: list[range] = []
    start = 0
    while start < len(rows) and len(found) < MAX_SLIDES:
        end, used = start, 0
        while end < len(rows) and (used + heights[end] <= room or end == start):
            used += heights[end]
            end += 1
        found.append(range(start, end))
        start = end
    if len(found) > 1:  # the same rows over as many slides, evenly, when they fit so: no slide of one row
        even = [range(r[0], r[-1] + 1) for r in _split(list(range(found[-1].stop)), len(found)) if r]
        if all(sum(heights[i] for i in run) <= room for run in even):
            found = even
    return found or [range(0, 0)]


def shown(table: Table) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and rows as drawn: at most ``MAX_COLUMNS`` columns."""
    columns = min(len(table.header), MAX_COLUMNS)
    return table.header[:columns], [row[:columns] for row in table.rows]


def column_widths(rows: Sequence[Sequence[str]], total: int, size: int) -> list[int]:
    """Widths (EMU) in proportion to each column's longest text, none narrower than its longest word at ``size``."""
    columns = range(len(rows[0]))
    longest = [max(1, *(min(len(row[i]), 40) for row in rows)) for i in columns]
    words = [
        max(text_width(word, size) for row in rows for word in (row[i].split() or [" "])) * EMU_PER_POINT * 1.1
        + 2 * CELL_PAD
        for i in columns
    ]
    floor = [min(w, total / len(longest) * 1.5) for w in words]  # no word takes more than 1.5 even shares
    free = max(0.0, total - sum(floor))
    widths = [f + free * n / sum(longest) for f, n in zip(floor, longest, strict=True)]
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


def _split(items: list[int], count: int) -> list[list[int]]:
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs
