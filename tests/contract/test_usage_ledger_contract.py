"""The UsageLedger contract: in-process, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.memory.usage import InProcessUsageLedger
from presentai.adapters.sql.usage import SqlUsageLedger
from presentai.domain.ids import new_id
from presentai.ports.usage import UsageLedger
from tests.conftest import sql_database


@pytest.fixture(params=["in-process", "sqlite", "postgres"])
async def ledger(request: pytest.FixtureRequest) -> AsyncIterator[UsageLedger]:
    if request.param == "in-process":
        yield InProcessUsageLedger()
        return
    async with sql_database(request, request.param) as database:
        yield SqlUsageLedger(database)


async def test_counters_add_up_per_organization_and_month(ledger: UsageLedger) -> None:
    org, other = new_id(), new_id()
    assert (await ledger.get(org, "2026-11")).total == 0
    await ledger.add(org, "2026-11", embedding=100)
    await ledger.add(org, "2026-11", input=30, output=7)
    await ledger.add(org, "2026-10", output=5)
    await ledger.add(other, "2026-11", input=1000)
    november = await ledger.get(org, "2026-11")
    assert (november.embedding_tokens, november.input_tokens, november.output_tokens, november.total) == (
        100,
        30,
        7,
        137,
    )
    assert [(u.month, u.total) for u in await ledger.history(org, 12)] == [("2026-11", 137), ("2026-10", 5)]
    assert [u.month for u in await ledger.history(org, 1)] == ["2026-11"]
    assert await ledger.history(new_id(), 12) == []


async def test_concurrent_additions_lose_nothing(ledger: UsageLedger) -> None:
    org = new_id()
    await asyncio.gather(*(ledger.add(org, "2026-11", input=1, output=2) for _ in range(40)))
    usage = await ledger.get(org, "2026-11")
    assert (usage.input_tokens, usage.output_tokens) == (40, 80)
