"""Trace sinks: MongoDB ``generation_traces`` (pymongo) with a Redis LIST buffer while MongoDB is down,
and a JSON-lines file for the embedded mode."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import orjson

from presentai.adapters.mongo_buffer import OUTAGE_S, BufferedInserts
from presentai.adapters.mongo_buffer import buffer_key as mongo_buffer_key
from presentai.domain.tracing import GenerationTrace

log = logging.getLogger("presentai.traces")
COLLECTION = "generation_traces"


def buffer_key(url: str, database: str) -> str:
    """The Redis LIST that holds traces for this MongoDB database while it is down: one per destination,
    so that deployments sharing a Redis never move each other's traces."""
    return mongo_buffer_key(url, database, COLLECTION)


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
        self._collection = self._client[database][COLLECTION]
        self._redis: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        self.buffer_key = buffer_key(url, database)
        self._buffer = BufferedInserts(self._collection, self._redis, self.buffer_key, outage_s=outage_s, what="traces")
        self._lock = asyncio.Lock()

    async def record(self, trace: GenerationTrace) -> None:
        """Store the trace, or buffer it."""
        async with self._lock:
            await asyncio.to_thread(self._buffer.insert, _document(trace))

    async def flush(self) -> int:
        """Move what is buffered into MongoDB (now, whatever the last failure); how many traces moved."""
        async with self._lock:
            return await asyncio.to_thread(self._buffer.flush, force=True)

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
