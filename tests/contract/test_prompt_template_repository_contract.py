"""The PromptTemplateRepository contract: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.memory.repositories import InProcessPromptTemplateRepository
from presentai.adapters.sql.repositories import SqlPromptTemplateRepository
from presentai.domain.errors import NotFound
from presentai.domain.ids import new_id
from presentai.domain.prompts import PromptTemplate
from presentai.ports.repositories import PromptTemplateRepository
from tests.conftest import sql_database

SYSTEM = "You write one slide from the passages given. Answer JSON."


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def repository(request: pytest.FixtureRequest) -> AsyncIterator[PromptTemplateRepository]:
    if request.param == "in-process":
        yield InProcessPromptTemplateRepository()
        return
    async with sql_database(request, request.param) as database:
        yield SqlPromptTemplateRepository(database)


async def test_versions_are_numbered_per_name_and_kept_whole(repository: PromptTemplateRepository) -> None:
    first = await repository.add(PromptTemplate.draft("slide", SYSTEM, by="admin"))
    second = await repository.add(PromptTemplate.draft("slide", SYSTEM + " Be brief."))
    outline = await repository.add(PromptTemplate.draft("outline", "You plan presentations. Answer JSON."))
    assert (first.version, second.version, outline.version) == (1, 2, 1)
    stored = await repository.get(second.id)
    assert (stored.system, stored.active, stored.weight, stored.label) == (
        SYSTEM + " Be brief.",
        False,
        100,
        "slide-v2",
    )
    stored.configure(active=True, weight=30)
    await repository.save(stored)
    again = await repository.get(second.id)
    assert (again.active, again.weight) == (True, 30)
    listed = [(t.name, t.version) for t in await repository.all()]
    assert listed == sorted(listed)
    assert {(t.name, t.version) for t in (first, second, outline)} <= set(listed)
    with pytest.raises(NotFound):
        await repository.get(new_id())


async def test_concurrent_new_versions_get_distinct_numbers(repository: PromptTemplateRepository) -> None:
    made = await asyncio.gather(*(repository.add(PromptTemplate.draft("outline", SYSTEM)) for _ in range(3)))
    versions = sorted(t.version for t in made)
    assert versions == list(range(versions[0], versions[0] + 3))
