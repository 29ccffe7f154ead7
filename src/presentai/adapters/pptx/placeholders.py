"""Writing into a slide's placeholders: sizes and spacing set, fonts, colours and bullets left to the template."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, cast

from attrs import frozen
from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from presentai.adapters.pptx.fitting import EMU_PER_POINT, text_width
from presentai.adapters.pptx.layout_roles import Box
from presentai.adapters.pptx.template_pieces import SPACE_BEFORE, insets
from presentai.domain.slides import Bullet

FOOTER_PT = 10  # a footer's text: the deck's title, cut to one line


@frozen
class Line:
    """A paragraph to write: text, level, size, space before; ``bulleted`` keeps the template's bullet."""

    text: str
    size: int
    level: int = 0
    space_before: float = 0.0
    bulleted: bool = False


def placeholder(slide: PptxSlide, idx: int) -> Any:
    return cast(Any, slide.placeholders)[idx]


def box_of(shape: Any) -> Box:
    return cast(Box, (shape.left, shape.top, shape.width, shape.height))


def place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = (Emu(v) for v in box)


def clone(slide: PptxSlide, shape: Any) -> Any:
    """A copy of a placeholder beside it (same layout placeholder, so the same inherited look), with its own id."""
    element = copy.deepcopy(shape._element)
    ids = [int(i) for i in slide.shapes._spTree.xpath("//p:cNvPr/@id")]
    element.nvSpPr.cNvPr.id = max(ids, default=1) + 1
    element.nvSpPr.cNvPr.name = f"{shape.name} (2)"
    shape._element.addnext(element)
    return cast(Any, slide.shapes)._shape_factory(element)


def bullet_lines(bullets: Sequence[Bullet], size: int) -> list[Line]:
    """Bullets at the deck's body size, sub-bullets 2 pt smaller, in the template's bullet style."""
    return [Line(b.text, size - 2 * min(b.level, 1), min(b.level, 1), SPACE_BEFORE, bulleted=True) for b in bullets]


def write(shape: Any, lines: Sequence[Line]) -> None:
    """``lines`` into a placeholder: sizes and spacing set, fonts, colours and bullets left to the template."""
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # the template's autofit would shrink text behind our measure
    for side, value in zip(("left", "top", "right", "bottom"), insets(box_of(shape)) * 2, strict=True):
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


def remove_empty_placeholders(slide: PptxSlide) -> None:
    """No placeholder is left empty: PowerPoint would show its prompt ("Click to add text", a picture icon)."""
    for ph in list(slide.placeholders):
        element = ph._element
        if element.tag == qn("p:sp") and not "".join(element.xpath(".//a:t/text()")).strip():
            element.getparent().remove(element)


def add_footers(slide: PptxSlide, layout: Any, number: int, footer: str, day: str = "") -> None:
    """The layout's slide-number, footer and date placeholders, filled in: the number, the template's own footer
    text or else ``footer`` cut to one line, and ``day`` (without it, no date). python-pptx copies none of them."""
    kinds = (PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.FOOTER) + ((PP_PLACEHOLDER.DATE,) if day else ())
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        if kind not in kinds or None in box_tuple(ph):
            continue
        if kind is PP_PLACEHOLDER.DATE and not _holds_line(ph, day):
            continue  # a date cut short or squeezed is worse than none
        element = copy.deepcopy(ph._element)
        paragraphs = element.findall(f"{qn('p:txBody')}/{qn('a:p')}")
        if kind is PP_PLACEHOLDER.FOOTER and "".join(element.xpath(".//a:t/text()")).strip():
            slide.shapes._spTree.append(element)  # the template's own footer text ("Confidential")
            continue
        if not paragraphs:
            continue
        paragraph = paragraphs[0]
        for extra in paragraphs[1:]:
            extra.getparent().remove(extra)
        for child in list(paragraph):
            if child.tag != qn("a:pPr"):
                paragraph.remove(child)
        if kind is PP_PLACEHOLDER.SLIDE_NUMBER:
            field = etree.SubElement(paragraph, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
            field.set("type", "slidenum")
            etree.SubElement(field, qn("a:t")).text = str(number)
        else:
            size = FOOTER_PT
            width = (ph.width - 2 * insets(box_tuple(ph))[0]) / EMU_PER_POINT
            run = etree.SubElement(paragraph, qn("a:r"))
            etree.SubElement(run, qn("a:rPr"), lang="en-US", sz=str(size * 100))
            text = day if kind is PP_PLACEHOLDER.DATE else footer
            etree.SubElement(run, qn("a:t")).text = clipped(text, size, width)
        slide.shapes._spTree.append(element)


def _holds_line(ph: Any, text: str) -> bool:
    """Whether ``text`` fits one line of the placeholder at the footer's size."""
    frame = ph.text_frame
    width = (ph.width - frame.margin_left - frame.margin_right) / EMU_PER_POINT
    height = (ph.height - frame.margin_top - frame.margin_bottom) / EMU_PER_POINT
    return bool(text_width(text, FOOTER_PT) <= width and height >= 1.25 * FOOTER_PT)


def box_tuple(shape: Any) -> tuple[Any, Any, Any, Any]:
    return shape.left, shape.top, shape.width, shape.height


def clipped(text: str, size: int, width: float) -> str:
    """``text`` cut with an ellipsis to fit one line of ``width`` points."""
    if text_width(text, size) <= width:
        return text
    words = text.split()
    while words and text_width(" ".join(words) + " …", size) > width:
        words.pop()
    return " ".join(words) + " …" if words else text[: max(1, int(width / size))]
