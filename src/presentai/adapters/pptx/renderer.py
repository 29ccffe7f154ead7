"""PptxDeckRenderer: a native, editable PPTX with text sized to fit and sources in the notes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import pptx
from attrs import evolve
from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.exc import PackageNotFoundError
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide as PptxSlide
from pptx.slide import SlideLayout
from pptx.util import Emu, Inches, Pt

from presentai.adapters.pptx.fitting import EMU_PER_POINT, Paragraph, fit
from presentai.domain.deck import Deck, DeckSource, label
from presentai.domain.errors import RenderError
from presentai.domain.slides import Bullet, Layout, SlideContent

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDE = (Inches(13.333), Inches(7.5))
MARGIN = Inches(0.1)  # text-frame insets, set explicitly so that measuring and drawing agree
LEVEL_INDENT = Inches(0.375)
_BODY_SIZES = (24, 14)
_TITLE_SIZES = (36, 20)
_SPACE_BEFORE = 6.0


class PptxDeckRenderer:
    """Renders decks with python-pptx into the default 16:9 theme or a corporate template."""

    media_type = PPTX_MEDIA_TYPE

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as PPTX bytes."""
        try:
            prs = _open(template)
        except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, PackageNotFoundError) as error:
            raise RenderError("the template is not a valid PowerPoint (.pptx) file") from error
        try:
            layouts = _Layouts(prs)
            for content in deck.slides:
                for piece in _split_to_fit(content, layouts, deck.language):
                    _draw(prs, layouts, piece, deck)
            out = io.BytesIO()
            prs.save(out)
            return out.getvalue()
        except (KeyError, ValueError, IndexError, TypeError, AttributeError, etree.XMLSyntaxError) as error:
            # python-pptx meets a template it cannot place slides on (odd layouts, placeholders without size)
            raise RenderError(f"the deck could not be written with this template: {error}") from error


def _open(template: bytes | None) -> PptxPresentation:
    if template is not None:
        prs = pptx.Presentation(io.BytesIO(template))
        for slide_id in list(prs.slides._sldIdLst):  # a template's sample slides are not ours
            prs.part.drop_rel(slide_id.rId)
            prs.slides._sldIdLst.remove(slide_id)
        return prs
    prs = pptx.Presentation()
    _widen(prs)
    return prs


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


_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)


class _Layouts:
    """Finds the template's layouts by the placeholders they have, and by name only as a tie-breaker."""

    def __init__(self, prs: PptxPresentation) -> None:
        self._layouts: list[SlideLayout] = list(prs.slide_layouts)
        if not self._layouts:
            raise RenderError("the template has no slide layouts to place slides on")
        self.content = self._first(
            lambda kinds: bool(kinds & {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}) and PP_PLACEHOLDER.TITLE in kinds,
            prefer="content",
        )
        self.title = self._first(lambda kinds: PP_PLACEHOLDER.CENTER_TITLE in kinds, prefer="title slide")
        self.section = self._first(
            lambda kinds: PP_PLACEHOLDER.TITLE in kinds and PP_PLACEHOLDER.BODY in kinds, prefer="section"
        )

    def _first(self, fits: Callable[[set[PP_PLACEHOLDER]], bool], prefer: str) -> SlideLayout:
        matching = [lay for lay in self._layouts if fits({ph.placeholder_format.type for ph in _placeholders(lay)})]
        named = [lay for lay in matching if prefer in lay.name.lower()]
        return (named or matching or self._layouts)[0]

    def for_layout(self, layout: Layout) -> SlideLayout:
        if layout is Layout.TITLE:
            return self.title
        if layout is Layout.SECTION:
            return self.section
        return self.content


def _placeholders(container: SlideLayout | PptxSlide) -> list[Any]:
    return list(cast(Any, container).placeholders)


def _title_and_body(container: SlideLayout | PptxSlide) -> tuple[Any, Any]:
    """The first title and the first body placeholder of a layout or a slide."""
    title = body = None
    for ph in _placeholders(container):
        kind = ph.placeholder_format.type
        if kind in _TITLES and title is None:
            title = ph
        elif kind in _BODIES and body is None:
            body = ph
    return title, body


def _inner(shape: Any) -> tuple[float, float]:
    """Usable width and height of a placeholder's text frame, in points."""
    width = (shape.width - 2 * MARGIN) / EMU_PER_POINT
    height = (shape.height - 2 * MARGIN) / EMU_PER_POINT
    return width, height


def _paragraphs(content: SlideContent) -> list[Paragraph]:
    return [Paragraph(b.text, b.level, _SPACE_BEFORE) for b in content.bullets]


def _split_to_fit(content: SlideContent, layouts: _Layouts, language: str) -> list[SlideContent]:
    """The slide, or consecutive slides of its bullets when they cannot fit one at the smallest size."""
    if content.layout is Layout.TITLE or len(content.bullets) < 2:
        return [content]
    _, body = _title_and_body(layouts.for_layout(content.layout))
    if body is None:
        return [content]
    width, height = _inner(body)
    result = fit(
        _paragraphs(content),
        width,
        height,
        largest=_BODY_SIZES[0],
        smallest=_BODY_SIZES[1],
        indent_pt=LEVEL_INDENT / EMU_PER_POINT,
    )
    if result.fits:
        return [content]
    half = len(content.bullets) // 2
    first = evolve(content, bullets=content.bullets[:half])
    # The notes go with the first part only: a continuation repeating them would multiply their size.
    continued = f"{content.title} ({label(language, 'continued')})"
    rest = evolve(content, bullets=content.bullets[half:], title=continued, notes="")
    return _split_to_fit(first, layouts, language) + _split_to_fit(rest, layouts, language)


def _draw(prs: PptxPresentation, layouts: _Layouts, content: SlideContent, deck: Deck) -> None:
    layout = layouts.for_layout(content.layout)
    slide = prs.slides.add_slide(layout)
    title_ph, body_ph = _title_and_body(slide)
    if title_ph is not None:
        _write_title(title_ph, content.title, large=content.layout is Layout.TITLE)
    if content.layout is Layout.TITLE and not (content.notes or deck.subtitle) and body_ph is not None:
        body_ph._element.getparent().remove(body_ph._element)  # an empty subtitle shows a prompt
    elif content.layout is Layout.TITLE:
        if body_ph is not None:
            _write_paragraphs(body_ph, [Paragraph(content.notes or deck.subtitle, 0, 0)], bullets=False, sizes=(24, 14))
    elif body_ph is not None:
        if content.bullets:
            _write_paragraphs(body_ph, _paragraphs(content), bullets=True, sizes=_BODY_SIZES)
        else:
            body_ph._element.getparent().remove(body_ph._element)  # an empty placeholder shows a prompt
    _write_notes(slide, content, deck)


def _prepare(frame: Any) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("left", "right", "top", "bottom"):
        setattr(frame, f"margin_{side}", MARGIN)


def _write_title(shape: Any, text: str, *, large: bool) -> None:
    frame = shape.text_frame
    _prepare(frame)
    width, height = _inner(shape)
    largest, smallest = (44, 24) if large else _TITLE_SIZES
    result = fit([Paragraph(text, 0, 0)], width, height, largest=largest, smallest=smallest)
    frame.text = text
    for run in frame.paragraphs[0].runs:
        run.font.size = Pt(result.size)


def _write_paragraphs(shape: Any, paragraphs: Sequence[Paragraph], *, bullets: bool, sizes: tuple[int, int]) -> None:
    frame = shape.text_frame
    _prepare(frame)
    width, height = _inner(shape)
    indent = LEVEL_INDENT / EMU_PER_POINT if bullets else 0.0
    result = fit(paragraphs, width, height, largest=sizes[0], smallest=sizes[1], indent_pt=indent)
    for i, source in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = source.text
        paragraph.level = source.level
        paragraph.space_before = Pt(source.space_before)
        p_pr = paragraph._p.get_or_add_pPr()
        if bullets:
            p_pr.set("marL", str(int(LEVEL_INDENT * (source.level + 1))))
            p_pr.set("indent", str(-int(LEVEL_INDENT)))
        else:
            p_pr.set("marL", "0")
            p_pr.set("indent", "0")
        for run in paragraph.runs:
            run.font.size = Pt(max(result.size - 2 * source.level, 8))


def _write_notes(slide: PptxSlide, content: SlideContent, deck: Deck) -> None:
    lines = [content.notes] if content.notes and content.layout is not Layout.TITLE else []
    cited = [(i, b) for i, b in enumerate(content.bullets, start=1) if b.attributions]
    if cited:
        lines.append(f"{label(deck.language, 'notes_sources')}:")
        for number, bullet in cited:
            lines.extend(_note_lines(number, bullet, deck.sources, deck.language))
    if lines:
        cast(Any, slide.notes_slide.notes_text_frame).text = "\n".join(lines)


def _note_lines(number: int, bullet: Bullet, sources: Mapping[str, DeckSource], language: str) -> list[str]:
    lines = []
    for attribution in bullet.attributions:
        source = sources.get(attribution.source_document_id)
        name = source.name if source is not None else attribution.source_document_id
        where = f", {label(language, 'page')} {attribution.page}" if attribution.page is not None else ""
        section = f", § {attribution.section}" if attribution.section else ""
        flag = " [unsupported]" if not bullet.supported else ""
        # The quote comes first, in curly quotes, so names and sections may hold any punctuation.
        lines.append(f"[{number}] “{attribution.quote}” — {name}{where}{section}{flag}")
    return lines
