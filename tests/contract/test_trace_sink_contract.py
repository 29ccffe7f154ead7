"""The TraceSink contract: MongoDB (a real wire-protocol server, nx-27017) and the JSON-lines file;
and MongoDB going away: traces wait in Redis and arrive, each once, when it is back."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import orjson
import pytest
import redis
from pymongo.errors import PyMongoError

from presentai.adapters.traces.sinks import JsonLinesTraceSink, MongoTraceSink, _document
from presentai.domain.ids import new_id
from presentai.domain.tracing import GenerationTrace
from presentai.ports.tracing import TraceSink
from tests.conftest import MongoServer
from tests.waiting import until

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")
# MongoDB may take this long to answer (60 s: never, under any load, while it is up). The outage tests look
# for it for half a second only, so that a record with MongoDB down is quick; once it is back, they wait
# until the sink's client has found it again (it looks every half second) before they expect a trace there.
ANSWER_MS = 60_000


@pytest.fixture(scope="module")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = MongoServer(tmp_path_factory.mktemp("mongo"), in_memory=True)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["mongodb", "jsonl"])
async def sink(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TraceSink]:
    if request.param == "jsonl":
        yield JsonLinesTraceSink(tmp_path / "traces.jsonl")
        return
    mongo = MongoTraceSink(request.getfixturevalue("mongo_url"), f"db{new_id()[-8:]}", timeout_ms=ANSWER_MS)
    yield mongo
    await mongo.close()


def a_trace(organization_id: str, n: int) -> GenerationTrace:
    return GenerationTrace(
        organization_id=organization_id,
        presentation_id="p",
        job_id="j",
        kind="slide",
        prompt=f"prompt {n} — Привет",
        response="{}",
        provider="anthropic",
        model="claude-sonnet-4-5",
        input_tokens=100 + n,
        output_tokens=20,
        latency_ms=850,
        fallback_triggered=n % 2 == 1,
        template_version="builtin-2026-11",
    )


async def found_again(sink: MongoTraceSink, organization_id: str) -> list[GenerationTrace]:
    """The organization's traces, read once the sink's client has found MongoDB again after an outage."""
    found: list[GenerationTrace] = []

    async def reads() -> bool:
        nonlocal found
        try:
            found = await sink.traces(organization_id)
        except PyMongoError:  # not found yet: the client looks again within half a second
            return False
        return True

    await until(reads, "the sink reading MongoDB again")
    return found


async def test_traces_are_kept_whole_per_organization_newest_first(sink: TraceSink) -> None:
    mine, other = new_id(), new_id()
    recorded = [a_trace(mine, n) for n in range(3)]
    for trace in recorded:
        await sink.record(trace)
    await sink.record(a_trace(other, 9))
    found = await sink.traces(mine)
    assert found == list(reversed(recorded))
    assert [t.prompt for t in await sink.traces(other)] == ["prompt 9 — Привет"]


async def test_traces_wait_in_redis_while_mongodb_is_down_and_arrive_once(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    mongo.start()
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoTraceSink(  # MongoDB is tried for every trace
        mongo.url, "traces", redis_url=REDIS_URL, timeout_ms=500, answer_timeout_ms=ANSWER_MS, outage_s=0
    )
    plain.delete(sink.buffer_key)
    organization = new_id()
    try:
        await sink.record(a_trace(organization, 0))
        mongo.kill()  # MongoDB goes away
        for n in range(1, 4):
            await sink.record(a_trace(organization, n))
        assert plain.llen(sink.buffer_key) == 3  # nothing lost, nothing failed
        mongo.start()  # back, empty (in memory): what reaches it now is the buffer
        assert await found_again(sink, organization) == []
        assert plain.llen(sink.buffer_key) == 3  # reading moves nothing
        await sink.record(a_trace(organization, 4))
        found = await sink.traces(organization)
        assert sorted(t.input_tokens for t in found) == [101, 102, 103, 104]
        assert plain.llen(sink.buffer_key) == 0
        assert await sink.flush() == 0
    finally:
        await sink.close()
        plain.close()
        mongo.stop()


async def test_after_a_failure_traces_skip_mongodb_for_a_while_and_a_flush_moves_them(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoTraceSink(
        mongo.url, "outage", redis_url=REDIS_URL, timeout_ms=500, answer_timeout_ms=ANSWER_MS, outage_s=600
    )
    plain.delete(sink.buffer_key)
    organization = new_id()
    try:
        await sink.record(a_trace(organization, 0))  # MongoDB is not up: the buffer, and the outage window opens
        mongo.start()
        await sink.record(a_trace(organization, 1))  # within the window: not even tried
        assert plain.llen(sink.buffer_key) == 2
        assert await found_again(sink, organization) == []
        await sink.record(a_trace(organization, 2))  # MongoDB answers, but the window is open still
        assert plain.llen(sink.buffer_key) == 3
        assert await sink.flush() == 3  # a worker's maintenance pass, or the window's end
        assert sorted(t.input_tokens for t in await sink.traces(organization)) == [100, 101, 102]
        other = MongoTraceSink(mongo.url, "another-database", redis_url=REDIS_URL)
        assert other.buffer_key != sink.buffer_key  # deployments sharing a Redis keep their traces apart
        await other.close()
    finally:
        await sink.close()
        plain.close()
        mongo.stop()


async def test_two_processes_flushing_at_once_move_every_trace_once(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    mongo.start()
    plain = redis.Redis.from_url(REDIS_URL)
    first, second = (MongoTraceSink(mongo.url, "race", redis_url=REDIS_URL, timeout_ms=ANSWER_MS) for _ in range(2))
    plain.delete(first.buffer_key)
    organization = new_id()
    try:
        for n in range(40):
            plain.rpush(first.buffer_key, orjson.dumps(_document(a_trace(organization, n))))
        moved = await asyncio.gather(first.flush(), second.flush())
        assert sum(moved) >= 40
        stored = await first.traces(organization, limit=100)
        assert sorted(t.input_tokens for t in stored) == [100 + n for n in range(40)]
        assert plain.llen(first.buffer_key) == 0
    finally:
        await first.close()
        await second.close()
        plain.close()
        mongo.stop()


async def test_while_redis_is_down_traces_still_reach_mongodb(mongo_url: str, refusing_port: int) -> None:
    sink = MongoTraceSink(mongo_url, "no-redis", redis_url=f"redis://127.0.0.1:{refusing_port}/0", timeout_ms=ANSWER_MS)
    organization = new_id()
    try:
        for n in range(2):
            await sink.record(a_trace(organization, n))  # the buffer cannot even be looked at: no matter
        assert sorted(t.input_tokens for t in await sink.traces(organization)) == [100, 101]
        assert await sink.flush() == 0
    finally:
        await sink.close()
