"""The ExportRepository contract: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from presentai.adapters.memory.repositories import InProcessExportRepository, InProcessPresentationRepository
from presentai.adapters.sql.repositories import SqlExportRepository, SqlPresentationRepository
from presentai.domain.errors import NotFound
from presentai.domain.exports import Export, ExportFormat, ExportStatus
from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.ports.repositories import ExportRepository, PresentationRepository
from tests.conftest import sql_database

Stores = tuple[ExportRepository, PresentationRepository]


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Stores]:
    if request.param == "in-process":
        yield InProcessExportRepository(), InProcessPresentationRepository()
        return
    async with sql_database(request, request.param) as database:
        yield SqlExportRepository(database), SqlPresentationRepository(database)


async def deck(presentations: PresentationRepository, organization_id: str) -> Presentation:
    presentation = Presentation.create(organization_id, "Deck", GenerationParameters())
    await presentations.add(presentation)
    return presentation


async def test_an_export_is_kept_through_its_lifecycle(stores: Stores) -> None:
    exports, presentations = stores
    org = new_id()
    presentation = await deck(presentations, org)
    export = Export.request(org, presentation.id, ExportFormat.PDF, by="u1")
    await exports.add(export)
    stored = await exports.get(org, export.id)
    assert (stored.status, stored.format, stored.requested_by, stored.download_path) == (
        ExportStatus.QUEUED, ExportFormat.PDF, "u1", None,
    )  # fmt: skip
    stored.start()
    await exports.save(stored)
    assert (await exports.get(org, export.id)).status is ExportStatus.RUNNING
    now = datetime.now(UTC).replace(microsecond=0)
    stored.complete("exports/k.pdf", "Отчёт-2025.pdf", 1234, timedelta(hours=24), now)
    await exports.save(stored)
    done = await exports.get(org, export.id)
    assert (done.status, done.storage_key, done.filename, done.size_bytes) == (
        ExportStatus.COMPLETED, "exports/k.pdf", "Отчёт-2025.pdf", 1234,
    )  # fmt: skip
    assert (done.completed_at, done.expires_at) == (now, now + timedelta(hours=24))
    assert done.download_token == stored.download_token
    assert len(done.download_token) >= 43


async def test_exports_are_scoped_to_their_organization_and_found_by_link(stores: Stores) -> None:
    exports, presentations = stores
    org, other = new_id(), new_id()
    first, second = await deck(presentations, org), await deck(presentations, org)
    made = [Export.request(org, first.id, ExportFormat.PPTX, by="u") for _ in range(2)]
    made.append(Export.request(org, second.id, ExportFormat.PNG, by="u"))
    for export in made:
        await exports.add(export)
    assert [e.id for e in await exports.for_presentation(org, first.id)] == [made[1].id, made[0].id]
    assert [e.id for e in await exports.for_organization(org)] == [e.id for e in reversed(made)]
    assert await exports.for_organization(other) == []
    with pytest.raises(NotFound):
        await exports.get(other, made[0].id)

    assert await exports.for_download(made[0].id, "") is None  # no link before the file exists
    made[0].complete("k", "Deck.pptx", 1, timedelta(hours=1), datetime.now(UTC))
    await exports.save(made[0])
    found = await exports.for_download(made[0].id, made[0].download_token)
    assert found is not None
    assert found.id == made[0].id
    assert await exports.for_download(made[0].id, made[0].download_token[:-1] + "x") is None
    assert await exports.for_download(made[1].id, made[0].download_token) is None


async def test_housekeeping_finds_expired_files_of_every_organization_and_removes_a_decks_exports(
    stores: Stores,
) -> None:
    exports, presentations = stores
    now = datetime.now(UTC)
    made = []
    for organization_id in (new_id(), new_id()):
        presentation = await deck(presentations, organization_id)
        export = Export.request(organization_id, presentation.id, ExportFormat.PPTX, by="u")
        await exports.add(export)
        export.complete(f"exports/{export.id}", "Deck.pptx", 1, timedelta(hours=1), now - timedelta(hours=2))
        await exports.save(export)
        made.append(export)
    live = Export.request(made[0].organization_id, made[0].presentation_id, ExportFormat.PDF, by="u")
    await exports.add(live)
    live.complete("exports/live", "Deck.pdf", 1, timedelta(hours=24), now)
    await exports.save(live)

    found = {e.id for e in await exports.expired(now, 10_000)}  # other tests' exports may be there too
    assert {e.id for e in made} <= found
    assert live.id not in found
    made[0].purge()
    await exports.save(made[0])
    assert made[0].id not in {e.id for e in await exports.expired(now, 10_000)}  # its file is gone already
    assert len(await exports.expired(now + timedelta(days=1), 1)) == 1  # batches

    await exports.remove_for_presentation(made[0].organization_id, made[0].presentation_id)
    assert await exports.for_presentation(made[0].organization_id, made[0].presentation_id) == []
    assert [e.id for e in await exports.for_organization(made[1].organization_id)] == [made[1].id]
