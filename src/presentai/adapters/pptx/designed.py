"""DesignedDeckRenderer: decks drawn on a built-in theme's master, each layout drawn as it is meant to look."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast

import pptx
from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.slide import SlideLayout
from pptx.util import Emu, Pt

from presentai.adapters.pptx.captions import deck_date
from presentai.adapters.pptx.fitting import Paragraph, fit, text_width
from presentai.adapters.pptx.masters import INSET_X, INSET_Y, LEVEL_INDENT, master_bytes
from presentai.adapters.pptx.notes import source_line, write_notes
from presentai.adapters.pptx.packaging import quick_part_names
from presentai.adapters.pptx.pieces import SPACE_BEFORE, Mode, Piece, inner, pieces, quote_size
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.adapters.pptx.themes import DEFAULT_THEME, Theme, branded, theme_named
from presentai.adapters.pptx.visuals import draw_chart, draw_figures, draw_table
from presentai.domain.deck import Deck
from presentai.domain.errors import RenderError
from presentai.domain.exports import PPTX_MEDIA_TYPE
from presentai.domain.slides import Bullet

_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.SLIDE_NUMBER)
# Which of our master's layouts draws each mode, by the layout's type (our own masters, so a fixed map).
_LAYOUT_TYPES = {
    Mode.COVER: "title",
    Mode.SECTION: "secHead",
    Mode.LIST: "obj",
    Mode.COLUMNS: "twoObj",
    Mode.TABLE: "titleOnly",
    Mode.CHART: "titleOnly",
    Mode.FIGURES: "titleOnly",
    Mode.QUOTE: "cust",
}


class DesignedDeckRenderer:
    """Renders decks on a built-in theme (``light``, ``dark``, ``corporate``), in a brand kit's colours, fonts
    and logo when the deck has one (``deck.brand``); a template goes to PptxDeckRenderer."""

    media_type = PPTX_MEDIA_TYPE

    def __init__(self, theme: str = DEFAULT_THEME, *, today: Callable[[], date] = date.today) -> None:
        self._theme = theme_named(theme)
        self._today = today
        self._templated = PptxDeckRenderer(today=today)

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as PPTX bytes."""
        if template is not None:
            return self._templated.render(deck, template)
        base = theme_named(deck.theme) if deck.theme else self._theme  # the deck's theme, else this renderer's
        theme = branded(deck.brand, base) if deck.brand is not None else base
        prs = pptx.Presentation(io.BytesIO(master_bytes(theme)))
        quick_part_names(prs)
        layouts = {layout._element.get("type"): layout for layout in prs.slide_layouts}
        drawing = _Drawing(theme, deck, deck_date(self._today(), deck.language))
        try:
            for content in deck.slides:
                for piece in pieces(content, theme, deck.language):
                    drawing.draw(prs, layouts[_LAYOUT_TYPES[piece.mode]], piece)
        except (KeyError, ValueError, TypeError) as error:
            raise RenderError(f"the deck could not be drawn: {error}") from error
        out = io.BytesIO()
        prs.save(out)
        return out.getvalue()


class _Drawing:
    """Draws pieces onto slides, numbering them."""

    def __init__(self, theme: Theme, deck: Deck, day: str) -> None:
        self.theme, self.deck, self.day = theme, deck, day
        self.number = 0
        self._footer_cache: dict[int, list[tuple[PP_PLACEHOLDER, float, Any]]] = {}

    def draw(self, prs: PptxPresentation, layout: SlideLayout, piece: Piece) -> None:
        slide = prs.slides.add_slide(layout)
        self.number += 1
        content, scale = piece.content, self.theme.scale
        title, bodies = _title_and_bodies(slide)
        if piece.mode is Mode.COVER:
            self._title(title, content.title, scale.cover_title)
            subtitle = content.notes or self.deck.subtitle
            if subtitle and bodies:
                _write(bodies[0], [Paragraph(subtitle, 0, 0)], _fitted(bodies[0], subtitle, scale.subtitle, 16))
        elif piece.mode is Mode.SECTION:
            self._title(title, content.title, scale.section)
            if content.bullets and bodies:
                lines = [Paragraph(b.text, 0, 4) for b in content.bullets]
                _write(bodies[0], lines, _fitted_all(bodies[0], lines, scale.subtitle, 16))
        else:
            self._title(title, content.title, scale.title)
        body = scale.body
        if piece.mode is Mode.LIST and content.bullets and bodies:
            _write_bullets(bodies[0], content.bullets, body, piece.numbered_from)
        elif piece.mode is Mode.COLUMNS and len(bodies) >= 2:
            _write_bullets(bodies[0], piece.left, body, piece.numbered_from)
            right_from = piece.numbered_from + len(piece.left) if piece.numbered_from else 0
            _write_bullets(bodies[1], piece.right, body, right_from)
        elif piece.mode is Mode.QUOTE and bodies:
            quote = content.bullets[0]
            size = quote_size(quote.text, self.theme) or scale.quote
            _write(bodies[0], [Paragraph(quote.text, 0, 0)], size)
            source = _quote_source(quote, self.deck)
            if source and len(bodies) > 1:
                _write(bodies[1], [Paragraph(source, 0, 0)], _fitted(bodies[1], source, scale.caption + 2, 12))
        elif piece.mode is Mode.TABLE and piece.table is not None:
            draw_table(slide, piece.table, self.theme, self.deck, left_out=piece.rows_left_out)
        elif piece.mode is Mode.CHART and content.chart is not None:
            draw_chart(slide, content.chart, self.theme, self.deck)
        elif piece.mode is Mode.FIGURES:
            draw_figures(slide, content.bullets, piece.rows, self.theme)
        if piece.mode is not Mode.COVER:
            self._footers(slide, layout, footer=True)
        else:
            self._footers(slide, layout, footer=False)
        _remove_empty_placeholders(slide)
        write_notes(slide, content, self.deck)

    def _title(self, shape: Any, text: str, size: int) -> None:
        if shape is not None:
            _write(shape, [Paragraph(text, 0, 0)], _fitted(shape, text, size, max(size - 10, 20)))

    def _footers(self, slide: PptxSlide, layout: SlideLayout, *, footer: bool) -> None:
        """Copies of the layout's footer, date and slide-number placeholders, filled in (the cover: the date)."""
        size = str(self.theme.scale.footer * 100)
        for kind, width, element in self._footer_parts(layout):
            if not footer and kind is not PP_PLACEHOLDER.DATE:
                continue
            copied = copy.deepcopy(element)
            paragraph = copied.find(f"{qn('p:txBody')}/{qn('a:p')}")
            for child in list(paragraph):
                if child.tag != qn("a:pPr"):
                    paragraph.remove(child)
            if kind is PP_PLACEHOLDER.SLIDE_NUMBER:
                holder = etree.SubElement(paragraph, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
                holder.set("type", "slidenum")
                text = str(self.number)
            else:
                holder = etree.SubElement(paragraph, qn("a:r"))
                text = self.deck.title if kind is PP_PLACEHOLDER.FOOTER else self.day
                text = _clipped(text, self.theme.scale.footer, width)
            etree.SubElement(holder, qn("a:rPr"), lang="en-US", sz=size)
            etree.SubElement(holder, qn("a:t")).text = text
            slide.shapes._spTree.append(copied)

    def _footer_parts(self, layout: SlideLayout) -> list[tuple[PP_PLACEHOLDER, float, Any]]:
        """The layout's footer placeholders: kind, text width (points) and element; read once per layout."""
        key = id(layout._element)
        if key not in self._footer_cache:
            self._footer_cache[key] = [
                (ph.placeholder_format.type, inner(_box(ph))[0], ph._element)
                for ph in cast(Any, layout).placeholders
                if ph.placeholder_format.type in _FOOTERS
            ]
        return self._footer_cache[key]


def _title_and_bodies(slide: PptxSlide) -> tuple[Any, list[Any]]:
    title, bodies = None, []
    for ph in slide.placeholders:
        kind = ph.placeholder_format.type
        if kind in _TITLES and title is None:
            title = ph
        elif kind not in _FOOTERS and kind not in _TITLES:
            bodies.append(ph)
    bodies.sort(key=lambda ph: ph.placeholder_format.idx)
    return title, bodies


def _box(shape: Any) -> tuple[int, int, int, int]:
    return shape.left, shape.top, shape.width, shape.height


def _fitted(shape: Any, text: str, largest: int, smallest: int) -> int:
    return _fitted_all(shape, [Paragraph(text, 0, 0)], largest, smallest)


def _fitted_all(shape: Any, lines: Sequence[Paragraph], largest: int, smallest: int) -> int:
    width, height = inner(_box(shape))
    return int(fit(lines, width, height, largest=largest, smallest=smallest).size)


def _prepare(frame: Any) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Emu(INSET_X)
    frame.margin_top = frame.margin_bottom = Emu(INSET_Y)


def _write(shape: Any, lines: Sequence[Paragraph], size: int) -> None:
    """Plain paragraphs (no bullets) at ``size``."""
    frame = shape.text_frame
    _prepare(frame)
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line.text
        if line.space_before:
            paragraph.space_before = Pt(line.space_before)
        for run in paragraph.runs:
            run.font.size = Pt(size)


def _write_bullets(shape: Any, bullets: Sequence[Bullet], size: int, numbered_from: int) -> None:
    """Bullets at the deck's body size, sub-bullets 2 pt smaller; numbered from ``numbered_from`` when it is set."""
    frame = shape.text_frame
    _prepare(frame)
    indent = int(LEVEL_INDENT)
    for i, bullet in enumerate(bullets):
        level = min(bullet.level, 1)
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = bullet.text
        paragraph.level = level
        paragraph.space_before = Pt(SPACE_BEFORE)
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.set("marL", str(indent * (level + 1)))
        p_pr.set("indent", str(-indent))
        if numbered_from:
            number = etree.SubElement(p_pr, qn("a:buAutoNum"), type="arabicPeriod")
            number.set("startAt", str(numbered_from))
            number.addprevious(etree.Element(qn("a:buFontTx")))  # numbers in the text's font, not the bullets' Arial
        for run in paragraph.runs:
            run.font.size = Pt(size - 2 * level)


def _clipped(text: str, size: int, width: float) -> str:
    """``text`` cut with an ellipsis to fit one line of ``width`` points."""
    if text_width(text, size) <= width:
        return text
    words = text.split()
    while words and text_width(" ".join(words) + " …", size) > width:
        words.pop()
    return " ".join(words) + " …" if words else text[: max(1, int(width / size))]


def _quote_source(bullet: Bullet, deck: Deck) -> str:
    if not bullet.attributions:
        return ""
    return "— " + source_line(bullet.attributions[0], deck.sources, deck.language)


def _remove_empty_placeholders(slide: PptxSlide) -> None:
    """No placeholder is left empty: PowerPoint would show its prompt ("Click to add text")."""
    for ph in list(slide.placeholders):
        if (
            ph.has_text_frame
            and not ph.text_frame.text.strip()
            and ph.placeholder_format.type is not PP_PLACEHOLDER.SLIDE_NUMBER
        ):
            ph._element.getparent().remove(ph._element)
