"""Revising an outline: edited items keep their passages, slides follow their items, bad edits change nothing."""

from __future__ import annotations

import pytest

from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.limits import Limits
from presentai.domain.outline import Outline, OutlineEdit, OutlineItem
from presentai.domain.presentation import GenerationParameters, Presentation, PresentationStatus
from presentai.domain.slides import Bullet, Layout, Slide, SlideContent


def planned(items: int = 3, slide_count: int = 4) -> Presentation:
    deck = Presentation.create("org", "Grid", GenerationParameters(slide_count=slide_count))
    deck.start_outlining("job-1")
    outline = Outline(
        "Grid",
        tuple(
            OutlineItem(f"Item {i}", (f"point {i}",), (f"chunk-{i}",), Layout.TWO_COLUMN, f"part {i}")
            for i in range(items)
        ),
    )
    deck.accept_outline(outline, "en")
    return deck


def written(deck: Presentation) -> Presentation:
    """``deck`` with one slide per outline item, as a finished generation leaves it."""
    assert deck.outline is not None
    deck.start_generating("job-2")
    for i, item in enumerate(deck.outline.items):
        deck.put_slide(Slide.create(deck.id, SlideContent(Layout.BULLETS, item.title, (Bullet("b"),)), outline_index=i))
    deck.mark_ready()
    return deck


def test_kept_items_are_retitled_reordered_and_keep_their_passages_layout_and_section() -> None:
    deck = planned()
    deck.revise_outline([OutlineEdit(" Third first ", ("  new point ",), 2), OutlineEdit("Item 0", (), 0)])
    assert deck.outline is not None
    third, first = deck.outline.items
    assert (third.title, third.key_points, third.chunk_ids) == ("Third first", ("new point",), ("chunk-2",))
    assert (third.layout, third.section) == (Layout.TWO_COLUMN, "part 2")
    assert (first.title, first.key_points, first.chunk_ids) == ("Item 0", (), ("chunk-0",))
    assert deck.outline.title == "Grid"
    assert deck.status is PresentationStatus.OUTLINE_READY


def test_a_new_item_has_no_passages_of_its_own() -> None:
    deck = planned()
    deck.revise_outline([OutlineEdit("Item 0", (), 0), OutlineEdit("Questions", ("what next",))])
    assert deck.outline is not None
    assert deck.outline.items[1] == OutlineItem("Questions", ("what next",))


def test_slides_follow_their_items_and_a_removed_items_slide_stays_detached() -> None:
    deck = written(planned())
    by_item = {s.outline_index: s.id for s in deck.slides}
    deck.revise_outline([OutlineEdit("Two", (), 2), OutlineEdit("Zero", (), 0)])
    assert {s.id: s.outline_index for s in deck.slides} == {by_item[2]: 0, by_item[0]: 1, by_item[1]: None}
    assert deck.status is PresentationStatus.READY
    assert len(deck.slides) == 3


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ([], "outline"),
        ([OutlineEdit(f"T{i}") for i in range(5)], "outline"),
        ([OutlineEdit("  ", (), 0)], "outline[0].title"),
        ([OutlineEdit("t" * 11, (), 0)], "outline[0].title"),
        ([OutlineEdit("T", ("ok", " "), 0)], "outline[0].key_points[1]"),
        ([OutlineEdit("T", ("p" * 21,), 0)], "outline[0].key_points[0]"),
        ([OutlineEdit("T", ("p",) * 4, 0)], "outline[0].key_points"),
        ([OutlineEdit("T", (), 3)], "outline[0].from_index"),
        ([OutlineEdit("T", (), -1)], "outline[0].from_index"),
        ([OutlineEdit("T", (), 1), OutlineEdit("U", (), 1)], "outline[1].from_index"),
    ],
)
def test_an_invalid_edit_is_refused_naming_the_field_and_changes_nothing(edits: list[OutlineEdit], field: str) -> None:
    deck = written(planned())
    before = (deck.outline, [s.outline_index for s in deck.slides])
    with pytest.raises(ValidationFailed) as refused:
        deck.revise_outline(edits, limits=Limits(title_chars=10, bullet_chars=20, bullets_per_slide=3))
    assert field in refused.value.fields
    assert (deck.outline, [s.outline_index for s in deck.slides]) == before


def test_every_problem_of_an_edit_is_named_at_once() -> None:
    deck = planned()
    with pytest.raises(ValidationFailed) as refused:
        deck.revise_outline([OutlineEdit("", (), 0), OutlineEdit("T", ("",), 7)])
    assert set(refused.value.fields) == {"outline[0].title", "outline[1].key_points[0]", "outline[1].from_index"}


def test_an_outline_is_not_revised_while_a_job_runs_or_before_there_is_one() -> None:
    deck = planned()
    deck.start_generating("job-2")
    with pytest.raises(Conflict):
        deck.revise_outline([OutlineEdit("T", (), 0)])
    assert deck.outline is not None
    assert deck.outline.items[0].title == "Item 0"
    draft = Presentation.create("org", "Grid", GenerationParameters())
    with pytest.raises(Conflict):
        draft.revise_outline([OutlineEdit("T")])
    draft.start_outlining("job-1")
    with pytest.raises(Conflict):
        draft.revise_outline([OutlineEdit("T")])


def test_a_failed_generation_keeps_its_outline_editable() -> None:
    deck = planned()
    deck.start_generating("job-2")
    deck.fail("the model gave up")
    deck.revise_outline([OutlineEdit("Only this", (), 1)])
    assert deck.outline is not None
    assert [i.title for i in deck.outline.items] == ["Only this"]
