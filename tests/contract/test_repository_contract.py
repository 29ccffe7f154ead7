"""The repository contracts, run against every repository adapter (in-process for now)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from presentai.adapters.memory.repositories import (
    InProcessChunkRepository,
    InProcessPresentationRepository,
    InProcessProjectRepository,
    InProcessSourceRepository,
)
from presentai.adapters.sql.repositories import (
    SqlChunkRepository,
    SqlPresentationRepository,
    SqlProjectRepository,
    SqlSourceRepository,
)
from presentai.domain.errors import NotFound
from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem, Presentation
from presentai.domain.projects import Project
from presentai.domain.slides import Attribution, Bullet, Layout, Slide, SlideContent, VersionReason
from presentai.domain.sources import Chunk, IngestionStatus, SourceDocument
from presentai.ports.repositories import ChunkRepository, PresentationRepository, ProjectRepository, SourceRepository
from tests.conftest import sql_database


@attrs.frozen
class Repositories:
    presentations: PresentationRepository
    sources: SourceRepository
    chunks: ChunkRepository
    projects: ProjectRepository


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def repos(request: pytest.FixtureRequest) -> AsyncIterator[Repositories]:
    if request.param == "in-process":
        yield Repositories(
            InProcessPresentationRepository(),
            InProcessSourceRepository(),
            InProcessChunkRepository(),
            InProcessProjectRepository(),
        )
        return
    async with sql_database(request, request.param) as database:
        yield Repositories(
            SqlPresentationRepository(database),
            SqlSourceRepository(database),
            SqlChunkRepository(database),
            SqlProjectRepository(database),
        )


@pytest.fixture
def presentations(repos: Repositories) -> PresentationRepository:
    return repos.presentations


@pytest.fixture
def sources(repos: Repositories) -> SourceRepository:
    return repos.sources


@pytest.fixture
def chunks(repos: Repositories) -> ChunkRepository:
    return repos.chunks


@pytest.fixture
def org() -> str:
    """An organization of its own for each test (the PostgreSQL database is shared by the run)."""
    return f"org-{new_id()}"


async def test_a_saved_presentation_reads_back_with_its_changes(
    presentations: PresentationRepository, org: str
) -> None:
    presentation = Presentation.create(org, "Deck", GenerationParameters(slide_count=3, topic="Grid", language="ru"))
    await presentations.add(presentation)
    presentation.warn("careful")
    assert (await presentations.get(org, presentation.id)).warnings == []  # not saved yet
    await presentations.save(presentation)
    stored = await presentations.get(org, presentation.id)
    assert stored.warnings == ["careful"]
    assert stored.parameters == presentation.parameters
    assert stored.created_at == presentation.created_at


async def test_a_presentations_theme_is_stored_changed_and_summarised(
    presentations: PresentationRepository, org: str
) -> None:
    dark = Presentation.create(org, "Dark deck", GenerationParameters(), theme="dark")
    light = Presentation.create(org, "Light deck", GenerationParameters())
    await presentations.add(dark)
    await presentations.add(light)
    assert (await presentations.get(org, dark.id)).theme == "dark"
    assert (await presentations.get(org, light.id)).theme == "light"
    dark.update(theme="corporate")
    await presentations.save(dark)
    assert (await presentations.get(org, dark.id)).theme == "corporate"
    assert {p.title: p.theme for p in await presentations.page(org, 10)} == {
        "Dark deck": "corporate",
        "Light deck": "light",
    }


async def test_another_organizations_presentation_is_not_found(presentations: PresentationRepository, org: str) -> None:
    presentation = Presentation.create(org, "Deck", GenerationParameters())
    await presentations.add(presentation)
    with pytest.raises(NotFound):
        await presentations.get(f"{org}-rival", presentation.id)
    assert await presentations.list(f"{org}-rival") == []
    presentation.organization_id = f"{org}-rival"
    with pytest.raises(NotFound):
        await presentations.save(presentation)  # nor can it be overwritten through another tenant


async def test_presentations_list_newest_first(presentations: PresentationRepository, org: str) -> None:
    made = [Presentation.create(org, f"Deck {i}", GenerationParameters()) for i in range(3)]
    for p in made:
        await presentations.add(p)
    assert [p.id for p in await presentations.list(org)] == [p.id for p in reversed(made)]


async def test_a_generated_presentation_round_trips_with_outline_slides_versions_and_attribution(
    presentations: PresentationRepository, org: str
) -> None:
    presentation = Presentation.create(org, "", GenerationParameters(slide_count=2))
    presentation.add_source("s1")
    presentation.add_source("s2")
    await presentations.add(presentation)
    presentation.start_outlining()
    outline = Outline("Grid", (OutlineItem("A", ("k",), ("c1",)), OutlineItem("B", (), ("c2",))), "sub")
    presentation.accept_outline(outline, "ru")
    quote = Attribution("s1", "c1", "Выручка выросла.", 0, 16, page=3, section="1. Итоги", score=0.75)
    for i, title in enumerate(("A", "B")):
        content = SlideContent(Layout.BULLETS, title, (Bullet("Выручка выросла", 0, (quote,), True),), "notes")
        presentation.put_slide(Slide.create(presentation.id, content, outline_index=i))
    await presentations.save(presentation)
    stored = await presentations.get(org, presentation.id)
    assert stored.outline == outline
    assert stored.source_ids == ["s1", "s2"]
    assert stored.language == "ru"
    assert [s.content for s in stored.slides] == [s.content for s in presentation.slides]
    assert [s.id for s in stored.slides] == [s.id for s in presentation.slides]


async def test_saving_appends_new_versions_keeps_old_ones_and_follows_reordering_and_deletion(
    presentations: PresentationRepository, org: str
) -> None:
    presentation = Presentation.create(org, "Deck", GenerationParameters(slide_count=3))
    for i in range(3):
        content = SlideContent(Layout.BULLETS, f"S{i}", (Bullet("a"),))
        presentation.put_slide(Slide.create(presentation.id, content, outline_index=i))
    await presentations.add(presentation)
    first, second, third = presentation.slides
    first.revise(SlideContent(Layout.BULLETS, "S0 edited", (Bullet("b"),)), by="user-1")
    first.restore(1, by="user-1")
    presentation.reorder([third.id, first.id, second.id])
    presentation.slides.remove(second)
    await presentations.save(presentation)
    stored = await presentations.get(org, presentation.id)
    assert [s.id for s in stored.slides] == [third.id, first.id]
    versions = stored.slide(first.id).versions
    assert [(v.number, v.content.title, v.reason) for v in versions] == [
        (1, "S0", VersionReason.GENERATED),
        (2, "S0 edited", VersionReason.EDITED),
        (3, "S0", VersionReason.RESTORED),
    ]
    assert versions[1].created_by == "user-1"


async def test_sources_are_scoped_to_their_organization(sources: SourceRepository, org: str) -> None:
    mine = SourceDocument.from_upload(org, "a.pdf", b"a", "p1")
    theirs = SourceDocument.from_upload(f"{org}-rival", "b.pdf", b"b")
    await sources.add(mine)
    await sources.add(theirs)
    assert [s.id for s in await sources.get_many(org, [theirs.id, mine.id])] == [mine.id]
    assert await sources.ids(org) == [mine.id]
    with pytest.raises(NotFound):
        await sources.get(org, theirs.id)
    mine.mark_failed("corrupt_document", "bad")
    await sources.save(mine)
    stored = await sources.get(org, mine.id)
    assert (stored.status, stored.error_code, stored.presentation_id) == (
        IngestionStatus.FAILED,
        "corrupt_document",
        "p1",
    )
    assert stored.created_at == mine.created_at


async def test_stored_bytes_add_up_the_organizations_own_originals(sources: SourceRepository, org: str) -> None:
    assert await sources.stored_bytes(org) == 0
    await sources.add(SourceDocument.from_upload(org, "a.md", b"a" * 300))
    await sources.add(SourceDocument.from_upload(org, "b.md", b"b" * 45, "p1"))
    await sources.add(SourceDocument.from_upload(f"{org}-rival", "c.md", b"c" * 1000))
    assert await sources.stored_bytes(org) == 345


async def test_replacing_a_documents_chunks_drops_the_old_ones(chunks: ChunkRepository, org: str) -> None:
    def chunk(chunk_id: str, document: str, index: int = 0) -> Chunk:
        return Chunk(
            f"{org}-{chunk_id}",
            f"{org}-{document}",
            org,
            index,
            "t",
            0,
            1,
            1,
            2,
            3,
            "§",
            "ru",
            ((0, 2), (1, 3)),
            ((0, 1),),
        )

    await chunks.replace_for_document(org, f"{org}-d1", [chunk(f"c{i}", "d1", i) for i in range(3)])
    await chunks.replace_for_document(org, f"{org}-d2", [chunk("x", "d2")])
    await chunks.replace_for_document(org, f"{org}-d1", [chunk("n0", "d1")])
    found = await chunks.for_documents(org, [f"{org}-d1", f"{org}-d2"])
    assert [c.id for c in found] == [f"{org}-n0", f"{org}-x"]
    assert found[0] == chunk("n0", "d1")
    assert await chunks.get_many(org, [f"{org}-c0", f"{org}-n0"]) == [chunk("n0", "d1")]
    assert await chunks.for_documents(f"{org}-rival", [f"{org}-d1"]) == []
    assert await chunks.get_many(f"{org}-rival", [f"{org}-n0"]) == []


async def test_changing_a_read_presentation_changes_nothing_stored_until_it_is_saved(
    presentations: PresentationRepository, org: str
) -> None:
    presentation = Presentation.create(org, "Deck", GenerationParameters(slide_count=1))
    content = SlideContent(Layout.BULLETS, "One", (Bullet("a"),))
    presentation.put_slide(Slide.create(presentation.id, content, outline_index=0))
    await presentations.add(presentation)
    read = await presentations.get(org, presentation.id)
    read.slides[0].revise(SlideContent(Layout.BULLETS, "Two", (Bullet("b"),)))
    read.source_ids.append("s1")
    stored = await presentations.get(org, presentation.id)
    assert stored.slides[0].version == 1
    assert stored.source_ids == []
    await presentations.save(read)
    stored = await presentations.get(org, presentation.id)
    assert [v.content.title for v in stored.slides[0].versions] == ["One", "Two"]
    assert stored.source_ids == ["s1"]


async def test_a_page_of_summaries_is_newest_first_filtered_and_leaves_out_deleted_ones(
    presentations: PresentationRepository, org: str
) -> None:
    made = []
    for title in ("Grid 100% plan", "Wind", "grid_two", "Deleted grid"):
        p = Presentation.create(org, title, GenerationParameters())
        await presentations.add(p)
        made.append(p)
    made[3].delete()
    await presentations.save(made[3])
    page = await presentations.page(org, 2)
    assert [p.id for p in page] == [made[2].id, made[1].id]
    assert [p.id for p in await presentations.page(org, 10, before=made[1].id)] == [made[0].id]
    assert [p.title for p in await presentations.page(org, 10, text="GRID")] == ["grid_two", "Grid 100% plan"]
    assert [p.title for p in await presentations.page(org, 10, text="100%")] == ["Grid 100% plan"]
    assert [p.title for p in await presentations.page(org, 10, text="d_t")] == ["grid_two"]
    assert await presentations.page(org, 10, status="ready") == []
    assert await presentations.page(f"{org}-rival", 10) == []


async def test_presentations_deleted_long_ago_are_found_for_purging_and_removed_whole(
    presentations: PresentationRepository, org: str
) -> None:
    old, recent, live = (Presentation.create(org, t, GenerationParameters(slide_count=1)) for t in "ABC")
    old.add_slide(SlideContent(Layout.BULLETS, "Kept until purged", (Bullet("A point"),)))
    for presentation in (old, recent, live):
        await presentations.add(presentation)
    now = datetime.now(UTC)
    old.deleted_at, recent.deleted_at = now - timedelta(days=31), now - timedelta(days=29)
    for presentation in (old, recent):
        await presentations.save(presentation)
    due = await presentations.deleted_before(now - timedelta(days=30), 10_000)  # other tests' may be due too
    assert (org, old.id) in due
    assert (org, recent.id) not in due
    assert (org, live.id) not in due
    await presentations.remove(f"{org}-rival", old.id)  # another organization's id removes nothing
    assert (await presentations.get(org, old.id)).slides
    await presentations.remove(org, old.id)
    with pytest.raises(NotFound):
        await presentations.get(org, old.id)
    assert (org, old.id) not in await presentations.deleted_before(now - timedelta(days=30), 10_000)
    assert (await presentations.get(org, recent.id)).deleted_at is not None


async def test_a_save_from_a_stale_read_is_refused_so_no_change_is_lost(
    presentations: PresentationRepository, org: str
) -> None:
    from presentai.domain.errors import Conflict

    presentation = Presentation.create(org, "Deck", GenerationParameters())
    await presentations.add(presentation)
    first = await presentations.get(org, presentation.id)
    second = await presentations.get(org, presentation.id)
    first.warn("from the first")
    await presentations.save(first)
    second.warn("from the second")
    with pytest.raises(Conflict):
        await presentations.save(second)
    first.warn("again")
    await presentations.save(first)  # the winner can go on saving its own copy
    assert (await presentations.get(org, presentation.id)).warnings == ["from the first", "again"]


@pytest.fixture
def projects(repos: Repositories, request: pytest.FixtureRequest) -> ProjectRepository:
    return repos.projects


async def test_projects_are_scoped_listed_newest_first_and_archived_ones_hidden_by_default(
    projects: ProjectRepository, org: str
) -> None:
    first, second = Project.start(org, "Grid"), Project.start(org, "Wind", "turbines")
    for project in (first, second):
        await projects.add(project)
    second.archived = True
    await projects.save(second)
    assert [p.id for p in await projects.list(org)] == [first.id]
    assert [p.id for p in await projects.list(org, include_archived=True)] == [second.id, first.id]
    assert (await projects.get(org, second.id)).description == "turbines"
    with pytest.raises(NotFound):
        await projects.get(f"{org}-rival", first.id)
    await projects.delete(org, first.id)
    with pytest.raises(NotFound):
        await projects.get(org, first.id)
