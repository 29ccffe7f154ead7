"""The repository contracts, run against every repository adapter (in-process for now)."""

from __future__ import annotations

import pytest

from presentai.adapters.memory.repositories import (
    InProcessChunkRepository,
    InProcessPresentationRepository,
    InProcessSourceRepository,
)
from presentai.domain.errors import NotFound
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.sources import Chunk, SourceDocument
from presentai.ports.repositories import ChunkRepository, PresentationRepository, SourceRepository


@pytest.fixture(params=["in-process"])
def presentations(request: pytest.FixtureRequest) -> PresentationRepository:
    return InProcessPresentationRepository()


@pytest.fixture(params=["in-process"])
def sources(request: pytest.FixtureRequest) -> SourceRepository:
    return InProcessSourceRepository()


@pytest.fixture(params=["in-process"])
def chunks(request: pytest.FixtureRequest) -> ChunkRepository:
    return InProcessChunkRepository()


async def test_a_saved_presentation_reads_back_with_its_changes(presentations: PresentationRepository) -> None:
    presentation = Presentation.create("org", "Deck", GenerationParameters(slide_count=3))
    await presentations.add(presentation)
    presentation.warn("careful")
    assert (await presentations.get("org", presentation.id)).warnings == []  # not saved yet
    await presentations.save(presentation)
    assert (await presentations.get("org", presentation.id)).warnings == ["careful"]


async def test_another_organizations_presentation_is_not_found(presentations: PresentationRepository) -> None:
    presentation = Presentation.create("org", "Deck", GenerationParameters())
    await presentations.add(presentation)
    with pytest.raises(NotFound):
        await presentations.get("rival", presentation.id)
    assert await presentations.list("rival") == []


async def test_presentations_list_newest_first(presentations: PresentationRepository) -> None:
    made = [Presentation.create("org", f"Deck {i}", GenerationParameters()) for i in range(3)]
    for p in made:
        await presentations.add(p)
    assert [p.id for p in await presentations.list("org")] == [p.id for p in reversed(made)]


async def test_sources_are_scoped_to_their_organization(sources: SourceRepository) -> None:
    mine = SourceDocument.from_upload("org", "a.pdf", b"a")
    theirs = SourceDocument.from_upload("rival", "b.pdf", b"b")
    await sources.add(mine)
    await sources.add(theirs)
    assert [s.id for s in await sources.get_many("org", [theirs.id, mine.id])] == [mine.id]
    assert await sources.ids("org") == [mine.id]
    with pytest.raises(NotFound):
        await sources.get("org", theirs.id)
    mine.mark_failed("corrupt_document", "bad")
    await sources.save(mine)
    assert (await sources.get("org", mine.id)).error_code == "corrupt_document"


async def test_replacing_a_documents_chunks_drops_the_old_ones(chunks: ChunkRepository) -> None:
    first = [Chunk(f"c{i}", "d1", "org", i, "t", 0, 1, 1) for i in range(3)]
    await chunks.replace_for_document("org", "d1", first)
    await chunks.replace_for_document("org", "d2", [Chunk("x", "d2", "org", 0, "t", 0, 1, 1)])
    await chunks.replace_for_document("org", "d1", [Chunk("n0", "d1", "org", 0, "t", 0, 1, 1)])
    assert [c.id for c in await chunks.for_documents("org", ["d1", "d2"])] == ["n0", "x"]
    assert await chunks.get_many("org", ["c0", "n0"]) == [Chunk("n0", "d1", "org", 0, "t", 0, 1, 1)]
    assert await chunks.for_documents("rival", ["d1"]) == []
    assert await chunks.get_many("rival", ["n0"]) == []


async def test_changing_a_read_presentation_changes_nothing_stored_until_it_is_saved(
    presentations: PresentationRepository,
) -> None:
    from presentai.domain.slides import Bullet, Layout, Slide, SlideContent

    presentation = Presentation.create("org", "Deck", GenerationParameters(slide_count=1))
    presentation.put_slide(
        Slide.create(presentation.id, SlideContent(Layout.BULLETS, "One", (Bullet("a"),)), outline_index=0)
    )
    await presentations.add(presentation)
    read = await presentations.get("org", presentation.id)
    read.slides[0].revise(SlideContent(Layout.BULLETS, "Two", (Bullet("b"),)))
    read.source_ids.append("s1")
    stored = await presentations.get("org", presentation.id)
    assert stored.slides[0].version == 1
    assert stored.source_ids == []
    await presentations.save(read)
    stored = await presentations.get("org", presentation.id)
    assert [v.content.title for v in stored.slides[0].versions] == ["One", "Two"]
    assert stored.source_ids == ["s1"]
