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


async def test_exports_are_counted_apart_from_tokens(ledger: UsageLedger) -> None:
    org = new_id()
    await ledger.add(org, "2026-11", exports=1)
    await ledger.add(org, "2026-11", embedding=10, exports=2)
    usage = await ledger.get(org, "2026-11")
    assert (usage.exports, usage.total) == (3, 10)
    assert [u.exports for u in await ledger.history(org, 12)] == [3]


async def test_concurrent_additions_within_a_limit_never_pass_it_together(ledger: UsageLedger) -> None:
    org = new_id()
    await ledger.add(org, "2026-11", input=40)
    added = await asyncio.gather(*(ledger.add_within(org, "2026-11", token_limit=100, embedding=25) for _ in range(10)))
    assert added.count(True) == 2  # 40 + 25 + 25 = 90; a third would pass 100
    assert (await ledger.get(org, "2026-11")).total == 90
    exports = await asyncio.gather(*(ledger.add_within(org, "2026-12", export_limit=3, exports=1) for _ in range(8)))
    assert exports.count(True) == 3
    assert (await ledger.get(org, "2026-12")).exports == 3


async def test_an_addition_that_alone_passes_the_limit_is_refused_even_in_a_new_month(ledger: UsageLedger) -> None:
    org = new_id()
    assert not await ledger.add_within(org, "2026-11", token_limit=10, embedding=11)
    assert await ledger.add_within(org, "2026-11", token_limit=10, embedding=10)
    assert await ledger.add_within(org, "2026-11", embedding=10**6)  # no limit
    assert (await ledger.get(org, "2026-11")).total == 10 + 10**6
