"""PptxDeckRenderer: a native, editable PPTX on a customer template (or python-pptx's default), sources in the notes.

The template's look is kept whole: its layouts are chosen by their
placeholders' roles, its fonts and colours come through inheritance (runs carry
a size and nothing else), and every placeholder a slide leaves empty is removed
so that no "Click to add text" or empty picture frame remains.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence
from typing import Any, cast

import pptx
from attrs import frozen
from lxml import etree
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.exc import PackageNotFoundError
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches, Pt

from presentai.adapters.pptx.fitting import EMU_PER_POINT, Paragraph, fit
from presentai.adapters.pptx.layout_roles import Box, Layouts, Roles, Use
from presentai.adapters.pptx.notes import source_line, write_notes
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
    insets,
    split_box,
    table_area,
)
from presentai.adapters.pptx.template_visuals import caption, draw_chart, draw_table, table_notes, table_style
from presentai.domain.deck import Deck
from presentai.domain.errors import RenderError
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Bullet

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDE = (Inches(13.333), Inches(7.5))
LEVEL_INDENT = Inches(0.375)
BODY_SIZES = (18, 24)  # the deck's one body size lies here, as near the template's own as it can
_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_OTHER_MAINS = (  # a .potx or a .ppsx is a presentation under another content type
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
)
_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_LEVEL1 = etree.XPath(".//a:lvl1pPr/a:defRPr/@*[local-name() = $attribute]", namespaces=_NS)
_LEVEL1_MARGIN = etree.XPath("./p:bodyStyle/a:lvl1pPr/@marL", namespaces=_NS)
_ERRORS = (KeyError, ValueError, IndexError, TypeError, AttributeError, etree.XMLSyntaxError)


class PptxDeckRenderer:
    """Renders decks with python-pptx into the default 16:9 theme or a corporate template (.pptx or .potx)."""

    media_type = PPTX_MEDIA_TYPE

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as PPTX bytes."""
        try:
            prs = _open(template)
        except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, PackageNotFoundError) as error:
            raise RenderError("the template is not a valid PowerPoint (.pptx) file") from error
        try:
            layouts = Layouts(prs)
            indent = _indent_pt(layouts.list)
            size = choose_size(layouts, deck.slides, indent, deck.language, largest=body_size(layouts))
            cutter = Cutter(layouts, size, indent, deck.language)
            drawing = _Drawing(deck, layouts, cutter, table_style(prs))
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


def _style_value(found: Roles, idx: int | None, style: str, attribute: str) -> str | None:
    """An attribute of the first-level text of a layout's placeholder as the template sets it: in the placeholder's
    list style, its master placeholder's, or the master's ``style`` (``titleStyle``, ``bodyStyle``)."""
    layout: Any = found.layout
    shapes = [ph for ph in layout.placeholders if ph.placeholder_format.idx == idx]
    elements = [shapes[0]._element] if shapes else []
    if shapes and shapes[0]._base_placeholder is not None:
        elements.append(shapes[0]._base_placeholder._element)
    styles = layout.slide_master._element.find(qn("p:txStyles"))
    if styles is not None and styles.find(qn(f"p:{style}")) is not None:
        elements.append(styles.find(qn(f"p:{style}")))
    for element in elements:
        for value in _LEVEL1(element, attribute=attribute):
            return str(value)
    return None


def _style_size(found: Roles, idx: int | None, style: str) -> int | None:
    """The template's own size (points) for a layout's placeholder."""
    size = _style_value(found, idx, style, "sz")
    return int(size) // 100 if size and size.isdigit() else None


def body_size(layouts: Layouts) -> int:
    """The deck's one body size: the template's own, kept within ``BODY_SIZES``."""
    main = layouts.list.main
    own = _style_size(layouts.list, main[0] if main else None, "bodyStyle") or BODY_SIZES[1]
    return max(BODY_SIZES[0], min(BODY_SIZES[1], own))


def _indent_pt(found: Roles) -> float:
    """The indent a bullet takes (points): the template's first-level margin, or more."""
    styles = found.layout.slide_master._element.find(qn("p:txStyles"))
    margins = _LEVEL1_MARGIN(styles) if styles is not None else []
    return max(int(margins[0]) if margins else 0, LEVEL_INDENT) / EMU_PER_POINT


@frozen
class _Line:
    """A paragraph to write: text, level, size, space before; ``bulleted`` keeps the template's bullet."""

    text: str
    size: int
    level: int = 0
    space_before: float = 0.0
    bulleted: bool = False


class _Drawing:
    """Draws pieces onto slides of the template's layouts."""

    def __init__(self, deck: Deck, layouts: Layouts, cutter: Cutter, table_style: tuple[str, bool]) -> None:
        self.deck, self.layouts, self.cutter, self.table_style = deck, layouts, cutter, table_style

    def draw(self, prs: PptxPresentation, piece: Piece) -> None:
        found = self.layouts.for_use(USES.get(piece.kind, Use.LIST))
        slide = prs.slides.add_slide(found.layout)
        content, size = piece.content, self.cutter.size
        if found.title is not None:
            display = piece.kind in (Kind.COVER, Kind.SECTION)
            self._title(_placeholder(slide, found.title[0]), content.title, found, display=display)
        second = found.subtitle or (found.main if piece.kind in (Kind.COVER, Kind.SECTION) else None)
        main = _placeholder(slide, found.main[0]) if found.main else None
        if piece.kind is Kind.COVER and second is not None:
            subtitle = content.notes or self.deck.subtitle
            if subtitle:
                self._fitted(_placeholder(slide, second[0]), [subtitle], largest=min(size + 4, 28), smallest=10)
        elif piece.kind is Kind.SECTION and second is not None and content.bullets:
            lines = [b.text for b in content.bullets]
            self._fitted(_placeholder(slide, second[0]), lines, largest=size, smallest=14)
        elif piece.kind is Kind.LIST and main is not None:
            _write(main, _bullets(content.bullets, size))
        elif piece.kind is Kind.COLUMNS:
            left, right = self._columns(slide, found, main)
            _write(left, _bullets(piece.left, size))
            _write(right, _bullets(piece.right, size))
        elif piece.kind is Kind.FIGURES:
            self._figures(slide, found, main, piece)
        elif piece.kind is Kind.QUOTE and main is not None:
            self._quote(main, content.bullets[0])
        elif piece.kind in (Kind.TABLE, Kind.CHART) and main is not None:
            self._visual(slide, main, piece)
        _remove_empty_placeholders(slide)
        write_notes(slide, content, self.deck)

    def _title(self, shape: Any, text: str, found: Roles, *, display: bool) -> None:
        idx = found.title[0] if found.title else None
        own = _style_size(found, idx, "titleStyle") or 36
        largest, smallest = (min(max(own, 28), 44), 14) if display else (min(max(own, 24), 36), 14)
        caps = _style_value(found, idx, "titleStyle", "cap") == "all"
        self._fitted(shape, [text], largest=largest, smallest=smallest, caps=caps)

    def _fitted(self, shape: Any, texts: Sequence[str], *, largest: int, smallest: int, caps: bool = False) -> None:
        """``texts`` at the largest size down to ``smallest`` at which they fit (measured in capitals if the
        template sets them so)."""
        width, height = inner(_box(shape))
        space = 4.0 if len(texts) > 1 else 0.0
        measured = [Paragraph(t.upper() if caps else t, 0, space) for t in texts]
        result = fit(measured, width, height, largest=largest, smallest=smallest)
        _write(shape, [_Line(t, int(result.size), space_before=space) for t in texts])

    def _columns(self, slide: PptxSlide, found: Roles, main: Any) -> tuple[Any, Any]:
        pair = found.pair()
        if pair is not None:
            return _placeholder(slide, pair[0][0]), _placeholder(slide, pair[1][0])
        assert main is not None
        left_box, right_box = split_box(_box(main))
        right = _clone(slide, main)
        _place(main, left_box)
        _place(right, right_box)
        return main, right

    def _figures(self, slide: PptxSlide, found: Roles, main: Any, piece: Piece) -> None:
        if not piece.right:
            columns = [(main, piece.left)]
        else:
            left, right = self._columns(slide, found, main)
            columns = [(left, piece.left), (right, piece.right)]
        sizes = [self.cutter.figure_size(bullets, _box(shape)) for shape, bullets in columns]
        figure = min(s for s in sizes if s is not None)  # one size for every figure of the slide
        for shape, bullets in columns:
            lines = []
            for i, bullet in enumerate(bullets):
                lines.append(
                    _Line(key_figure(bullet.text) or bullet.text, figure, space_before=2 * SPACE_BEFORE if i else 0)
                )
                lines.append(_Line(figure_caption(bullet.text), self.cutter.size, space_before=2))
            _write(shape, lines)

    def _quote(self, shape: Any, quote: Bullet) -> None:
        size = self.cutter.display_size(quote.text, _box(shape), caption_lines=2) or self.cutter.size
        text = quote.text.strip().strip('“”"')
        lines = [_Line(f"“{text}”", size)]
        if quote.attributions:
            where = source_line(quote.attributions[0], self.deck.sources, self.deck.language)
            lines.append(_Line(f"— {where}", self.cutter.size, space_before=SPACE_BEFORE * 2))
        _write(shape, lines)

    def _visual(self, slide: PptxSlide, main: Any, piece: Piece) -> None:
        area, strip = table_area(_box(main))
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
        _place(main, strip)
        if text:
            self._fitted(main, [text], largest=CAPTION_PT, smallest=10)


def _placeholder(slide: PptxSlide, idx: int) -> Any:
    return cast(Any, slide.placeholders)[idx]


def _box(shape: Any) -> Box:
    return cast(Box, (shape.left, shape.top, shape.width, shape.height))


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = (Emu(v) for v in box)


def _clone(slide: PptxSlide, shape: Any) -> Any:
    """A copy of a placeholder beside it (same layout placeholder, so the same inherited look), with its own id."""
    element = copy.deepcopy(shape._element)
    ids = [int(i) for i in slide.shapes._spTree.xpath("//p:cNvPr/@id")]
    element.nvSpPr.cNvPr.id = max(ids, default=1) + 1
    element.nvSpPr.cNvPr.name = f"{shape.name} (2)"
    shape._element.addnext(element)
    return cast(Any, slide.shapes)._shape_factory(element)


def _bullets(bullets: Sequence[Bullet], size: int) -> list[_Line]:
    """Bullets at the deck's body size, sub-bullets 2 pt smaller, in the template's bullet style."""
    return [_Line(b.text, size - 2 * min(b.level, 1), min(b.level, 1), SPACE_BEFORE, bulleted=True) for b in bullets]


def _write(shape: Any, lines: Sequence[_Line]) -> None:
    """``lines`` into a placeholder: sizes and spacing set, fonts, colours and bullets left to the template."""
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # the template's autofit would shrink text behind our measure
    for side, value in zip(("left", "top", "right", "bottom"), insets(_box(shape)) * 2, strict=True):
        setattr(frame, f"margin_{side}", Emu(value))
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line.text
        paragraph.level = line.level
        paragraph.space_before = Pt(line.space_before)
        if not line.bulleted:
            p_pr = paragraph._p.get_or_add_pPr()
            p_pr.set("marL", "0")
            p_pr.set("indent", "0")
            _no_bullet(p_pr)
        for run in paragraph.runs:
            run.font.size = Pt(line.size)


_AFTER_BULLET = (qn("a:tabLst"), qn("a:defRPr"), qn("a:extLst"))


def _no_bullet(p_pr: Any) -> None:
    """A ``buNone`` in its schema place: after spacing and bullet colour, size and font; before tabs."""
    for child in p_pr:
        if child.tag in _AFTER_BULLET:
            child.addprevious(etree.Element(qn("a:buNone")))
            return
    etree.SubElement(p_pr, qn("a:buNone"))


def _remove_empty_placeholders(slide: PptxSlide) -> None:
    """No placeholder is left empty: PowerPoint would show its prompt ("Click to add text", a picture icon)."""
    for ph in list(slide.placeholders):
        element = ph._element
        if element.tag == qn("p:sp") and not "".join(element.xpath(".//a:t/text()")).strip():
            element.getparent().remove(element)
