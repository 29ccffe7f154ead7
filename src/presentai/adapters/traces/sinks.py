"""Trace sinks: MongoDB ``generation_traces`` (pymongo) with a Redis LIST buffer while MongoDB is down,
and a JSON-lines file for the embedded mode."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import orjson

from presentai.domain.tracing import GenerationTrace

log = logging.getLogger("presentai.traces")
OUTAGE_S = 30.0  # after MongoDB fails, traces go straight to the buffer this long before it is tried again


def buffer_key(url: str, database: str) -> str:
    """The Redis LIST that holds traces for this MongoDB database while it is down: one per destination,
    so that deployments sharing a Redis never move each other's traces."""
    digest = hashlib.sha256(f"{url}\n{database}".encode()).hexdigest()[:16]
    return f"generation_traces:buffer:{digest}"


def _document(trace: GenerationTrace) -> dict[str, Any]:
    document = attrs.asdict(trace)
    document["_id"] = document.pop("id")
    document["created_at"] = trace.created_at.isoformat()
    return document


def _trace(document: dict[str, Any]) -> GenerationTrace:
    fields = {k: v for k, v in document.items() if k != "_id"}
    fields["created_at"] = datetime.fromisoformat(str(fields["created_at"]))
    return GenerationTrace(id=str(document["_id"]), **fields)


class MongoTraceSink:
    """Inserts each trace with its id as ``_id`` (a retried insert is a no-op). While MongoDB cannot be
    reached, traces go to a Redis LIST (``buffer_key``; without Redis, a list in this process); every
    later record first moves the buffer into MongoDB, oldest first.

    After a failure, MongoDB is left alone for ``outage_s`` and traces go straight to the buffer, so a
    generation does not wait out a connection timeout for every model call while MongoDB is down.

    ``timeout_ms`` is how long a record looks for MongoDB before the trace goes to the buffer;
    ``answer_timeout_ms`` how long a MongoDB that was found may take to answer (``timeout_ms`` unless
    given). A client that saw MongoDB go away looks for it again only every half second (pymongo's
    shortest heartbeat), so a record just after MongoDB returns may still buffer its trace: the next
    record, or a flush, moves it.
    """

    def __init__(
        self,
        url: str,
        database: str = "presentai",
        *,
        redis_url: str = "",
        timeout_ms: int = 2000,
        answer_timeout_ms: int | None = None,
        outage_s: float = OUTAGE_S,
    ) -> None:
        import pymongo

        answer_ms = timeout_ms if answer_timeout_ms is None else answer_timeout_ms
        self._client: Any = pymongo.MongoClient(
            url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=answer_ms, socketTimeoutMS=answer_ms
        )
        self._collection = self._client[database]["generation_traces"]
        self._redis: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        self.buffer_key = buffer_key(url, database)
        self._local: list[bytes] = []
        self._lock = asyncio.Lock()
        self._outage_s = outage_s
        self._down_until = 0.0

    async def record(self, trace: GenerationTrace) -> None:
        """Store the trace, or buffer it."""
        async with self._lock:
            await asyncio.to_thread(self._record, orjson.dumps(_document(trace)))

    async def flush(self) -> int:
        """Move what is buffered into MongoDB (now, whatever the last failure); how many traces moved."""
        async with self._lock:
            moved = await asyncio.to_thread(self._flush)
            self._down_until = 0.0
            return moved

    def _record(self, payload: bytes) -> None:
        from pymongo.errors import PyMongoError

        if time.monotonic() < self._down_until:
            self._push(payload)
            return
        try:
            self._flush()
            self._insert(orjson.loads(payload))
        except PyMongoError as error:
            log.warning("MongoDB is unavailable; traces wait in the buffer for %.0f s: %s", self._outage_s, error)
            self._down_until = time.monotonic() + self._outage_s
            self._push(payload)

    def _insert(self, document: dict[str, Any]) -> None:
        from pymongo.errors import DuplicateKeyError

        with contextlib.suppress(DuplicateKeyError):  # stored before the connection dropped: once is enough
            self._collection.insert_one(document)

    def _push(self, payload: bytes) -> None:
        if self._redis is not None:
            from redis.exceptions import RedisError

            try:
                self._redis.rpush(self.buffer_key, payload)
                return
            except RedisError as error:
                log.warning("Redis is unavailable too; the trace waits in this process: %s", error)
        self._local.append(payload)

    def _flush(self) -> int:
        moved = 0
        while self._local:
            self._insert(orjson.loads(self._local[0]))
            self._local.pop(0)
            moved += 1
        if self._redis is None:
            return moved
        from redis.exceptions import RedisError

        while True:
            try:
                payload = self._redis.lindex(self.buffer_key, 0)
            except RedisError as error:  # what Redis holds waits there; the trace being recorded goes on
                log.warning("Redis is unavailable; the traces buffered there wait for it: %s", error)
                return moved
            if payload is None:
                return moved
            self._insert(orjson.loads(payload))  # raises while MongoDB is down: the trace stays first in line
            moved += 1
            try:
                # Remove this very trace: another process flushing at the same time may have taken it
                # already, and popping blindly would drop the next one, never inserted.
                self._redis.lrem(self.buffer_key, 1, payload)
            except RedisError as error:  # still first in line: inserted again next time, a no-op (same _id)
                log.warning("Redis is unavailable; the traces buffered there wait for it: %s", error)
                return moved

    async def traces(self, organization_id: str, limit: int = 100) -> list[GenerationTrace]:
        """Newest first."""
        return await self._find({"organization_id": organization_id}, limit)

    async def recent(self, limit: int = 10_000) -> list[GenerationTrace]:
        """Every organization's, newest first."""
        return await self._find({}, limit)

    async def _find(self, query: dict[str, Any], limit: int) -> list[GenerationTrace]:
        found = await asyncio.to_thread(lambda: list(self._collection.find(query).sort("created_at", -1).limit(limit)))
        return [_trace(d) for d in found]

    async def close(self) -> None:
        """Close the connections."""
        self._client.close()
        if self._redis is not None:
            self._redis.close()


class JsonLinesTraceSink:
    """Appends each trace as a line of ``traces.jsonl`` in the workspace (the embedded default)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = asyncio.Lock()

    async def record(self, trace: GenerationTrace) -> None:
        """Append the trace."""
        line = orjson.dumps(_document(trace)) + b"\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("ab") as handle:
            handle.write(line)

    async def traces(self, organization_id: str, limit: int = 100) -> list[GenerationTrace]:
        """Newest first."""
        return [t for t in await self.recent(10**9) if t.organization_id == organization_id][:limit]

    async def recent(self, limit: int = 10_000) -> list[GenerationTrace]:
        """Every organization's, newest first."""
        if not self._path.exists():
            return []
        lines = await asyncio.to_thread(self._path.read_bytes)
        found = [_trace(orjson.loads(line)) for line in lines.splitlines() if line.strip()]
        return sorted(found, key=lambda t: t.created_at, reverse=True)[:limit]
