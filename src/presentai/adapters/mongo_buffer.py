"""Inserts into a MongoDB collection that never lose a document: while MongoDB is down they wait in a
Redis LIST (without Redis, in this process), and move, oldest first and each once, when it is back.
Generation traces and share views both go through it."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from typing import Any

import orjson

log = logging.getLogger("presentai.mongo")
OUTAGE_S = 30.0  # after MongoDB fails, documents go straight to the buffer this long before it is tried again


def buffer_key(url: str, database: str, collection: str) -> str:
    """The Redis LIST of one destination: deployments sharing a Redis never move each other's documents."""
    digest = hashlib.sha256(f"{url}\n{database}".encode()).hexdigest()[:16]
    return f"{collection}:buffer:{digest}"


class BufferedInserts:
    """Inserts documents (each with its own ``_id``, so a repeated insert is a no-op) into ``collection``.

    Calls block: run them in a thread, one at a time per instance. After a failure MongoDB is left
    alone for ``outage_s``, so that a request does not wait out a connection timeout each time.
    """

    def __init__(
        self, collection: Any, redis: Any, key: str, *, outage_s: float = OUTAGE_S, what: str = "documents"
    ) -> None:
        self._what = what  # what the documents are, for the logs
        self._collection = collection
        self._redis = redis
        self.key = key
        self._local: list[bytes] = []
        self._outage_s = outage_s
        self._down_until = 0.0

    @property
    def down(self) -> bool:
        """Whether MongoDB failed within the last ``outage_s``."""
        return time.monotonic() < self._down_until

    def insert(self, document: dict[str, Any]) -> None:
        """Store the document, or buffer it (what waits goes in first)."""
        from pymongo.errors import PyMongoError

        payload = orjson.dumps(document)
        if self.down:
            self._push(payload)
            return
        try:
            self.flush()
            self._insert(document)
        except PyMongoError as error:
            self._failed(error)
            self._push(payload)

    def flush(self, *, force: bool = False) -> int:
        """Move what waits into MongoDB (``force``: even within the outage window); how many moved.

        Raises ``PyMongoError`` while MongoDB is down; what waits stays, in order."""
        from pymongo.errors import PyMongoError

        if force:
            self._down_until = 0.0
        try:
            return self._flush()
        except PyMongoError as error:
            self._failed(error)
            raise

    def waiting(self) -> list[dict[str, Any]]:
        """The documents in the buffer now (to count them before they reach MongoDB)."""
        payloads = list(self._local)
        if self._redis is not None:
            from redis.exceptions import RedisError

            try:
                payloads += list(self._redis.lrange(self.key, 0, -1))
            except RedisError as error:
                log.warning("Redis is unavailable; the %s buffered there are not counted: %s", self._what, error)
        return [orjson.loads(p) for p in payloads]

    def _failed(self, error: Exception) -> None:
        log.warning("MongoDB is unavailable; %s wait in the buffer for %.0f s: %s", self._what, self._outage_s, error)
        self._down_until = time.monotonic() + self._outage_s

    def _insert(self, document: dict[str, Any]) -> None:
        from pymongo.errors import DuplicateKeyError

        with contextlib.suppress(DuplicateKeyError):  # stored before the connection dropped: once is enough
            self._collection.insert_one(document)

    def _push(self, payload: bytes) -> None:
        if self._redis is not None:
            from redis.exceptions import RedisError

            try:
                self._redis.rpush(self.key, payload)
                return
            except RedisError as error:
                log.warning("Redis is unavailable too; %s wait in this process: %s", self._what, error)
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
                payload = self._redis.lindex(self.key, 0)
            except RedisError as error:  # what Redis holds waits there
                log.warning("Redis is unavailable; the %s buffered there wait for it: %s", self._what, error)
                return moved
            if payload is None:
                return moved
            self._insert(orjson.loads(payload))  # raises while MongoDB is down: it stays first in line
            moved += 1
            try:
                # This very payload: another process flushing at once may have taken it already.
                self._redis.lrem(self.key, 1, payload)
            except RedisError as error:  # first in line still: inserted again next time, a no-op (same _id)
                log.warning("Redis is unavailable; the %s buffered there wait for it: %s", self._what, error)
                return moved
