"""The TraceSink contract: MongoDB (a real wire-protocol server, nx-27017) and the JSON-lines file;
and MongoDB going away: traces wait in Redis and arrive, each once, when it is back."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import orjson
import pytest
import redis

from presentai.adapters.traces.sinks import JsonLinesTraceSink, MongoTraceSink, _document
from presentai.domain.ids import new_id
from presentai.domain.tracing import GenerationTrace
from presentai.ports.tracing import TraceSink
from tests.conftest import free_port

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


def start_mongo(port: int, folder: Path) -> subprocess.Popen[bytes]:
    """nx-27017 in memory; its pid and log files in ``folder`` (one server per folder)."""
    server = Path(sys.executable).parent / "nx-27017"
    folder.mkdir(parents=True, exist_ok=True)
    files = ["--pid-file", str(folder / "nx.pid"), "--log-file", str(folder / "nx.log")]
    process = subprocess.Popen(
        [str(server), "--host", "127.0.0.1", "-p", str(port), "--data-dir", "memory", *files],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nx-27017 did not start")
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # it waits for connected clients; a server crash is what we mean
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    process = start_mongo(port, tmp_path_factory.mktemp("mongo"))
    yield f"mongodb://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(params=["mongodb", "jsonl"])
async def sink(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TraceSink]:
    if request.param == "jsonl":
        yield JsonLinesTraceSink(tmp_path / "traces.jsonl")
        return
    mongo = MongoTraceSink(request.getfixturevalue("mongo_url"), f"db{new_id()[-8:]}")
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
    port = free_port()
    process = start_mongo(port, tmp_path / "mongo")
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoTraceSink(
        f"mongodb://127.0.0.1:{port}", "traces", redis_url=REDIS_URL, timeout_ms=500, outage_s=0
    )  # tries MongoDB at every record
    plain.delete(sink.buffer_key)
    organization = new_id()
    try:
        await sink.record(a_trace(organization, 0))
        process.kill()  # MongoDB goes away
        process.wait(timeout=5)
        for n in range(1, 4):
            await sink.record(a_trace(organization, n))
        assert plain.llen(sink.buffer_key) == 3  # nothing lost, nothing failed
        process = start_mongo(port, tmp_path / "mongo")  # back, empty (in-memory): what reaches it now is the buffer
        await sink.record(a_trace(organization, 4))
        found = await sink.traces(organization)
        assert sorted(t.input_tokens for t in found) == [101, 102, 103, 104]
        assert plain.llen(sink.buffer_key) == 0
        assert await sink.flush() == 0
    finally:
        await sink.close()
        plain.close()
        stop(process)


async def test_after_a_failure_traces_skip_mongodb_for_a_while_and_a_flush_moves_them(tmp_path: Path) -> None:
    port = free_port()
    process = start_mongo(port, tmp_path / "mongo")
    plain = redis.Redis.from_url(REDIS_URL)
    url = f"mongodb://127.0.0.1:{port}"
    sink = MongoTraceSink(url, "outage", redis_url=REDIS_URL, timeout_ms=500, outage_s=600)
    plain.delete(sink.buffer_key)
    organization = new_id()
    try:
        process.kill()
        process.wait(timeout=5)
        await sink.record(a_trace(organization, 0))  # fails over to the buffer, and opens the outage window
        process = start_mongo(port, tmp_path / "mongo")
        await sink.record(a_trace(organization, 1))  # within the window: not even tried
        assert plain.llen(sink.buffer_key) == 2
        assert await sink.traces(organization) == []
        assert await sink.flush() == 2  # a worker's maintenance pass, or the window's end
        assert sorted(t.input_tokens for t in await sink.traces(organization)) == [100, 101]
        other = MongoTraceSink(url, "another-database", redis_url=REDIS_URL)
        assert other.buffer_key != sink.buffer_key  # deployments sharing a Redis keep their traces apart
        await other.close()
    finally:
        await sink.close()
        plain.close()
        stop(process)


async def test_two_processes_flushing_at_once_move_every_trace_once(tmp_path: Path) -> None:
    port = free_port()
    process = start_mongo(port, tmp_path / "mongo")
    plain = redis.Redis.from_url(REDIS_URL)
    url = f"mongodb://127.0.0.1:{port}"
    first, second = (MongoTraceSink(url, "race", redis_url=REDIS_URL, timeout_ms=2000) for _ in range(2))
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
        stop(process)
