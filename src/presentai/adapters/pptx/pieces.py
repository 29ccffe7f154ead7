"""Cutting a deck's slides into what is drawn: one piece a PPTX slide, continued rather than shrunk.

Every bullet is set at the theme's one body size; a slide whose bullets do not fit
its box at that size goes on over as many slides as it needs, evenly, and its
notes stay with the first. A layout whose data cannot be drawn as designed (a
table slide without a table, a quote of two sentences) is drawn as bullets.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence

from attrs import evolve, frozen

from presentai.adapters.pptx.fitting import EMU_PER_POINT, LINE_SPACING, Paragraph, fit, text_width, wrapped_lines
from presentai.adapters.pptx.grid import Part, advance, knows, lines, pages
from presentai.adapters.pptx.masters import BODY_BOX, INSET_X, INSET_Y, LEFT_BOX, LEVEL_INDENT, QUOTE_BOX, Box
from presentai.adapters.pptx.themes import Theme
from presentai.domain.deck import label
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Bullet, Layout, SlideContent, Table

SPACE_BEFORE = 10.0  # points between bullets
AGENDA_COLUMN_AFTER = 6  # an agenda of more items is set in two columns
FIGURE_GAP_PT = 0.35 * 72
FIGURE_PAD_PT = 0.25 * 72
FIGURE_LINE = 1.25  # a figure's line height as a multiple of its size
FIGURE_RULE_PT = 12.0  # between a figure and its sentence
MIN_DISPLAY = 24  # quotes and figures shrink to fit, never below this
BOLD_WIDTH = 1.13  # bold over regular advance widths (DejaVu Sans, the widest face a deck falls back to)


class Mode(enum.Enum):
    """How a piece is drawn."""

    COVER = "cover"
    SECTION = "section"
    LIST = "list"
    COLUMNS = "columns"
    TABLE = "table"
    CHART = "chart"
    QUOTE = "quote"
    FIGURES = "figures"


@frozen
class Piece:
    """One PPTX slide to draw: how, and what. ``numbered_from`` numbers an agenda's items."""

    mode: Mode
    content: SlideContent
    left: tuple[Bullet, ...] = ()  # COLUMNS
    right: tuple[Bullet, ...] = ()
    numbered_from: int = 0  # 0: bullets, n: items numbered from n
    rows: int = 1  # FIGURES: rows of cards
    table: Table | None = None  # TABLE: the rows of the table this slide shows
    rows_left_out: int = 0  # TABLE: rows of the table not shown at all (it was too long)


def inner(box: Box) -> tuple[float, float]:
    """Usable width and height of a placeholder's text, in points."""
    return (box[2] - 2 * INSET_X) / EMU_PER_POINT, (box[3] - 2 * INSET_Y) / EMU_PER_POINT


def paragraphs(bullets: Sequence[Bullet]) -> list[Paragraph]:
    """Bullets as paragraphs to measure: levels beyond the first sub-level are drawn as it."""
    return [Paragraph(b.text, min(b.level, 1), SPACE_BEFORE) for b in bullets]


def fits(bullets: Sequence[Bullet], box: Box, size: int) -> bool:
    """Whether ``bullets`` fit ``box`` at ``size``."""
    width, height = inner(box)
    return fit(
        paragraphs(bullets), width, height, largest=size, smallest=size, indent_pt=LEVEL_INDENT / EMU_PER_POINT
    ).fits


def pieces(content: SlideContent, theme: Theme, language: str) -> list[Piece]:
    """The pieces that draw ``content``."""
    layout, size = content.layout, theme.scale.body
    if layout is Layout.TITLE:
        return [Piece(Mode.COVER, content)]
    if layout is Layout.SECTION:
        return [Piece(Mode.SECTION, content)]
    if layout is Layout.AGENDA:
        if len(content.bullets) > AGENDA_COLUMN_AFTER:
            return _columns(content, _balanced(content.bullets, size), size, language, numbered=True)
        return _list(content, size, language, numbered=True)
    if layout is Layout.TWO_COLUMN and content.bullets:
        return _columns(content, content.columns, size, language)
    if layout is Layout.TABLE and content.table is not None and content.table.header:
        return [*_table(content, theme, language), *_after(content, size, language)]
    if layout is Layout.CHART and content.chart is not None:
        return [Piece(Mode.CHART, evolve(content, bullets=())), *_after(content, size, language)]
    if layout is Layout.QUOTE and len(content.bullets) == 1 and quote_size(content.bullets[0].text, theme):
        return [Piece(Mode.QUOTE, content)]
    if layout is Layout.KEY_FIGURES and content.bullets:
        figures = _figures(content, theme, language)
        if figures:
            return figures
    return _list(content, size, language)


def _table(content: SlideContent, theme: Theme, language: str) -> list[Piece]:
    table = content.table
    assert table is not None
    runs = pages(table, theme.scale.table, theme.body_font)
    left_out = len(table.rows) - runs[-1].stop
    return [
        Piece(
            Mode.TABLE,
            _part(content, i, language, bullets=()) if i else evolve(content, bullets=()),
            table=Part.of(table, run),
            rows_left_out=left_out if i == len(runs) - 1 else 0,
        )
        for i, run in enumerate(runs)
    ]


def continued(title: str, language: str) -> str:
    """The title of a continuation slide."""
    return f"{title} ({label(language, 'continued')})"


def _list(content: SlideContent, size: int, language: str, *, numbered: bool = False) -> list[Piece]:
    if not content.bullets:
        return [Piece(Mode.LIST, content)]
    chunks = _even_chunks(list(content.bullets), lambda chunk: fits(chunk, BODY_BOX, size))
    result, start = [], 1
    for i, chunk in enumerate(chunks):
        piece = _part(content, i, language, bullets=tuple(chunk))
        result.append(Piece(Mode.LIST, piece, numbered_from=start if numbered else 0))
        start += len(chunk)
    return result


def _columns(
    content: SlideContent,
    columns: tuple[tuple[Bullet, ...], tuple[Bullet, ...]],
    size: int,
    language: str,
    *,
    numbered: bool = False,
) -> list[Piece]:
    left, right = columns
    if not left or not right:
        return _list(content, size, language, numbered=numbered)
    for count in range(1, len(left) + len(right) + 1):
        lefts, rights = _split(list(left), count), _split(list(right), count)
        if all(fits(c, LEFT_BOX, size) for c in lefts + rights) or count == max(len(left), len(right)):
            break
    result, start = [], 1
    for i, (l_part, r_part) in enumerate(zip(lefts, rights, strict=True)):
        piece = _part(content, i, language, bullets=tuple(l_part) + tuple(r_part))
        result.append(Piece(Mode.COLUMNS, piece, tuple(l_part), tuple(r_part), start if numbered else 0))
        start += len(l_part) + len(r_part)
    return result


def _after(content: SlideContent, size: int, language: str) -> list[Piece]:
    """A table's or a chart's bullets, on slides after it."""
    if not content.bullets:
        return []
    rest = evolve(content, layout=Layout.BULLETS, title=continued(content.title, language), notes="")
    return _list(rest, size, language)


def _part(content: SlideContent, index: int, language: str, *, bullets: tuple[Bullet, ...]) -> SlideContent:
    if index == 0:
        return evolve(content, bullets=bullets)
    # The notes go with the first part only: a continuation repeating them would multiply their size.
    return evolve(content, bullets=bullets, title=continued(content.title, language), notes="")


def _balanced(bullets: tuple[Bullet, ...], size: int) -> tuple[tuple[Bullet, ...], tuple[Bullet, ...]]:
    """The agenda's items in two columns, in order: split where both fit on one slide, nearest the middle
    (long titles on one side move the split), else in halves (and continued)."""
    half = (len(bullets) + 1) // 2
    for cut in sorted(range(1, len(bullets)), key=lambda cut: (abs(cut - half), -cut)):
        if fits(bullets[:cut], LEFT_BOX, size) and fits(bullets[cut:], LEFT_BOX, size):
            return bullets[:cut], bullets[cut:]
    return bullets[:half], bullets[half:]


def _split(items: list[Bullet], count: int) -> list[list[Bullet]]:
    """``items`` in ``count`` runs as even as can be (the first ones longer); runs may be empty."""
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def _even_chunks(items: list[Bullet], check: Callable[[list[Bullet]], bool]) -> list[list[Bullet]]:
    """The fewest even runs of ``items`` that each fit; a single bullet too long for a slide is cut."""
    for count in range(1, len(items) + 1):
        runs = _split(items, count)
        if all(check(run) for run in runs):
            return runs
    result: list[list[Bullet]] = []
    for bullet in items:
        result.extend([[part] for part in cut_bullet(bullet, check)])
    return result


def cut_bullet(bullet: Bullet, check: Callable[[list[Bullet]], bool]) -> list[Bullet]:
    """A bullet too long for one slide, cut between words into parts that fit (each keeps its sources)."""
    if check([bullet]):
        return [bullet]
    words = bullet.text.split()
    if len(words) < 2:
        return [bullet]
    half = len(words) // 2
    first = evolve(bullet, text=" ".join(words[:half]) + " …")
    second = evolve(bullet, text="… " + " ".join(words[half:]))
    return cut_bullet(first, check) + cut_bullet(second, check)


def quote_size(text: str, theme: Theme) -> int | None:
    """The size at which a quote fits its box, from the theme's quote size down; ``None`` if it does not."""
    width, height = inner(QUOTE_BOX)
    result = fit([Paragraph(text, 0, 0)], width, height, largest=theme.scale.quote, smallest=MIN_DISPLAY)
    return int(result.size) if result.fits else None


def figure_cards(count: int, rows: int) -> list[tuple[float, float, float, float]]:
    """The cards (left, top, width, height in points) of ``count`` key figures set in ``rows`` rows."""
    left, top, width, height = (v / EMU_PER_POINT for v in BODY_BOX)
    columns = -(-count // rows)
    card_width = (width - (columns - 1) * FIGURE_GAP_PT) / columns
    card_height = (height - (rows - 1) * FIGURE_GAP_PT) / rows
    return [
        (
            left + (i % columns) * (card_width + FIGURE_GAP_PT),
            top + (i // columns) * (card_height + FIGURE_GAP_PT),
            card_width,
            card_height,
        )
        for i in range(count)
    ]


def figure_size(text: str, width_pt: float, theme: Theme) -> int | None:
    """The size at which a figure fits one line of ``width_pt``, or ``None``."""
    size = theme.scale.figure
    face = theme.heading_font
    while size >= MIN_DISPLAY:
        if knows(face, bold=True):  # measured in the theme's own bold face, as it is drawn
            if lines(text, size, width_pt, face, bold=True) == 1 and advance(text, size, face, bold=True) <= width_pt:
                return size
        else:  # a face of unknown widths: the average measure, widened for bold
            room = width_pt / BOLD_WIDTH
            if wrapped_lines(text, size, room) == 1 and text_width(text, size) <= room:
                return size
        size -= 2
    return None


def caption_lines(bullet: Bullet, width_pt: float, theme: Theme) -> int:
    """Lines the sentence under a figure takes in a card of ``width_pt``."""
    return wrapped_lines(figure_caption(bullet.text), theme.scale.body, width_pt - 2 * FIGURE_PAD_PT)


def common_figure_size(bullets: Sequence[Bullet], rows: int, theme: Theme) -> int | None:
    """The one size at which every figure of a slide fits its card, or ``None``."""
    sizes = []
    for bullet, (_, _, width, _) in zip(bullets, figure_cards(len(bullets), rows), strict=True):
        figure = key_figure(bullet.text)
        sizes.append(figure_size(figure, width - 2 * FIGURE_PAD_PT, theme) if figure else None)
    return None if None in sizes else min(s for s in sizes if s is not None)


def figure_fits(bullets: Sequence[Bullet], rows: int, theme: Theme) -> bool:
    """Whether every figure of a slide and the sentence under it fit its card."""
    size = common_figure_size(bullets, rows, theme)
    if size is None:
        return False
    line = theme.scale.body * LINE_SPACING
    for bullet, (_, _, width, height) in zip(bullets, figure_cards(len(bullets), rows), strict=True):
        room = height - 2 * FIGURE_PAD_PT - size * FIGURE_LINE - FIGURE_RULE_PT
        if caption_lines(bullet, width, theme) * line > room:
            return False
    return True


def _figures(content: SlideContent, theme: Theme, language: str) -> list[Piece]:
    """The figures in a row, or four in two rows, or fewer a slide when the sentences need room; [] if they cannot."""
    bullets = list(content.bullets)
    if len(bullets) > 4 or not all(key_figure(b.text) for b in bullets):
        return []
    for per_slide in range(len(bullets), 0, -1):
        runs = _split(bullets, -(-len(bullets) // per_slide))
        for rows in (1, 2) if per_slide == 4 else (1,):
            if all(figure_fits(run, rows, theme) for run in runs):
                return [
                    Piece(Mode.FIGURES, _part(content, i, language, bullets=tuple(run)), rows=rows)
                    for i, run in enumerate(runs)
                ]
    return []
