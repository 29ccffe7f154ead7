"""A template's layouts read by the roles of their placeholders, and the layout that suits each kind of slide.

Layouts are never matched by name (templates name them in any language, or
CUSTOM_1_2): a layout is scored by what its placeholders are and where they
sit — a cover wants a centred title and a subtitle, a list one large body
under its title, two columns two bodies side by side. Placeholders a slide
will leave empty (pictures above all) count against a layout, because they
are removed and leave a hole in its design.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, cast

from attrs import frozen
from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import SlideLayout

from presentai.adapters.pptx.fitting import EMU_PER_POINT
from presentai.domain.errors import RenderError

Box = tuple[int, int, int, int]  # left, top, width, height in EMU
LEVEL_INDENT = 342900  # 0.375 in: the least indent a bullet is measured with
BODY_SIZES = (18, 24)  # the deck's one body size lies here, as near the template's own as it can

TITLES = frozenset({PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE})
FOOTERS = frozenset({PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER})
BODIES = frozenset({PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.TABLE, PP_PLACEHOLDER.CHART})
PICTURES = frozenset(
    {PP_PLACEHOLDER.PICTURE, PP_PLACEHOLDER.BITMAP, PP_PLACEHOLDER.MEDIA_CLIP, PP_PLACEHOLDER.ORG_CHART}
)


class Use(enum.Enum):
    """What a slide needs of its layout."""

    COVER = "cover"
    SECTION = "section"
    LIST = "list"  # one large body: bullets, tables, charts, figures, quotes
    COLUMNS = "columns"  # two bodies side by side


@frozen
class Roles:
    """A layout's placeholders by role: idx and box of each (boxes are the layout's own, inherited if unset)."""

    layout: SlideLayout
    title: tuple[int, Box] | None
    centred: bool  # the title is a centre title
    subtitle: tuple[int, Box] | None
    bodies: tuple[tuple[int, Box], ...]  # largest first
    pictures: int
    others: int  # placeholders of other kinds that would be left empty

    @property
    def main(self) -> tuple[int, Box] | None:
        """The largest body."""
        return self.bodies[0] if self.bodies else None

    def pair(self) -> tuple[tuple[int, Box], tuple[int, Box]] | None:
        """Two bodies of like size side by side (left, right), the largest such pair; ``None`` when there is none."""
        best: tuple[tuple[int, Box], tuple[int, Box]] | None = None
        for i, first in enumerate(self.bodies):
            for second in self.bodies[i + 1 :]:
                left, right = sorted((first, second), key=lambda body: body[1][0])
                (lx, ly, lw, lh), (rx, ry, rw, rh) = left[1], right[1]
                side_by_side = lx + lw <= rx + rw * 0.05 and abs(ly - ry) < max(lh, rh) * 0.25
                alike = min(lw, rw) / max(lw, rw) > 0.7 and min(lh, rh) / max(lh, rh) > 0.7
                if side_by_side and alike and best is None:
                    best = (left, right)
        return best


def _box(shape: Any) -> Box | None:
    box = (shape.left, shape.top, shape.width, shape.height)
    return None if None in box else cast(Box, box)


def _vertical(shape: Any) -> bool:
    body_pr = shape._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
    return body_pr is not None and body_pr.get("vert", "horz") not in ("horz",)


def roles(layout: SlideLayout) -> Roles:
    """The roles of ``layout``'s placeholders."""
    title: tuple[int, Box] | None = None
    subtitle: tuple[int, Box] | None = None
    centred = False
    bodies: list[tuple[int, Box]] = []
    pictures = others = 0
    for ph in cast(Any, layout).placeholders:
        kind, idx, box = ph.placeholder_format.type, ph.placeholder_format.idx, _box(ph)
        if kind in FOOTERS:
            continue  # not copied onto slides by python-pptx
        if box is None or _vertical(ph):
            others += 1  # a placeholder we cannot place text in well: it is left out of the slide
        elif kind in TITLES and title is None:
            title, centred = (idx, box), kind is PP_PLACEHOLDER.CENTER_TITLE
        elif kind is PP_PLACEHOLDER.SUBTITLE and subtitle is None:
            subtitle = (idx, box)
        elif kind in BODIES:
            bodies.append((idx, box))
        elif kind in PICTURES:
            pictures += 1
        else:
            others += 1
    bodies.sort(key=lambda body: -body[1][2] * body[1][3])
    return Roles(layout, title, centred, subtitle, tuple(bodies), pictures, others)


class Layouts:
    """The template layout for each use, chosen once per deck."""

    def __init__(self, prs: PptxPresentation) -> None:
        found = [roles(layout) for master in prs.slide_masters for layout in master.slide_layouts]
        if not found:
            raise RenderError("the template has no slide layouts to place slides on")
        self._width, self._height = int(prs.slide_width or 1), int(prs.slide_height or 1)
        self.list = self._best(found, self._list_score)
        # Every other use prefers a layout of the list layout's master: the deck keeps one look.
        home = self.list.layout.slide_master
        self._home = lambda r: 0.25 if r.layout.slide_master == home else 0.0
        self.cover = self._best(found, self._cover_score)
        self.section = self._best(found, self._section_score)
        pairs = [r for r in found if r.title is not None and r.pair() is not None]
        self.columns = self._best(pairs, self._columns_score) if pairs else None

    def _best(self, found: list[Roles], score: Callable[[Roles], float]) -> Roles:
        # max() keeps the first of equals: the template's own order breaks ties.
        home = getattr(self, "_home", None)
        return max(found, key=lambda r: score(r) + (home(r) if home else 0.0))

    def _share(self, box: Box) -> float:
        return box[2] * box[3] / (self._width * self._height)

    def _empty_cost(self, found: Roles, used_bodies: int) -> float:
        extra = max(0, len(found.bodies) - used_bodies)
        return 0.6 * found.pictures + 0.15 * extra + 0.15 * found.others + (0.1 if found.subtitle else 0.0)

    def _list_score(self, found: Roles) -> float:
        if found.title is None or found.main is None:
            return -10.0
        title_above = found.title[1][1] < found.main[1][1]
        return self._share(found.main[1]) + (0.3 if title_above else -1.0) - self._empty_cost(found, 1)

    def _cover_score(self, found: Roles) -> float:
        if found.title is None:
            return -10.0
        second = found.subtitle or (found.bodies[0] if len(found.bodies) == 1 else None)
        cost = (
            0.6 * found.pictures + 0.15 * found.others + 0.2 * max(0, len(found.bodies) - (0 if found.subtitle else 1))
        )
        return 1.0 + (0.5 if found.centred else 0.0) + (0.4 if second else 0.0) - cost

    def _section_score(self, found: Roles) -> float:
        if found.title is None:
            return -10.0
        lowered = (found.title[1][1] + found.title[1][3] / 2) / self._height  # a divider's title sits low or central
        big_body = any(self._share(box) > 0.25 for _, box in found.bodies)
        cost = 0.6 * found.pictures + 0.15 * found.others + 0.15 * max(0, len(found.bodies) - 1)
        same_as_cover = 0.3 if found.layout is self.cover.layout else 0.0
        return lowered - (1.0 if big_body else 0.0) - cost - same_as_cover - (0.1 if found.subtitle else 0.0)

    def _columns_score(self, found: Roles) -> float:
        pair = found.pair()
        assert pair is not None
        assert found.title is not None
        return self._share(pair[0][1]) + self._share(pair[1][1]) - self._empty_cost(found, 2)

    def for_use(self, use: Use) -> Roles:
        """The layout for ``use`` (two columns fall back to the list layout, whose body is then split)."""
        if use is Use.COVER:
            return self.cover
        if use is Use.SECTION:
            return self.section
        if use is Use.COLUMNS and self.columns is not None:
            return self.columns
        return self.list


# --- what the template sets for the text of its placeholders ---------------------------------------------------


_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_LEVEL1 = etree.XPath(".//a:lvl1pPr/a:defRPr/@*[local-name() = $attribute]", namespaces=_NS)
_LEVEL1_MARGIN = etree.XPath("./p:bodyStyle/a:lvl1pPr/@marL", namespaces=_NS)


def style_value(found: Roles, idx: int | None, style: str, attribute: str) -> str | None:
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


def style_size(found: Roles, idx: int | None, style: str) -> int | None:
    """The template's own size (points) for a layout's placeholder."""
    size = style_value(found, idx, style, "sz")
    return int(size) // 100 if size and size.isdigit() else None


def body_size(layouts: Layouts) -> int:
    """The deck's one body size: the template's own, kept within ``BODY_SIZES``."""
    main = layouts.list.main
    own = style_size(layouts.list, main[0] if main else None, "bodyStyle") or BODY_SIZES[1]
    return max(BODY_SIZES[0], min(BODY_SIZES[1], own))


def indent_pt(found: Roles) -> float:
    """The indent a bullet takes (points): the template's first-level margin, or more."""
    styles = found.layout.slide_master._element.find(qn("p:txStyles"))
    margins = _LEVEL1_MARGIN(styles) if styles is not None else []
    return max(int(margins[0]) if margins else 0, LEVEL_INDENT) / EMU_PER_POINT
