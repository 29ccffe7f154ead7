"""Writing into a slide's placeholders: sizes and spacing set, fonts, colours and bullets left to the template."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, cast

from attrs import frozen
from lxml import etree
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from presentai.adapters.pptx.layout_roles import Box
from presentai.adapters.pptx.template_pieces import SPACE_BEFORE, insets
from presentai.domain.slides import Bullet


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
