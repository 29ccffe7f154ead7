"""Cutting a deck's slides into what a customer template's layouts can hold: continued, never shrunk.

Every bullet of a deck is set at one body size; a slide whose bullets do not fit
its layout's body at that size goes on over as many slides as it needs, evenly,
and its notes stay with the first. A layout whose data cannot be drawn as
designed (a table slide without a table, a quote of two sentences) is drawn as
bullets.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import TypeVar

from attrs import evolve, frozen

from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING, Paragraph, fit, wrapped_lines
from presentai.adapters.pptx.layout_roles import Box, Layouts, Use
from presentai.adapters.pptx.pieces import cut_bullet
from presentai.adapters.pptx.template_visuals import table_pages
from presentai.domain.deck import label
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Bullet, Layout, SlideContent, Table

MARGIN = 91440  # 0.1 in: text-frame insets, set on every frame we fill so that measuring and drawing agree
COLUMN_GAP = 0.3 * 914400
CAPTION_PT = 12
SPACE_BEFORE = 6.0
DISPLAY_LARGEST, DISPLAY_SMALLEST = 40, 24  # quotes and key figures


T = TypeVar("T")


class Kind(enum.Enum):
    """How a piece is drawn."""

    COVER = "cover"
    SECTION = "section"
    LIST = "list"
    COLUMNS = "columns"
    TABLE = "table"
    CHART = "chart"
    QUOTE = "quote"
    FIGURES = "figures"


USES = {
    Kind.COVER: Use.COVER,
    Kind.SECTION: Use.SECTION,
    Kind.COLUMNS: Use.COLUMNS,
    Kind.FIGURES: Use.COLUMNS,
}


@frozen
class Piece:
    """One slide to draw: how, what, and for columns and tables the part of the content it shows."""

    kind: Kind
    content: SlideContent
    left: tuple[Bullet, ...] = ()
    right: tuple[Bullet, ...] = ()
    table: Table | None = None
    rows_left_out: int = 0


def insets(box: Box) -> tuple[int, int]:
    """The side and the top-and-bottom insets (EMU) of a box's text: ``MARGIN``, less in a thin box."""
    return min(MARGIN, box[2] // 10), min(MARGIN, box[3] // 10)


def inner(box: Box) -> tuple[float, float]:
    """Usable width and height of a box's text, in points."""
    side, top = insets(box)
    return (box[2] - 2 * side) / EMU_PER_POINT, (box[3] - 2 * top) / EMU_PER_POINT


def paragraphs(bullets: Sequence[Bullet]) -> list[Paragraph]:
    """Bullets as paragraphs to measure: levels beyond the first sub-level are drawn as it."""
    return [Paragraph(b.text, min(b.level, 1), SPACE_BEFORE) for b in bullets]


def split_box(box: Box) -> tuple[Box, Box]:
    """A body's box cut into two columns."""
    left, top, width, height = box
    half = int((width - COLUMN_GAP) / 2)
    return (left, top, half, height), (left + width - half, top, half, height)


def table_area(box: Box) -> tuple[Box, Box]:
    """A body's box as the room for a table or a chart and the caption strip under it."""
    left, top, width, height = box
    caption = int((CAPTION_PT * LINE_SPACING * 2 + 4) * EMU_PER_POINT + 2 * MARGIN)
    return (left, top, width, height - caption), (left, top + height - caption, width, caption)


@frozen
class Cutter:
    """Cuts slides for a template's layouts at the deck's body size, with the indent its bullets take."""

    layouts: Layouts
    size: int
    indent_pt: float
    language: str

    def fits(self, bullets: Sequence[Bullet], box: Box) -> bool:
        width, height = inner(box)
        return fit(
            paragraphs(bullets), width, height, largest=self.size, smallest=self.size, indent_pt=self.indent_pt
        ).fits

    def column_boxes(self) -> tuple[Box, Box] | None:
        pair = self.layouts.for_use(Use.COLUMNS).pair()
        if pair is not None:
            return pair[0][1], pair[1][1]
        main = self.layouts.list.main
        return split_box(main[1]) if main is not None else None

    def pieces(self, content: SlideContent) -> list[Piece]:
        """The pieces that draw ``content``."""
        layout = content.layout
        if layout is Layout.TITLE:
            return [Piece(Kind.COVER, content)]
        if layout is Layout.SECTION:
            divider = self.layouts.section
            if content.bullets and divider.subtitle is None and divider.main is None:
                # The divider has no room for its bullets: they follow it on a slide of their own.
                rest = evolve(content, layout=Layout.BULLETS, title=continued(content.title, self.language), notes="")
                return [Piece(Kind.SECTION, evolve(content, bullets=())), *self._list(rest)]
            return [Piece(Kind.SECTION, content)]
        if layout is Layout.AGENDA and (columns := self._agenda_columns(content)) is not None:
            return columns
        if layout is Layout.TWO_COLUMN:
            return self._columns(content, content.columns)
        if layout is Layout.TABLE and content.table is not None and content.table.header:
            return self._table(content) + self._after(content)
        if layout is Layout.CHART and content.chart is not None:
            return [Piece(Kind.CHART, evolve(content, bullets=())), *self._after(content)]
        if layout is Layout.QUOTE and len(content.bullets) == 1 and self._quote_fits(content.bullets[0].text):
            return [Piece(Kind.QUOTE, content)]
        if layout is Layout.KEY_FIGURES and self._figures_fit(content.bullets):
            half = (len(content.bullets) + 1) // 2
            return [Piece(Kind.FIGURES, content, content.bullets[:half], content.bullets[half:])]
        return self._list(content)

    def _agenda_columns(self, content: SlideContent) -> list[Piece] | None:
        """An agenda too long for the list's body in two columns on one slide, when they fit there."""
        main, boxes = self.layouts.list.main, self.column_boxes()
        if main is None or boxes is None or not content.bullets or self.fits(content.bullets, main[1]):
            return None
        half = (len(content.bullets) + 1) // 2
        left, right = content.bullets[:half], content.bullets[half:]
        if not (self.fits(left, boxes[0]) and self.fits(right, boxes[1])):
            return None
        return [Piece(Kind.COLUMNS, content, left, right)]

    def _list(self, content: SlideContent) -> list[Piece]:
        main = self.layouts.list.main
        if not content.bullets or main is None:
            return [Piece(Kind.LIST, content)]
        chunks = _even_chunks(list(content.bullets), lambda chunk: self.fits(chunk, main[1]))
        return [Piece(Kind.LIST, self._part(content, i, tuple(chunk))) for i, chunk in enumerate(chunks)]

    def _columns(self, content: SlideContent, columns: tuple[tuple[Bullet, ...], tuple[Bullet, ...]]) -> list[Piece]:
        left, right = columns
        boxes = self.column_boxes()
        if not left or not right or boxes is None:
            return self._list(content)
        count = 1
        for count in range(1, max(len(left), len(right)) + 1):
            lefts, rights = _runs(list(left), count), _runs(list(right), count)
            if all(self.fits(c, boxes[0]) for c in lefts) and all(self.fits(c, boxes[1]) for c in rights):
                break
        lefts, rights = _runs(list(left), count), _runs(list(right), count)
        return [
            Piece(Kind.COLUMNS, self._part(content, i, tuple(lp) + tuple(rp)), tuple(lp), tuple(rp))
            for i, (lp, rp) in enumerate(zip(lefts, rights, strict=True))
        ]

    def _after(self, content: SlideContent) -> list[Piece]:
        """A table's or a chart's bullets, on slides after it."""
        if not content.bullets:
            return []
        rest = evolve(content, layout=Layout.BULLETS, title=continued(content.title, self.language), notes="")
        return self._list(rest)

    def _part(self, content: SlideContent, index: int, bullets: tuple[Bullet, ...]) -> SlideContent:
        if index == 0:
            return evolve(content, bullets=bullets)
        # The notes go with the first part only: a continuation repeating them would multiply their size.
        return evolve(content, bullets=bullets, title=continued(content.title, self.language), notes="")

    def table_size(self) -> int:
        """The size of a table's and a chart's text: the body size less 4 pt, within 12-16 pt."""
        return max(12, min(16, self.size - 4))

    def _table(self, content: SlideContent) -> list[Piece]:
        table = content.table
        assert table is not None
        main = self.layouts.list.main
        runs = table_pages(table, self.table_size(), table_area(main[1])[0] if main else (0, 0, 1, 1))
        left_out = len(table.rows) - runs[-1].stop
        return [
            Piece(
                Kind.TABLE,
                self._part(content, i, ()),
                table=evolve(table, rows=table.rows[run.start : run.stop]),
                rows_left_out=left_out if i == len(runs) - 1 else 0,
            )
            for i, run in enumerate(runs)
        ]

    def display_size(self, text: str, box: Box, *, caption_lines: int = 0) -> int | None:
        """The size at which ``text`` fits ``box`` above ``caption_lines`` body lines; ``None``: it does not."""
        width, height = inner(box)
        room = height - caption_lines * self.size * LINE_SPACING - SPACE_BEFORE
        result = fit([Paragraph(text, 0, 0)], width, room, largest=DISPLAY_LARGEST, smallest=DISPLAY_SMALLEST)
        return int(result.size) if result.fits else None

    def _quote_fits(self, text: str) -> bool:
        main = self.layouts.list.main
        return main is not None and self.display_size(text, main[1], caption_lines=2) is not None

    def figure_size(self, bullets: Sequence[Bullet], box: Box) -> int | None:
        """The one size of the figures of a column, each over its caption; ``None`` when they do not fit."""
        width, height = inner(box)
        captions = sum(
            wrapped_lines(figure_caption(b.text), self.size, width) * self.size * LINE_SPACING for b in bullets
        )
        figures = [key_figure(b.text) or b.text for b in bullets]
        for size in range(DISPLAY_LARGEST, DISPLAY_SMALLEST - 1, -4):
            lines = sum(wrapped_lines(f, size, width) for f in figures)
            if lines * size * LINE_SPACING + captions + 2 * SPACE_BEFORE * len(bullets) <= height:
                return size
        return None

    def _figures_fit(self, bullets: Sequence[Bullet]) -> bool:
        if not 1 <= len(bullets) <= 4 or any(key_figure(b.text) is None for b in bullets):
            return False
        boxes = self.column_boxes()
        if len(bullets) == 1 or boxes is None:
            main = self.layouts.list.main
            return main is not None and len(bullets) == 1 and self.figure_size(bullets, main[1]) is not None
        half = (len(bullets) + 1) // 2
        return all(
            self.figure_size(part, box) for part, box in zip((bullets[:half], bullets[half:]), boxes, strict=True)
        )


_TEXT = (Layout.BULLETS, Layout.AGENDA, Layout.SOURCES, Layout.TWO_COLUMN)
MIN_BODY = 18


def choose_size(layouts: Layouts, slides: Sequence[SlideContent], indent_pt: float, language: str, largest: int) -> int:
    """The deck's one body size: the largest from ``largest`` down to ``MIN_BODY`` at which few slides go on
    over another (at most one in ten, or one); a deck that needs more is set at ``MIN_BODY`` and continued."""
    texts = [content for content in slides if content.layout in _TEXT]
    for size in range(largest, MIN_BODY, -2):
        cutter = Cutter(layouts, size, indent_pt, language)
        if sum(len(cutter.pieces(content)) - 1 for content in texts) <= max(1, len(texts) // 10):
            return size
    return MIN_BODY


def continued(title: str, language: str) -> str:
    """The title of a continuation slide."""
    return f"{title} ({label(language, 'continued')})"


def _runs(items: list[T], count: int) -> list[list[T]]:
    """``items`` in ``count`` runs as even as can be (the first ones longer); runs may be empty."""
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def _even_chunks(items: list[Bullet], check: Callable[[list[Bullet]], bool]) -> list[list[Bullet]]:
    """The fewest even runs of ``items`` that each fit, sub-bullets kept with their bullet; a bullet too long for
    a slide is cut."""
    units = _units(items)
    for count in range(1, len(units) + 1):
        runs = [[b for unit in run for b in unit] for run in _runs(units, count)]
        if all(check(run) for run in runs):
            return runs
    result: list[list[Bullet]] = []
    for bullet in items:
        result.extend([[part] for part in cut_bullet(bullet, check)])
    return result


def _units(items: list[Bullet]) -> list[list[Bullet]]:
    """Each top-level bullet with the sub-bullets under it (a slide never opens on a sub-bullet)."""
    units: list[list[Bullet]] = []
    for bullet in items:
        if bullet.level > 0 and units:
            units[-1].append(bullet)
        else:
            units.append([bullet])
    return units
