"""FairSlots: a bounded number of holders, and a cap per organization so that one cannot starve another."""

from __future__ import annotations

import asyncio

from presentai.adapters.slots import FairSlots


async def _hold(slots: FairSlots, key: str, release: asyncio.Event, started: list[str]) -> None:
    async with slots.taken(key):
        started.append(key)
        await release.wait()


async def test_another_organizations_file_takes_the_slot_that_the_capped_one_leaves_free() -> None:
    slots = FairSlots(2, 1)
    release, started = asyncio.Event(), []
    big = [asyncio.create_task(_hold(slots, "big", release, started)) for _ in range(5)]
    await asyncio.sleep(0)
    small = asyncio.create_task(_hold(slots, "small", release, started))
    while len(started) < 2:
        await asyncio.sleep(0)
    assert started == ["big", "small"]  # the big tenant holds one slot, however many files it sent
    assert (slots.held, slots.held_by("big")) == (2, 1)
    release.set()
    await asyncio.gather(*big, small)
    assert started.count("big") == 5
    assert slots.held == 0


async def test_no_more_than_the_total_hold_slots_at_once() -> None:
    slots = FairSlots(2, 2)
    release, started = asyncio.Event(), []
    tasks = [asyncio.create_task(_hold(slots, key, release, started)) for key in ("a", "b", "c", "a")]
    for _ in range(10):
        await asyncio.sleep(0)
    assert started == ["a", "b"]
    assert slots.held == 2
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(started) == ["a", "a", "b", "c"]


async def test_a_cancelled_wait_gives_up_its_place_and_leaks_no_slot() -> None:
    slots = FairSlots(1, 1)
    release, started = asyncio.Event(), []
    first = asyncio.create_task(_hold(slots, "a", release, started))
    waiting = asyncio.create_task(_hold(slots, "b", release, started))
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    await first
    assert waiting.cancelled() or waiting.done()
    assert slots.held == 0
    async with slots.taken("c"):
        assert slots.held == 1
