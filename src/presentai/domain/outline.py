"""Outlines: the plan of a deck's content slides, and how an editor revises one."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import evolve, frozen

from presentai.domain.errors import ValidationFailed
from presentai.domain.limits import DEFAULT_LIMITS, Limits
from presentai.domain.slides import Layout


@frozen
class OutlineItem:
    """One planned content slide: its title, key points and the chunks it draws on."""

    title: str
    key_points: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    layout: Layout = Layout.BULLETS
    section: str = ""


@frozen
class Outline:
    """The plan of a deck: one item per content slide."""

    title: str
    items: tuple[OutlineItem, ...]
    subtitle: str = ""

    def validate(self, expected_slides: int) -> None:
        """Raise unless the outline has 1 to ``expected_slides`` well-formed items.

        Fewer items than asked are allowed: short sources cannot fill more slides
        without repeating themselves.
        """
        problems: dict[str, str] = {}
        if not 1 <= len(self.items) <= expected_slides:
            problems["items"] = f"expected 1 to {expected_slides} items, got {len(self.items)}"
        for i, item in enumerate(self.items):
            if not item.title.strip():
                problems[f"items[{i}].title"] = "must not be empty"
        if not self.title.strip():
            problems["title"] = "must not be empty"
        if problems:
            raise ValidationFailed("outline is invalid", problems)

    def revised(self, edits: Sequence[OutlineEdit], max_items: int, limits: Limits = DEFAULT_LIMITS) -> Outline:
        """This outline with the items ``edits`` give, in their order; ``ValidationFailed`` naming each problem.

        An edit from an existing item keeps that item's passages, layout and section; a new one has no
        passages (its slide finds them by its title and key points, as every slide does).
        """
        if not 1 <= len(edits) <= max_items:
            raise ValidationFailed(
                f"an outline has 1 to {max_items} items, got {len(edits)}", {"outline": f"1 to {max_items} items"}
            )
        problems: dict[str, str] = {}
        used: dict[int, int] = {}
        for i, edit in enumerate(edits):
            problems.update(edit.problems(f"outline[{i}]", limits))
            if edit.from_index is None:
                continue
            if not 0 <= edit.from_index < len(self.items):
                problems[f"outline[{i}].from_index"] = f"the outline has no item {edit.from_index}"
            elif edit.from_index in used:
                problems[f"outline[{i}].from_index"] = (
                    f"item {edit.from_index} is already outline[{used[edit.from_index]}]"
                )
            used.setdefault(edit.from_index, i)
        if problems:
            raise ValidationFailed("the outline is invalid", problems)
        items = tuple(
            OutlineItem(e.title.strip(), e.points())
            if e.from_index is None
            else evolve(self.items[e.from_index], title=e.title.strip(), key_points=e.points())
            for e in edits
        )
        return evolve(self, items=items)


@frozen
class OutlineEdit:
    """One item of an outline as its editor left it; ``from_index`` is the item of the current outline it
    came from (its passages stay with it), ``None`` for a new item."""

    title: str
    key_points: tuple[str, ...] = ()
    from_index: int | None = None

    def points(self) -> tuple[str, ...]:
        """The key points without their surrounding blanks."""
        return tuple(p.strip() for p in self.key_points)

    def problems(self, at: str, limits: Limits) -> dict[str, str]:
        """What is wrong with this item under ``limits``, by field name (``at`` names the item)."""
        problems: dict[str, str] = {}
        if not self.title.strip():
            problems[f"{at}.title"] = "must not be empty"
        limits.text(problems, f"{at}.title", self.title, limits.title_chars)
        if len(self.key_points) > limits.bullets_per_slide:
            problems[f"{at}.key_points"] = f"at most {limits.bullets_per_slide}, got {len(self.key_points)}"
        for j, point in enumerate(self.key_points[: limits.bullets_per_slide]):
            if not point.strip():
                problems[f"{at}.key_points[{j}]"] = "must not be empty"
            limits.text(problems, f"{at}.key_points[{j}]", point, limits.bullet_chars)
        return problems
