"""A worker's maintenance moves what waited in Redis while MongoDB was down: generation traces and share views."""

from __future__ import annotations

import os
from pathlib import Path

import pymongo
import redis

from presentai.adapters.analytics.sinks import COLLECTION, MongoViewAnalytics
from presentai.config import Settings
from presentai.domain.ids import new_id
from presentai.entrypoints.worker import flush_buffers
from tests.conftest import MongoServer
from tests.contract.test_view_analytics_contract import ANSWER_MS, a_link, a_view

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def test_the_worker_moves_share_views_buffered_in_redis_into_mongodb(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    database = f"drain{new_id()[-8:]}"
    plain = redis.Redis.from_url(REDIS_URL)
    sink = MongoViewAnalytics(
        mongo.url, database, redis_url=REDIS_URL, timeout_ms=500, answer_timeout_ms=ANSWER_MS, outage_s=600
    )
    plain.delete(sink.buffer_key)
    opened = a_view(a_link(), "v1", [], [])[0]
    try:
        await sink.record(opened)  # MongoDB is down: the event waits in Redis, and nobody views the deck again
        await sink.close()
        assert plain.llen(sink.buffer_key) == 1
        mongo.start()
        stores = {"mongo_url": mongo.url, "mongo_database": database, "redis_url": REDIS_URL}
        settings = Settings(workspace=tmp_path / "ws", **stores)
        assert await flush_buffers(settings) == (0, 1)
        assert plain.llen(sink.buffer_key) == 0
        with pymongo.MongoClient(mongo.url, serverSelectionTimeoutMS=ANSWER_MS) as client:
            stored = list(client[database][COLLECTION].find({}))
        assert [str(document["_id"]) for document in stored] == [opened.id]
    finally:
        plain.close()
        mongo.stop()
