"""Slides keep every version; presentations guard their lifecycle and slide order."""

from __future__ import annotations

import pytest

from presentai.domain.errors import Conflict, NotFound, SlideCountOutOfRange, ValidationFailed
from presentai.domain.presentation import (
    GenerationParameters,
    Outline,
    OutlineItem,
    Presentation,
    PresentationStatus,
)
from presentai.domain.slides import Bullet, Layout, Slide, SlideContent, VersionReason


def content(title: str, *bullets: str) -> SlideContent:
    return SlideContent(Layout.BULLETS, title, tuple(Bullet(b) for b in bullets))


def outline(n: int) -> Outline:
    return Outline("Deck", tuple(OutlineItem(f"Item {i}") for i in range(n)))


def test_editing_a_slide_makes_a_new_version_and_keeps_the_old_one() -> None:
    slide = Slide.create("p", content("First", "a"))
    slide.revise(content("Second", "b"), by="user-1")
    assert slide.version == 2
    assert slide.content.title == "Second"
    assert [v.content.title for v in slide.versions] == ["First", "Second"]
    assert slide.versions[1].reason is VersionReason.EDITED
    assert slide.versions[1].created_by == "user-1"


def test_restoring_a_version_appends_a_copy_of_it_rather_than_rewriting_history() -> None:
    slide = Slide.create("p", content("First", "a"))
    slide.revise(content("Second", "b"))
    restored = slide.restore(1)
    assert restored.number == 3
    assert restored.reason is VersionReason.RESTORED
    assert slide.content == slide.versions[0].content
    assert len(slide.versions) == 3


def test_restoring_a_version_that_does_not_exist_is_not_found() -> None:
    slide = Slide.create("p", content("First", "a"))
    with pytest.raises(NotFound):
        slide.restore(7)


@pytest.mark.parametrize(
    "bad", [content("  ", "a"), content("Title", " "), SlideContent(Layout.BULLETS, "T", (Bullet("x", level=9),))]
)
def test_malformed_content_is_refused_and_the_slide_is_unchanged(bad: SlideContent) -> None:
    slide = Slide.create("p", content("Fine", "a"))
    with pytest.raises(ValidationFailed):
        slide.revise(bad)
    assert slide.version == 1


@pytest.mark.parametrize("count", [0, 101, -3])
def test_slide_count_outside_one_to_one_hundred_is_refused(count: int) -> None:
    with pytest.raises(SlideCountOutOfRange) as caught:
        Presentation.create("org", "t", GenerationParameters(slide_count=count))
    assert "slide_count" in caught.value.fields


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        GenerationParameters(language="xx").validate()


def test_the_lifecycle_runs_draft_outlining_outline_ready_generating_ready() -> None:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=2))
    assert presentation.status is PresentationStatus.DRAFT
    presentation.start_outlining()
    presentation.accept_outline(outline(2), "ru")
    assert presentation.status is PresentationStatus.OUTLINE_READY
    assert presentation.title == "Deck"
    assert presentation.language == "ru"
    presentation.start_generating()
    presentation.mark_ready()
    assert presentation.status is PresentationStatus.READY


def test_an_outline_longer_than_asked_is_refused_and_a_shorter_one_comes_with_a_warning() -> None:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=3))
    presentation.start_outlining()
    with pytest.raises(ValidationFailed):
        presentation.accept_outline(outline(4), "en")
    with pytest.raises(ValidationFailed):
        presentation.accept_outline(outline(0), "en")
    presentation.accept_outline(outline(2), "en")
    assert presentation.warnings == ["The sources hold enough for 2 distinct slides, not the 3 asked for."]


def test_a_presentation_being_generated_cannot_be_generated_again() -> None:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=1))
    with pytest.raises(Conflict):
        presentation.start_generating()  # no outline yet
    presentation.start_outlining()
    with pytest.raises(Conflict):
        presentation.start_outlining()
    presentation.accept_outline(outline(1), "en")
    presentation.start_generating()
    with pytest.raises(Conflict):
        presentation.start_generating()


def test_a_regenerated_slide_replaces_the_one_at_its_outline_position() -> None:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=2))
    second = Slide.create(presentation.id, content("B", "b"), outline_index=1)
    first = Slide.create(presentation.id, content("A", "a"), outline_index=0)
    presentation.put_slide(second)
    presentation.put_slide(first)
    assert [s.content.title for s in presentation.slides] == ["A", "B"]
    again = Slide.create(presentation.id, content("B2", "b"), outline_index=1)
    presentation.put_slide(again)
    assert [s.content.title for s in presentation.slides] == ["A", "B2"]


def test_reorder_must_name_every_slide_exactly_once() -> None:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=2))
    a, b = Slide.create("p", content("A", "a"), outline_index=0), Slide.create("p", content("B", "b"), outline_index=1)
    presentation.put_slide(a)
    presentation.put_slide(b)
    presentation.reorder([b.id, a.id])
    assert [s.id for s in presentation.slides] == [b.id, a.id]
    for wrong in ([a.id], [a.id, a.id], [a.id, b.id, "x"]):
        with pytest.raises(ValidationFailed):
            presentation.reorder(wrong)
    assert [s.id for s in presentation.slides] == [b.id, a.id]


def test_a_presentation_takes_at_most_the_source_limit() -> None:
    presentation = Presentation.create("org", "", GenerationParameters())
    for i in range(3):
        presentation.add_source(f"s{i}", limit=3)
    presentation.add_source("s0", limit=3)  # adding one twice is harmless
    with pytest.raises(ValidationFailed):
        presentation.add_source("s3", limit=3)
