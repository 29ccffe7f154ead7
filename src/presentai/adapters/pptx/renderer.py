"""PptxDeckRenderer: a native, editable PPTX on a customer template (or python-pptx's default), sources in the notes.

The template's look is kept whole: its layouts are chosen by their
placeholders' roles, its fonts and colours come through inheritance (runs carry
a size and nothing else), and every placeholder a slide leaves empty is removed
so that no "Click to add text" or empty picture frame remains.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pptx
from lxml import etree
from pptx.exc import PackageNotFoundError
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches

from presentai.adapters.pptx.captions import deck_date
from presentai.adapters.pptx.fitting import EMU_PER_POINT, Paragraph, fit
from presentai.adapters.pptx.layout_roles import Layouts, Roles, Use, body_size, indent_pt, style_size, style_value
from presentai.adapters.pptx.notes import source_line, write_notes
from presentai.adapters.pptx.packaging import quick_part_names
from presentai.adapters.pptx.placeholders import (
    Line,
    add_footers,
    box_of,
    bullet_lines,
    clone,
    place,
    placeholder,
    remove_empty_placeholders,
    write,
)
from presentai.adapters.pptx.template_pieces import (
    CAPTION_PT,
    MARGIN,
    SPACE_BEFORE,
    USES,
    Cutter,
    Kind,
    Piece,
    choose_size,
    inner,
    split_box,
    table_area,
)
from presentai.adapters.pptx.template_visuals import caption, draw_chart, draw_table, table_notes, table_style
from presentai.domain.deck import Deck
from presentai.domain.errors import RenderError
from presentai.domain.exports import PPTX_MEDIA_TYPE
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Bullet

WIDE = (Inches(13.333), Inches(7.5))
_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_OTHER_MAINS = (  # a .potx or a .ppsx is a presentation under another content type
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
)
_ERRORS = (KeyError, ValueError, IndexError, TypeError, AttributeError, etree.XMLSyntaxError)


class PptxDeckRenderer:
    """Renders decks with python-pptx into the default 16:9 theme or a corporate template (.pptx or .potx)."""

    media_type = PPTX_MEDIA_TYPE

    def __init__(self, *, today: Callable[[], date] = date.today) -> None:
        self._today = today

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as PPTX bytes."""
        try:
            prs = _open(template)
        except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, PackageNotFoundError) as error:
            raise RenderError("the template is not a valid PowerPoint (.pptx) file") from error
        try:
            quick_part_names(prs)
            layouts = Layouts(prs)
            indent = indent_pt(layouts.list)
            size = choose_size(layouts, deck.slides, indent, deck.language, largest=body_size(layouts))
            cutter = Cutter(layouts, size, indent, deck.language)
            drawing = _Drawing(deck, layouts, cutter, table_style(prs), deck_date(self._today(), deck.language))
            for content in deck.slides:
                for piece in cutter.pieces(content):
                    drawing.draw(prs, piece)
            out = io.BytesIO()
            prs.save(out)
            return out.getvalue()
        except _ERRORS as error:
            # python-pptx meets a template it cannot place slides on (odd layouts, placeholders without size)
            raise RenderError(f"the deck could not be written with this template: {error}") from error


def _open(template: bytes | None) -> PptxPresentation:
    if template is not None:
        prs = pptx.Presentation(io.BytesIO(_as_presentation(template)))
        for slide_id in list(prs.slides._sldIdLst):  # a template's sample slides are not ours
            prs.part.drop_rel(slide_id.rId)
            prs.slides._sldIdLst.remove(slide_id)
        return prs
    prs = pptx.Presentation()
    _widen(prs)
    return prs


def _as_presentation(data: bytes) -> bytes:
    """``data`` with a template's or a show's main part declared a presentation's, which python-pptx opens."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
        if not any(kind.encode() in types for kind in _OTHER_MAINS):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    for kind in _OTHER_MAINS:
                        content = content.replace(kind.encode(), _MAIN.encode())
                target.writestr(item, content)
        return out.getvalue()


def _widen(prs: PptxPresentation) -> None:
    """Turn python-pptx's 4:3 default into 16:9, stretching every master and layout placeholder.

    Layout placeholders often inherit their position from the master, so every
    effective position is read before any is changed, then all are written.
    """
    factor = WIDE[0] / prs.slide_width
    shapes = [
        shape
        for master in prs.slide_masters
        for shape in [*master.placeholders, *(s for layout in master.slide_layouts for s in layout.placeholders)]
    ]
    boxes = [(shape, shape.left, shape.top, shape.width, shape.height) for shape in shapes]
    for shape, left, top, width, height in boxes:
        if None in (left, top, width, height):
            continue
        shape.left, shape.top = Emu(int(left * factor)), top
        shape.width, shape.height = Emu(int(width * factor)), height
    prs.slide_width, prs.slide_height = WIDE


class _Drawing:
    """Draws pieces onto slides of the template's layouts."""

    def __init__(self, deck: Deck, layouts: Layouts, cutter: Cutter, table_style: tuple[str, bool], day: str) -> None:
        self.deck, self.layouts, self.cutter, self.table_style, self.day = deck, layouts, cutter, table_style, day
        self.number = 0

    def draw(self, prs: PptxPresentation, piece: Piece) -> None:
        found = self.layouts.for_use(USES.get(piece.kind, Use.LIST))
        slide = prs.slides.add_slide(found.layout)
        content, size = piece.content, self.cutter.size
        second = found.subtitle or (found.main if piece.kind in (Kind.COVER, Kind.SECTION) else None)
        subtitle = (content.notes or self.deck.subtitle) if piece.kind is Kind.COVER else ""
        # A cover without a subtitle's place: the subtitle goes under the title, in a copy of it (its look).
        below = self._under_title(prs, slide, found) if subtitle and second is None else None
        if found.title is not None:
            display = piece.kind in (Kind.COVER, Kind.SECTION)
            self._title(placeholder(slide, found.title[0]), content.title, found, display=display)
        main = placeholder(slide, found.main[0]) if found.main else None
        if below is not None:
            self._fitted(below, [subtitle], largest=min(size + 4, 28), smallest=10)
        if piece.kind is Kind.COVER and second is not None:
            if subtitle:
                self._fitted(placeholder(slide, second[0]), [subtitle], largest=min(size + 4, 28), smallest=10)
        elif piece.kind is Kind.SECTION and second is not None and content.bullets:
            lines = [b.text for b in content.bullets]
            self._fitted(placeholder(slide, second[0]), lines, largest=size, smallest=14)
        elif piece.kind is Kind.LIST and main is not None:
            write(main, bullet_lines(content.bullets, size))
        elif piece.kind is Kind.COLUMNS:
            left, right = self._columns(slide, found, main)
            write(left, bullet_lines(piece.left, size))
            write(right, bullet_lines(piece.right, size))
        elif piece.kind is Kind.FIGURES:
            self._figures(slide, found, main, piece)
        elif piece.kind is Kind.QUOTE and main is not None:
            self._quote(main, content.bullets[0])
        elif piece.kind in (Kind.TABLE, Kind.CHART) and main is not None:
            self._visual(slide, main, piece)
        remove_empty_placeholders(slide)
        self.number += 1
        if piece.kind is not Kind.COVER:
            add_footers(slide, found.layout, self.number, self.deck.title, self.day)
        write_notes(slide, content, self.deck)

    def _under_title(self, prs: PptxPresentation, slide: PptxSlide, found: Roles) -> Any:
        """A copy of the title placeholder for a line under it: below the title when there is room on the
        slide, else in the lower part of the title's own box."""
        if found.title is None:
            return None
        title = placeholder(slide, found.title[0])
        left, top, width, height = box_of(title)
        line = int(2 * 28 * 1.2 * EMU_PER_POINT + 2 * MARGIN)  # two lines of the subtitle at its largest
        room = int(prs.slide_height or 0) - (top + height) - int(MARGIN)
        if room >= line:
            box = (left, top + height, width, line)
        else:
            line = min(line, height // 3)
            place(title, (left, top, width, height - line))
            box = (left, top + height - line, width, line)
        extra = clone(slide, title)
        place(extra, box)
        return extra

    def _title(self, shape: Any, text: str, found: Roles, *, display: bool) -> None:
        idx = found.title[0] if found.title else None
        own = style_size(found, idx, "titleStyle") or 36
        largest, smallest = (min(max(own, 28), 44), 14) if display else (min(max(own, 24), 36), 14)
        caps = style_value(found, idx, "titleStyle", "cap") == "all"
        self._fitted(shape, [text], largest=largest, smallest=smallest, caps=caps)

    def _fitted(self, shape: Any, texts: Sequence[str], *, largest: int, smallest: int, caps: bool = False) -> None:
        """``texts`` at the largest size down to ``smallest`` at which they fit (measured in capitals if the
        template sets them so)."""
        width, height = inner(box_of(shape))
        space = 4.0 if len(texts) > 1 else 0.0
        measured = [Paragraph(t.upper() if caps else t, 0, space) for t in texts]
        result = fit(measured, width, height, largest=largest, smallest=smallest)
        write(shape, [Line(t, int(result.size), space_before=space) for t in texts])

    def _columns(self, slide: PptxSlide, found: Roles, main: Any) -> tuple[Any, Any]:
        pair = found.pair()
        if pair is not None:
            return placeholder(slide, pair[0][0]), placeholder(slide, pair[1][0])
        assert main is not None
        left_box, right_box = split_box(box_of(main))
        right = clone(slide, main)
        place(main, left_box)
        place(right, right_box)
        return main, right

    def _figures(self, slide: PptxSlide, found: Roles, main: Any, piece: Piece) -> None:
        if not piece.right:
            columns = [(main, piece.left)]
        else:
            left, right = self._columns(slide, found, main)
            columns = [(left, piece.left), (right, piece.right)]
        sizes = [self.cutter.figure_size(bullets, box_of(shape)) for shape, bullets in columns]
        figure = min(s for s in sizes if s is not None)  # one size for every figure of the slide
        for shape, bullets in columns:
            lines = []
            for i, bullet in enumerate(bullets):
                lines.append(
                    Line(key_figure(bullet.text) or bullet.text, figure, space_before=2 * SPACE_BEFORE if i else 0)
                )
                lines.append(Line(figure_caption(bullet.text), self.cutter.size, space_before=2))
            write(shape, lines)

    def _quote(self, shape: Any, quote: Bullet) -> None:
        size = self.cutter.display_size(quote.text, box_of(shape), caption_lines=2) or self.cutter.size
        text = quote.text.strip().strip('“”"')
        lines = [Line(f"“{text}”", size)]
        if quote.attributions:
            where = source_line(quote.attributions[0], self.deck.sources, self.deck.language)
            lines.append(Line(f"— {where}", self.cutter.size, space_before=SPACE_BEFORE * 2))
        write(shape, lines)

    def _visual(self, slide: PptxSlide, main: Any, piece: Piece) -> None:
        area, strip = table_area(box_of(main))
        content = piece.content
        if piece.kind is Kind.TABLE and piece.table is not None and content.table is not None:
            used = draw_table(slide, piece.table, area, self.cutter.table_size(), self.table_style)
            strip = (strip[0], min(strip[1], area[1] + used + int(MARGIN)), strip[2], strip[3])  # just under it
            notes = table_notes(content.table, piece.table, piece.rows_left_out, self.deck)
            text = caption(content.table.attribution, notes, self.deck)
        elif content.chart is not None:
            draw_chart(slide, content.chart, area, self.cutter.table_size())
            text = caption(content.chart.attribution, [content.chart.unit] if content.chart.unit else [], self.deck)
        else:
            return
        # The caption goes in the body placeholder, moved under the table: it keeps the template's text colour.
        place(main, strip)
        if text:
            self._fitted(main, [text], largest=CAPTION_PT, smallest=10)
