"""The layouts a slide's statements bear out beyond bullets: key figures, a quote, two facing columns."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from presentai.domain.figures import key_figure
from presentai.domain.layouts import FIGURE_WORDS, facing, measured, reads_as_quote, shown_as
from presentai.domain.slide_rules import MAX_BULLETS, SLIDE_WORDS
from presentai.domain.slides import Bullet, Layout, SlideContent
from presentai.domain.sources import Chunk

FIGURES = 3  # a key-figures slide the planner asks for shows at most this many, in one row


@frozen
class Statement:
    """A candidate bullet: its text as shown, its words as counted for the slide's budget."""

    bullet: Bullet
    words: int


def varied(
    title: str, wanted: Layout | None, ranked: Sequence[Statement], sources: Sequence[Chunk]
) -> SlideContent | None:
    """The slide in the layout asked for (or two columns when the title compares two things),
    from the section's own statements, best first; ``None`` when they do not bear it out."""
    if wanted is Layout.KEY_FIGURES:
        short = [s for s in ranked if measured(s.bullet.text) and len(s.bullet.text.split()) <= FIGURE_WORDS]
        picked = _within(short, FIGURES, distinct=True)
        if len(picked) >= 2:
            return shown_as(title, tuple(s.bullet for s in picked), sources, Layout.KEY_FIGURES)
    if wanted is Layout.QUOTE:
        best = next((s for s in ranked[:3] if reads_as_quote(s.bullet.text)), None)
        if best is not None:
            return shown_as(title, (best.bullet,), sources, Layout.QUOTE)
    sides = facing(title, [s.bullet.text for s in ranked])
    if sides is None:
        return None
    left = _within([ranked[i] for i in sides[0]], MAX_BULLETS, budget=SLIDE_WORDS // 2)
    right = _within([ranked[i] for i in sides[1]], MAX_BULLETS, budget=SLIDE_WORDS // 2)
    if len(left) + len(right) < 3:
        return None  # one statement against one is not a comparison worth a slide
    bullets = tuple(s.bullet for s in (*left, *right))
    return SlideContent(Layout.TWO_COLUMN, title, bullets, column_break=len(left))


def _within(
    statements: Sequence[Statement], most: int, *, budget: int = SLIDE_WORDS, distinct: bool = False
) -> list[Statement]:
    """The best of ``statements`` that fit ``budget`` words together, at most ``most`` of them."""
    picked: list[Statement] = []
    figures: set[str | None] = set()
    used = 0
    for statement in statements:
        figure = key_figure(statement.bullet.text)
        if used + statement.words > budget or (distinct and figure in figures):
            continue
        picked.append(statement)
        figures.add(figure)
        used += statement.words
        if len(picked) == most:
            break
    return picked
