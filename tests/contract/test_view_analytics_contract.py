"""The ViewAnalytics contract: in-process, the JSON-lines file and MongoDB (a real wire-protocol server,
nx-27017); and MongoDB going away: events wait in Redis, still count, and arrive, each once, when it is back."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pymongo
import pytest
import redis

from presentai.adapters.analytics.sinks import COLLECTION, JsonLinesViewAnalytics, MongoViewAnalytics, document
from presentai.adapters.memory.shares import InProcessViewAnalytics
from presentai.domain.analytics import ViewEvent, ViewSummary
from presentai.domain.errors import ProviderError
from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.shares import ShareLink
from presentai.ports.shares import ViewAnalytics
from tests.conftest import MongoServer
from tests.waiting import until

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")
ANSWER_MS = 60_000  # MongoDB may take this long to answer while it is up (never, under any load)


@pytest.fixture(scope="module")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = MongoServer(tmp_path_factory.mktemp("mongo"), in_memory=True)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["in-process", "jsonl", "mongodb"])
async def analytics(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ViewAnalytics]:
    if request.param == "in-process":
        yield InProcessViewAnalytics()
    elif request.param == "jsonl":
        yield JsonLinesViewAnalytics(tmp_path / "analytics.jsonl")
    else:
        mongo = MongoViewAnalytics(request.getfixturevalue("mongo_url"), f"db{new_id()[-8:]}", timeout_ms=ANSWER_MS)
        yield mongo
        await mongo.close()


def a_link(organization_id: str = "") -> ShareLink:
    deck = Presentation.create(organization_id or new_id(), "Deck", GenerationParameters(slide_count=3))
    return ShareLink.create(deck, by="anna")[0]


def a_view(link: ShareLink, viewer: str, seen: list[int], seconds: list[float]) -> list[ViewEvent]:
    opened = ViewEvent.opened(link, viewer_id=viewer, slide_count=3, referrer="https://mail.example.com/x?y")
    report = ViewEvent.reported(
        link, opened.view_id, slides_seen=seen, seconds_per_slide=seconds, viewer_id=viewer, slide_count=3
    )
    return [opened, report]


async def test_views_add_up_per_presentation_and_per_link(analytics: ViewAnalytics) -> None:
    link = a_link()
    second = ShareLink(new_id(), link.organization_id, link.presentation_id, "h", "p", "anna")
    for event in a_view(link, "v1", [1, 2, 3], [5, 4, 3]) + a_view(link, "v1", [1], [2]) + a_view(second, "v2", [], []):
        await analytics.record(event)
    await analytics.record(a_view(a_link(), "v9", [1], [1])[0])  # another tenant's deck
    summary = await analytics.summary(link.organization_id, link.presentation_id)
    assert (summary.views, summary.unique_viewers, summary.completion_rate) == (3, 2, round(1 / 3, 4))
    assert summary.average_seconds_per_slide == round((5 + 4 + 3 + 2) / 4, 4)
    assert [(s.number, s.views) for s in summary.slides] == [(1, 2), (2, 1), (3, 1)]
    only_second = await analytics.summary(link.organization_id, link.presentation_id, second.id)
    assert (only_second.views, only_second.unique_viewers) == (1, 1)
    assert (await analytics.summary(new_id(), link.presentation_id)).views == 0  # scoped to the organization


async def test_an_event_recorded_twice_counts_once(analytics: ViewAnalytics) -> None:
    link = a_link()
    events = a_view(link, "v1", [1], [2])
    for event in events + events:
        await analytics.record(event)
    summary = await analytics.summary(link.organization_id, link.presentation_id)
    assert (summary.views, summary.average_seconds_per_slide) == (1, 2.0)


async def test_events_are_stored_in_presentation_analytics_with_their_id(mongo_url: str) -> None:
    database = f"db{new_id()[-8:]}"
    sink = MongoViewAnalytics(mongo_url, database, timeout_ms=ANSWER_MS)
    link = a_link()
    opened = a_view(link, "v1", [1], [1])[0]
    try:
        await sink.record(opened)
        client: Any = pymongo.MongoClient(mongo_url)
        stored = client[database][COLLECTION].find_one({"_id": opened.id})
        client.close()
        assert stored is not None
        assert (stored["share_id"], stored["viewer_id"], stored["kind"], stored["referrer"]) == (
            link.id, "v1", "opened", "https://mail.example.com/x",
        )  # fmt: skip
    finally:
        await sink.close()


async def summary_again(sink: MongoViewAnalytics, link: ShareLink) -> ViewSummary:
    """The summary, read once the sink's client has found MongoDB again after an outage."""
    found: ViewSummary | None = None

    async def reads() -> bool:
        nonlocal found
        try:
            found = await sink.summary(link.organization_id, link.presentation_id)
        except ProviderError:  # not found yet: the client looks again within half a second
            return False
        return True

    await until(reads, "the sink reading MongoDB again")
    assert found is not None
    return found


async def test_events_wait_in_redis_while_mongodb_is_down_still_count_and_arrive_once(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    mongo.start()
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoViewAnalytics(
        mongo.url, "analytics", redis_url=REDIS_URL, timeout_ms=500, answer_timeout_ms=ANSWER_MS, outage_s=0
    )
    plain.delete(sink.buffer_key)
    link = a_link()
    try:
        first = a_view(link, "v1", [1, 2, 3], [1, 1, 1])
        for event in first:
            await sink.record(event)
        mongo.kill()  # MongoDB goes away (and comes back empty: it kept everything in memory)
        later = a_view(link, "v2", [1], [1]) + a_view(link, "v3", [1], [1])
        for event in later:
            await sink.record(event)  # nothing fails
        assert plain.llen(sink.buffer_key) == 4
        with pytest.raises(ProviderError):  # no summary without MongoDB: it would undercount
            await sink.summary(link.organization_id, link.presentation_id)
        mongo.start()
        summary = await summary_again(sink, link)  # reading moved the buffer in first
        assert (summary.views, summary.unique_viewers) == (2, 2)  # the two views kept while it was down
        assert plain.llen(sink.buffer_key) == 0
        client: Any = pymongo.MongoClient(mongo.url)
        stored = sorted(d["_id"] for d in client["analytics"][COLLECTION].find({"share_id": link.id}))
        client.close()
        assert stored == sorted(e.id for e in later)  # each once
        assert await sink.flush() == 0
    finally:
        await sink.close()
        plain.close()
        mongo.stop()


async def test_within_the_outage_window_buffered_events_count_and_a_flush_moves_them(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoViewAnalytics(
        mongo.url, "outage", redis_url=REDIS_URL, timeout_ms=500, answer_timeout_ms=ANSWER_MS, outage_s=600
    )
    plain.delete(sink.buffer_key)
    link = a_link()
    try:
        await sink.record(a_view(link, "v1", [], [])[0])  # MongoDB is not up: the buffer; the window opens
        mongo.start()
        await sink.record(a_view(link, "v2", [], [])[0])  # within the window: not even tried
        assert plain.llen(sink.buffer_key) == 2

        async def counted() -> bool:
            try:
                return (await sink.summary(link.organization_id, link.presentation_id)).views == 2
            except ProviderError:
                return False

        await until(counted, "the summary counting what waits in Redis")
        assert plain.llen(sink.buffer_key) == 2  # the window is open still: nothing moved
        assert await sink.flush() == 2
        assert plain.llen(sink.buffer_key) == 0
        assert (await sink.summary(link.organization_id, link.presentation_id)).views == 2
        other = MongoViewAnalytics(mongo.url, "another-database", redis_url=REDIS_URL)
        assert other.buffer_key != sink.buffer_key  # deployments sharing a Redis keep their events apart
        await other.close()
    finally:
        await sink.close()
        plain.close()
        mongo.stop()


async def test_two_processes_flushing_at_once_move_every_event_once(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    mongo.start()
    plain = redis.Redis.from_url(REDIS_URL)
    first, second = (MongoViewAnalytics(mongo.url, "race", redis_url=REDIS_URL, timeout_ms=ANSWER_MS) for _ in range(2))
    plain.delete(first.buffer_key)
    link = a_link()
    try:
        events = [e for n in range(20) for e in a_view(link, f"v{n}", [1], [1])]
        for event in events:
            plain.rpush(first.buffer_key, orjson.dumps(document(event)))
        moved = await asyncio.gather(first.flush(), second.flush())
        assert sum(moved) >= 40
        summary = await first.summary(link.organization_id, link.presentation_id)
        assert (summary.views, summary.unique_viewers) == (20, 20)
        client: Any = pymongo.MongoClient(mongo.url)
        assert client["race"][COLLECTION].count_documents({"share_id": link.id}) == 40
        client.close()
        assert plain.llen(first.buffer_key) == 0
    finally:
        await first.close()
        await second.close()
        plain.close()
        mongo.stop()


async def test_while_redis_is_down_too_events_wait_in_the_process_and_arrive(
    tmp_path: Path, refusing_port: int
) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    sink = MongoViewAnalytics(
        mongo.url, "no-redis", redis_url=f"redis://127.0.0.1:{refusing_port}/0", timeout_ms=500,
        answer_timeout_ms=ANSWER_MS, outage_s=0,
    )  # fmt: skip
    link = a_link()
    try:
        for event in a_view(link, "v1", [1], [3]):
            await sink.record(event)  # neither MongoDB nor Redis: held in this process
        mongo.start()
        summary = await summary_again(sink, link)
        assert (summary.views, summary.average_seconds_per_slide) == (1, 3.0)
        assert await sink.flush() == 0
    finally:
        await sink.close()
        mongo.stop()


async def test_a_line_torn_by_a_crash_loses_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "analytics.jsonl"
    sink = JsonLinesViewAnalytics(path)
    link = a_link()
    for event in a_view(link, "v1", [1], [1]):
        await sink.record(event)
    with path.open("ab") as handle:
        handle.write(b'{"_id": "torn", "organization_id": \n')
    await sink.record(a_view(link, "v2", [], [])[0])
    assert (await sink.summary(link.organization_id, link.presentation_id)).views == 2
