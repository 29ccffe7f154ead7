"""The ShareRepository contract: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from presentai.adapters.memory.repositories import InProcessPresentationRepository
from presentai.adapters.memory.shares import InProcessShareRepository
from presentai.adapters.sql.repositories import SqlPresentationRepository
from presentai.adapters.sql.shares import SqlShareRepository
from presentai.domain.errors import NotFound
from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.shares import ShareLink, ShareStatus, token_digest
from presentai.ports.repositories import PresentationRepository
from presentai.ports.shares import ShareRepository
from tests.conftest import sql_database

Stores = tuple[ShareRepository, PresentationRepository]


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Stores]:
    if request.param == "in-process":
        yield InProcessShareRepository(), InProcessPresentationRepository()
        return
    async with sql_database(request, request.param) as database:
        yield SqlShareRepository(database), SqlPresentationRepository(database)


async def deck(presentations: PresentationRepository, organization_id: str) -> Presentation:
    presentation = Presentation.create(organization_id, "Deck", GenerationParameters())
    await presentations.add(presentation)
    return presentation


async def test_a_link_reads_back_whole_and_is_found_by_its_token_digest_only(stores: Stores) -> None:
    shares, presentations = stores
    org = new_id()
    presentation = await deck(presentations, org)
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    link, token = ShareLink.create(presentation, by="anna", show_attributions=True, expires_at=expires)
    await shares.add(link)
    stored = await shares.get(org, link.id)
    assert (stored.presentation_id, stored.created_by, stored.show_attributions, stored.token_prefix) == (
        presentation.id, "anna", True, token[:6],
    )  # fmt: skip
    assert (stored.expires_at, stored.revoked_at, stored.status(datetime.now(UTC))) == (
        expires, None, ShareStatus.ACTIVE,
    )  # fmt: skip
    assert abs((stored.created_at - link.created_at).total_seconds()) < 0.001
    found = await shares.by_token(token_digest(token))
    assert found is not None
    assert found.id == link.id
    assert await shares.by_token(token) is None  # the token itself is not what is stored
    assert await shares.by_token(token_digest(token + "x")) is None


async def test_a_revocation_is_kept(stores: Stores) -> None:
    shares, presentations = stores
    org = new_id()
    link, token = ShareLink.create(await deck(presentations, org), by="anna")
    await shares.add(link)
    revoked_at = datetime.now(UTC).replace(microsecond=0)
    link.revoke(revoked_at)
    await shares.save(link)
    assert (await shares.get(org, link.id)).revoked_at == revoked_at
    found = await shares.by_token(token_digest(token))
    assert found is not None
    assert found.status(datetime.now(UTC)) is ShareStatus.REVOKED


async def test_links_list_per_presentation_newest_first_a_page_at_a_time(stores: Stores) -> None:
    shares, presentations = stores
    org = new_id()
    first, second = await deck(presentations, org), await deck(presentations, org)
    made = []
    for _ in range(3):
        link, _ = ShareLink.create(first, by="anna")
        await shares.add(link)
        made.append(link.id)
    await shares.add(ShareLink.create(second, by="anna")[0])
    page = await shares.for_presentation(org, first.id, 2)
    assert [s.id for s in page] == [made[2], made[1]]
    assert [s.id for s in await shares.for_presentation(org, first.id, 2, page[-1].id)] == [made[0]]
    assert len(await shares.for_presentation(org, second.id)) == 1


async def test_another_organizations_link_is_not_found_nor_listed_nor_changed(stores: Stores) -> None:
    shares, presentations = stores
    org, other = new_id(), new_id()
    presentation = await deck(presentations, org)
    link, _ = ShareLink.create(presentation, by="anna")
    await shares.add(link)
    with pytest.raises(NotFound):
        await shares.get(other, link.id)
    assert await shares.for_presentation(other, presentation.id) == []
    forged = ShareLink(link.id, other, presentation.id, link.token_hash, link.token_prefix, "mallory")
    forged.revoke()
    with contextlib.suppress(NotFound):  # refused, or no row of that organization to change
        await shares.save(forged)
    assert (await shares.get(org, link.id)).revoked_at is None
