"""View analytics: MongoDB ``presentation_analytics`` with a Redis LIST buffer while MongoDB is down,
and a JSON-lines file in the workspace for the embedded mode."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import cattrs
import orjson

from presentai.adapters.mongo_buffer import OUTAGE_S, BufferedInserts, buffer_key
from presentai.domain.analytics import ViewEvent, ViewSummary, summarize
from presentai.domain.errors import ProviderError

COLLECTION = "presentation_analytics"
# The BSON (and JSON-lines) shape of an event, private to this adapter; no per-field error collection
# (detailed_validation): the documents are our own writes, and structuring is a summary's main cost.
_documents = cattrs.Converter(detailed_validation=False)
_documents.register_unstructure_hook(datetime, lambda value: value.isoformat())
_documents.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(str(value)))
# Stored by our own writes: slide numbers and seconds are read as they are (a summary reads every event).
_documents.register_structure_hook_func(
    lambda kind: kind in (tuple[int, ...], tuple[float, ...]), lambda values, _: tuple(values)
)


def document(event: ViewEvent) -> dict[str, Any]:
    """The stored shape of an event: its id as ``_id``, the time as ISO 8601 text."""
    stored: dict[str, Any] = _documents.unstructure(event)
    stored["_id"] = stored.pop("id")
    return stored


def _event(stored: dict[str, Any]) -> ViewEvent:
    fields = {k: v for k, v in stored.items() if k != "_id"}
    return _documents.structure({**fields, "id": str(stored["_id"])}, ViewEvent)


def _query(organization_id: str, presentation_id: str, share_id: str) -> dict[str, str]:
    query = {"organization_id": organization_id, "presentation_id": presentation_id}
    return query | {"share_id": share_id} if share_id else query


def _matches(stored: dict[str, Any], query: dict[str, str]) -> bool:
    return all(stored.get(k) == v for k, v in query.items())


class MongoViewAnalytics:
    """Inserts each event with its id as ``_id``; while MongoDB cannot be reached, events wait in a Redis
    LIST (``buffer_key``; without Redis, a list in this process) and move, oldest first, on the next
    record or summary once MongoDB is back. A summary counts what waits in the buffer too."""

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
        self.buffer_key = buffer_key(url, database, COLLECTION)
        self._buffer = BufferedInserts(
            self._collection, self._redis, self.buffer_key, outage_s=outage_s, what="view events"
        )
        self._lock = asyncio.Lock()

    async def record(self, event: ViewEvent) -> None:
        """Store the event, or buffer it."""
        async with self._lock:
            await asyncio.to_thread(self._buffer.insert, document(event))

    async def flush(self) -> int:
        """Move what is buffered into MongoDB now, whatever the last failure; how many events moved."""
        async with self._lock:
            return await asyncio.to_thread(self._buffer.flush, force=True)

    async def summary(self, organization_id: str, presentation_id: str, share_id: str = "") -> ViewSummary:
        """The events in MongoDB and those still waiting in the buffer, added up; ``ProviderError`` while
        MongoDB is down (a summary of the buffer alone would undercount)."""
        from pymongo.errors import PyMongoError

        query = _query(organization_id, presentation_id, share_id)
        try:
            if not self._buffer.down:
                async with self._lock:  # move what waits first, unless MongoDB failed just now
                    await asyncio.to_thread(self._buffer.flush)
            found = await asyncio.to_thread(self._read, query)  # not under the lock: views go on meanwhile
        except PyMongoError as error:
            raise ProviderError(
                "view analytics are unavailable while MongoDB is down; try again shortly", "mongodb"
            ) from error
        return summarize(found.values())

    def _read(self, query: dict[str, str]) -> dict[str, ViewEvent]:
        # The buffer before MongoDB: an event moved in between is then read twice (and kept once),
        # where the other order could miss it.
        waiting = [d for d in self._buffer.waiting() if _matches(d, query)]
        events = {str(d["_id"]): _event(d) for d in self._collection.find(query)}
        for stored in waiting:
            events.setdefault(str(stored["_id"]), _event(stored))
        return events

    async def close(self) -> None:
        """Close the connections."""
        self._client.close()
        if self._redis is not None:
            self._redis.close()


class JsonLinesViewAnalytics:
    """Appends each event as a line of a file in the workspace (the embedded default, no servers)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = asyncio.Lock()

    async def record(self, event: ViewEvent) -> None:
        """Append the event."""
        line = orjson.dumps(document(event)) + b"\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("ab") as handle:
            handle.write(line)

    async def summary(self, organization_id: str, presentation_id: str, share_id: str = "") -> ViewSummary:
        """The file's events of the presentation (or link), added up; an event written twice counts once."""
        if not self._path.exists():
            return summarize([])
        data = await asyncio.to_thread(self._path.read_bytes)
        query = _query(organization_id, presentation_id, share_id)
        events: dict[str, ViewEvent] = {}
        for line in data.splitlines():
            try:
                stored = orjson.loads(line)
            except orjson.JSONDecodeError:  # blank, or a line torn by a crash mid-write
                continue
            if _matches(stored, query):
                events.setdefault(str(stored["_id"]), _event(stored))
        return summarize(events.values())
