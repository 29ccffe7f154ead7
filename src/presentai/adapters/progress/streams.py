"""Job event streams: Redis Streams (``gen_progress:{job_id}``) for the service, an in-process twin for
the embedded mode with the same ids and semantics; and the ProgressSink that writes into them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from typing import Any

import attrs
import orjson

from presentai.domain.errors import NotFound, ProviderError
from presentai.domain.events import ProgressEvent
from presentai.domain.jobs import Job, event_order
from presentai.ports.jobs import EventStream

log = logging.getLogger("presentai.progress")
STREAM_TTL_SECONDS = 24 * 60 * 60  # a client may resume a day-old job; then the stream goes


def _order(event_id: str) -> tuple[int, int]:
    try:
        return event_order(event_id)
    except ValueError:
        raise NotFound.of("event", event_id) from None


def event_body(event: ProgressEvent) -> dict[str, Any]:
    """The WebSocket shape of an event: its type and fields."""
    return {"type": event.type, **attrs.asdict(event, recurse=True)}


class InProcessEventStream:
    """Streams in memory, with Redis-style ids ``<ms>-<seq>``; readers wait for the next append.

    Every append sets the current ``asyncio.Event`` and puts a fresh one in its place. (An
    ``asyncio.Condition`` shared by many readers deadlocked on Python 3.11 when all of them were
    cancelled at once, as at shutdown: its lock is re-acquired under cancellation, and the service
    never finished stopping.)
    """

    def __init__(self) -> None:
        self._events: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self._jobs: dict[str, Job] = {}
        self._last = (0, 0)
        self._changed = asyncio.Event()

    async def register(self, job: Job) -> None:
        """Remember the job."""
        self._jobs[job.id] = job

    async def job(self, job_id: str) -> Job | None:
        """The registered job."""
        return self._jobs.get(job_id)

    async def append(self, job_id: str, event: Mapping[str, Any]) -> str:
        """Add an event with the next id."""
        now = time.time_ns() // 1_000_000
        self._last = (now, 0) if now > self._last[0] else (self._last[0], self._last[1] + 1)
        event_id = f"{self._last[0]}-{self._last[1]}"
        self._events.setdefault(job_id, []).append((event_id, dict(event)))
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        return event_id

    async def read(
        self, job_id: str, after: str = "0", *, block_ms: int = 0, count: int = 100
    ) -> list[tuple[str, dict[str, Any]]]:
        """Events after ``after``, waiting up to ``block_ms`` for the first."""
        start = _order(after)
        deadline = time.monotonic() + block_ms / 1000
        while True:
            changed = self._changed  # taken before looking, so an append in between is not missed
            found = [(i, dict(e)) for i, e in self._events.get(job_id, []) if _order(i) > start][:count]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)


class RedisEventStream:
    """``XADD``/``XREAD`` on ``gen_progress:{job_id}``; the job's owner in the hash ``job:{job_id}``."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        from presentai.adapters.redis_options import reconnecting

        self._redis = redis.from_url(url, **reconnecting(), socket_connect_timeout=2, decode_responses=True)

    async def _call(self, operation: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await operation
        except RedisError as error:
            raise ProviderError(f"Redis is unreachable for job progress: {error}", "redis") from error

    async def register(self, job: Job) -> None:
        """Store the job's owner for a day."""
        fields: dict[Any, Any] = job.fields()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"job:{job.id}", mapping=fields)
            pipe.expire(f"job:{job.id}", STREAM_TTL_SECONDS)
            await self._call(pipe.execute())

    async def job(self, job_id: str) -> Job | None:
        """The registered job."""
        fields = await self._call(self._redis.hgetall(f"job:{job_id}"))
        return Job.from_fields(fields) if fields else None

    async def append(self, job_id: str, event: Mapping[str, Any]) -> str:
        """``XADD`` the event as JSON; the stream lives a day after its last event."""
        key = f"gen_progress:{job_id}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(key, {"data": orjson.dumps(dict(event)).decode()})
            pipe.expire(key, STREAM_TTL_SECONDS)
            event_id, _ = await self._call(pipe.execute())
        return str(event_id)

    async def read(
        self, job_id: str, after: str = "0", *, block_ms: int = 0, count: int = 100
    ) -> list[tuple[str, dict[str, Any]]]:
        """``XREAD [BLOCK ms] STREAMS gen_progress:{job_id} after``."""
        _order(after)  # an id that is not one is NotFound, not a Redis error
        found = await self._call(
            self._redis.xread({f"gen_progress:{job_id}": after}, count=count, block=block_ms or None)
        )
        return [(str(i), orjson.loads(f["data"])) for _, entries in found or [] for i, f in entries]

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


class StreamProgressSink:
    """A ProgressSink that appends each event to its job's stream.

    A stream that cannot be written (Redis restarting) is retried for a few seconds; after that the
    event is logged and dropped: the work itself goes on, and the presentation's state is in the
    database for any client that reloads.
    """

    def __init__(self, stream: EventStream, *, attempts: int = 6, first_wait_s: float = 0.1) -> None:
        self._stream = stream
        self._attempts = attempts
        self._first_wait = first_wait_s

    async def publish(self, event: ProgressEvent) -> None:
        """Append the event, retrying with backoff."""
        wait = self._first_wait
        for attempt in range(self._attempts):
            try:
                await self._stream.append(event.job_id, event_body(event))
                return
            except ProviderError as error:
                if attempt == self._attempts - 1:
                    log.warning("progress event %s of job %s was lost: %s", event.type, event.job_id, error)
                    return
                await asyncio.sleep(wait)
                wait *= 2
