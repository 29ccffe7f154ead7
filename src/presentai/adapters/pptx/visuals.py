"""Native tables, native charts and key-figure cards, drawn in a theme's colours with their sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from presentai.adapters.pptx.captions import NUMERIC, caption_label, flush_right
from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING
from presentai.adapters.pptx.grid import AREA_HEIGHT, CAPTION_GAP, CAPTION_HEIGHT, CELL_PAD, measured, shown
from presentai.adapters.pptx.masters import BODY_BOX, SIDE
from presentai.adapters.pptx.notes import source_line
from presentai.adapters.pptx.pieces import (
    FIGURE_LINE,
    FIGURE_PAD_PT,
    FIGURE_RULE_PT,
    MIN_DISPLAY,
    caption_lines,
    common_figure_size,
    figure_cards,
)
from presentai.adapters.pptx.themes import Theme
from presentai.domain.deck import Deck
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Table

_AREA_TOP = BODY_BOX[1]
_MISSING = {"—", "–", "-", "n/a", "н/д", "…"}
_KINDS = {
    ChartKind.BAR: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.COLUMN: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartKind.LINE: XL_CHART_TYPE.LINE_MARKERS,
    ChartKind.PIE: XL_CHART_TYPE.PIE,
}


def _rgb(colour: str) -> RGBColor:
    return cast(RGBColor, cast(Any, RGBColor).from_string(colour))


def draw_table(slide: PptxSlide, table: Table, theme: Theme, deck: Deck, *, left_out: int = 0) -> None:
    """``table`` as a native table, with its source, and how much of it was left out, below."""
    p, size = theme.palette, theme.scale.table
    header, rows = shown(table)
    columns = len(header)
    widths, header_height, row_heights = measured(table, size, theme.body_font)
    heights = [header_height, *row_heights]
    frame = slide.shapes.add_table(
        len(rows) + 1, columns, Emu(SIDE), Emu(_AREA_TOP), Emu(BODY_BOX[2]), Emu(sum(heights))
    )
    _plain_style(frame)
    grid = frame.table
    grid.first_row, grid.horz_banding = True, False
    for i, width in enumerate(widths):
        grid.columns[i].width = Emu(width)
    numeric = [_numeric([r[i] for r in rows]) for i in range(columns)]
    for r, row in enumerate([header, *rows]):
        grid.rows[r].height = Emu(heights[r])
        for c in range(columns):
            fill = p.accent if r == 0 else (p.surface if r % 2 == 0 else p.background)
            colour = p.on_accent if r == 0 else p.text
            right = flush_right(row[c], numeric[c], header=r == 0)
            _cell(grid.cell(r, c), row[c], size, colours=(colour, fill, p.rule), bold=r == 0, right=right)
    notes = []
    if left_out:
        notes.append(caption_label(deck.language, "rows").format(count=left_out))
    if columns < len(table.header):
        notes.append(caption_label(deck.language, "columns").format(shown=columns, total=len(table.header)))
    _caption(slide, _AREA_TOP + sum(heights) + CAPTION_GAP, table.attribution, notes, theme=theme, deck=deck)


def _numeric(cells: Sequence[str]) -> bool:
    """Whether a column holds numbers (set flush right); a dash or "n/a" stands for a missing one."""
    given = [c.strip() for c in cells if c.strip() and c.strip().lower() not in _MISSING]
    return bool(given) and all(NUMERIC.match(c) for c in given)


def _plain_style(frame: Any) -> None:
    """The "No Style, No Grid" table style: our fills and rules are the only ones drawn."""
    style = frame._element.graphic.graphicData.tbl.tblPr.find(qn("a:tableStyleId"))
    if style is not None:
        style.text = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"


def _cell(cell: Any, text: str, size: int, *, colours: tuple[str, str, str], bold: bool, right: bool) -> None:
    colour, fill, rule = colours
    cell.margin_left = cell.margin_right = cell.margin_top = cell.margin_bottom = CELL_PAD
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)
    tc_pr = cell._tc.get_or_add_tcPr()
    for side in ("lnL", "lnR", "lnT"):
        tc_pr.append(parse_xml(f'<a:{side} {nsdecls("a")} w="0"><a:noFill/></a:{side}>'))
    tc_pr.append(
        parse_xml(f'<a:lnB {nsdecls("a")} w="9525"><a:solidFill><a:srgbClr val="{rule}"/></a:solidFill></a:lnB>')
    )
    tc_pr.append(parse_xml(f'<a:solidFill {nsdecls("a")}><a:srgbClr val="{fill}"/></a:solidFill>'))


def _caption(
    slide: PptxSlide, top: int, attribution: Attribution | None, notes: list[str], *, theme: Theme, deck: Deck
) -> None:
    parts = []
    if attribution is not None:
        parts.append(
            f"{caption_label(deck.language, 'source')}: {source_line(attribution, deck.sources, deck.language)}"
        )
    parts.extend(notes)
    if not parts:
        return
    _text_box(
        slide, (SIDE, top, BODY_BOX[2], CAPTION_HEIGHT), " · ".join(parts), theme.scale.caption, theme.palette.muted
    )


def _text_box(
    slide: PptxSlide,
    box: tuple[int, int, int, int],
    text: str,
    size: int,
    colour: str,
    *,
    bold: bool = False,
    heading: bool = False,
) -> Any:
    shape = slide.shapes.add_textbox(*(Emu(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    frame.margin_top = frame.margin_bottom = 0  # the boxes are measured to hold their lines exactly
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "+mj-lt" if heading else "+mn-lt"
    run.font.color.rgb = _rgb(colour)
    return shape


def draw_chart(slide: PptxSlide, chart: Chart, theme: Theme, deck: Deck) -> None:
    """``chart`` as a native chart (its data editable in PowerPoint), with its unit and source below."""
    p, size = theme.palette, theme.scale.caption
    whole = all(float(v).is_integer() for s in chart.series for v in s.values)
    data = cast(Any, CategoryChartData)(number_format="#,##0" if whole else "#,##0.0")
    # Horizontal bars are drawn bottom up: the data goes in reversed so that they read top down in its order
    # (reversing the axis instead moves the value axis to the top in LibreOffice).
    order = -1 if chart.kind is ChartKind.BAR else 1
    data.categories = list(chart.categories)[::order]
    for series in chart.series:
        data.add_series(series.name, list(series.values)[::order])
    frame = cast(Any, slide.shapes).add_chart(_KINDS[chart.kind], SIDE, _AREA_TOP, BODY_BOX[2], AREA_HEIGHT, data)
    drawn = frame.chart
    drawn.has_title = False
    drawn.font.size = Pt(size)
    drawn.font.name = theme.body_font
    drawn.font.color.rgb = _rgb(p.muted)
    _transparent(drawn)
    many = len(chart.series) > 1
    drawn.has_legend = many or chart.kind is ChartKind.PIE
    if drawn.has_legend:
        drawn.legend.position = (
            XL_LEGEND_POSITION.BOTTOM if chart.kind is not ChartKind.PIE else XL_LEGEND_POSITION.RIGHT
        )
        drawn.legend.include_in_layout = False
        drawn.legend.font.size = Pt(size + 2)
        drawn.legend.font.color.rgb = _rgb(p.text)
    plot = drawn.plots[0]
    if chart.kind is ChartKind.PIE:
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(p.chart[i % len(p.chart)])
            point.format.line.color.rgb = _rgb(p.background)
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.show_percentage, labels.show_value = True, False
        labels.number_format, labels.number_format_is_linked = "0%", False
        labels.font.size, labels.font.bold = Pt(size + 2), True
        labels.font.color.rgb = _rgb(p.text)
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    else:
        _axes(drawn, theme)
        for i, series in enumerate(plot.series):
            colour = _rgb(p.chart[i % len(p.chart)])
            if chart.kind is ChartKind.LINE:
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(3)
                series.smooth = False
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
        if chart.kind is not ChartKind.LINE:
            plot.gap_width = 60 if many else 80
            if many:
                plot.overlap = -10
        if not many and len(chart.categories) <= 12:
            plot.has_data_labels = True
            labels = plot.data_labels
            labels.font.size, labels.font.bold = Pt(size), True
            labels.font.color.rgb = _rgb(p.text)
            labels.position = XL_LABEL_POSITION.ABOVE if chart.kind is ChartKind.LINE else XL_LABEL_POSITION.OUTSIDE_END
    notes = [chart.unit] if chart.unit else []
    _caption(slide, _AREA_TOP + AREA_HEIGHT + CAPTION_GAP, chart.attribution, notes, theme=theme, deck=deck)


def _axes(drawn: Any, theme: Theme) -> None:
    p = theme.palette
    values, categories = drawn.value_axis, drawn.category_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(p.rule)
    values.major_gridlines.format.line.width = Pt(0.75)
    values.format.line.fill.background()
    values.tick_labels.font.color.rgb = _rgb(p.muted)
    categories.format.line.color.rgb = _rgb(p.rule)
    categories.tick_labels.font.color.rgb = _rgb(p.text)
    categories.has_major_gridlines = False


def _transparent(drawn: Any) -> None:
    """No chart-area fill or border: the slide's background shows through (LibreOffice would paint it white)."""
    space = drawn._chartSpace
    fill = parse_xml(f"<c:spPr {nsdecls('c', 'a')}><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>")
    anchor = space.find(qn("c:txPr"))
    if anchor is not None:
        anchor.addprevious(fill)
    else:
        space.find(qn("c:chart")).addnext(fill)
    area = drawn._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    area.append(parse_xml(f"<c:spPr {nsdecls('c', 'a')}><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"))
    etree.cleanup_namespaces(space)


def draw_figures(slide: PptxSlide, bullets: Sequence[Bullet], rows: int, theme: Theme) -> None:
    """A card per bullet: its figure large in the accent colour, what is said of it below."""
    p, body = theme.palette, theme.scale.body
    cards = figure_cards(len(bullets), rows)
    pad = FIGURE_PAD_PT
    size = common_figure_size(bullets, rows, theme) or MIN_DISPLAY  # one size for every figure of the slide
    lines = max(caption_lines(b, card[2], theme) for b, card in zip(bullets, cards, strict=True))
    needed = 2 * pad + size * FIGURE_LINE + FIGURE_RULE_PT + lines * body * LINE_SPACING
    for bullet, (left, top, width, room) in zip(bullets, cards, strict=True):
        # a row of cards is as tall as its tallest needs, not the whole slide
        height = min(room, max(needed + 0.4 * 72, 2.6 * 72)) if rows == 1 else room
        _rectangle(slide, (left, top, width, height), p.surface)
        _rectangle(slide, (left, top, width, 0.08 * 72), p.accent)
        figure_height = size * FIGURE_LINE
        _text_box(
            slide,
            _emu(left + pad, top + pad, width - 2 * pad, figure_height),
            key_figure(bullet.text) or "",
            size,
            p.accent,
            bold=True,
            heading=True,
        )
        caption_top = top + pad + figure_height + FIGURE_RULE_PT
        _text_box(
            slide,
            _emu(left + pad, caption_top, width - 2 * pad, top + height - pad - caption_top),
            figure_caption(bullet.text),
            body,
            p.text,
        )


def _emu(*points: float) -> tuple[int, int, int, int]:
    left, top, width, height = (int(v * EMU_PER_POINT) for v in points)
    return left, top, width, height


def _rectangle(slide: PptxSlide, box: tuple[float, float, float, float], colour: str) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Emu(v) for v in _emu(*box)))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))
    if style is not None:  # the default shape style draws a shadow and an outline
        shape._element.remove(style)
