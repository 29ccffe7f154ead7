"""The EventStream contract: Redis Streams (the real server) and the in-process twin."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.progress.streams import InProcessEventStream, RedisEventStream
from presentai.domain.jobs import Job, JobKind
from presentai.ports.jobs import EventStream

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture(params=["in-process", "redis"])
async def stream(request: pytest.FixtureRequest) -> AsyncIterator[EventStream]:
    if request.param == "in-process":
        yield InProcessEventStream()
        return
    redis_stream = RedisEventStream(REDIS_URL)
    yield redis_stream
    await redis_stream.close()


def a_job() -> Job:
    return Job.new(JobKind.GENERATE_SLIDES, "org-1", presentation_id="p-1", by="u-1")


async def test_events_come_back_in_order_and_resume_after_any_id(stream: EventStream) -> None:
    job = a_job()
    ids = [await stream.append(job.id, {"type": "slide_completed", "slide_number": n}) for n in range(1, 6)]
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-"))))
    assert len(set(ids)) == 5
    everything = await stream.read(job.id)
    assert [(i, e["slide_number"]) for i, e in everything] == list(zip(ids, range(1, 6), strict=True))
    after_second = await stream.read(job.id, ids[1])
    assert [e["slide_number"] for _, e in after_second] == [3, 4, 5]
    assert await stream.read(job.id, ids[-1]) == []
    assert [e["slide_number"] for _, e in await stream.read(job.id, count=2)] == [1, 2]
    assert await stream.read(a_job().id) == []  # another job's stream is its own


async def test_a_blocked_reader_wakes_when_an_event_arrives(stream: EventStream) -> None:
    job = a_job()
    first = await stream.append(job.id, {"type": "outline_generated"})
    # The read blocks for two minutes; it must come back with the event long before, not at its end.
    reader = asyncio.create_task(stream.read(job.id, first, block_ms=120_000))
    await asyncio.sleep(0.1)  # a chance to start waiting (had it not, it would find the event at once)
    assert not reader.done()
    await stream.append(job.id, {"type": "generation_done", "total_slides": 3})
    found = await asyncio.wait_for(reader, 60)
    assert [e["type"] for _, e in found] == ["generation_done"]
    assert await stream.read(job.id, found[-1][0], block_ms=100) == []  # waits, then answers empty


async def test_a_registered_job_is_known_with_its_owner(stream: EventStream) -> None:
    job = a_job()
    assert await stream.job(job.id) is None
    await stream.register(job)
    assert await stream.job(job.id) == job
