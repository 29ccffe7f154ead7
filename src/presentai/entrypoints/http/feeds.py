"""Fan-out of job streams to WebSocket subscribers: one shared reader per job per process."""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from presentai.domain.errors import ProviderError
from presentai.domain.jobs import Job, event_order
from presentai.entrypoints.http.keys import CONTAINER

if TYPE_CHECKING:
    from presentai.entrypoints.http.ws import Connection

log = logging.getLogger("presentai.ws")
_BLOCK_MS = 15_000
_KEEP_S = 60.0  # a job's feed outlives its last subscriber (or its last event) by this long
_PUSH_BELOW_BYTES = 16 * 1024  # a client with less than this unsent is written to without waiting


class Feed:
    """One reader of a job's stream per process, shared by every subscriber to that job here.

    It reads the stream from its start (a job's stream is short: a few events per slide) and keeps
    each event encoded once, as the message every client gets. New events are written by the feed
    itself to each subscriber that is keeping up; a subscriber replaying older events, or whose
    client reads slowly, sends with its own task until it has caught up. So 500 clients watching one
    job cost one blocking read on Redis and one JSON encoding per event, and no task switch per client.
    """

    def __init__(self, events: Any, job: Job, evict: Any) -> None:
        self.orders: list[tuple[int, int]] = []
        self.messages: list[bytes] = []
        self.end = -1  # the position of the job's last event, once read
        self.live: set[Subscription] = set()
        self.subscribers = 0
        self._events = events
        self._job = job
        self._idle_since = time.monotonic()
        self._task = asyncio.create_task(self._run(evict))

    async def _run(self, evict: Any) -> None:
        try:
            await self._read()
            while self.subscribers or time.monotonic() - self._idle_since < _KEEP_S:
                await asyncio.sleep(_KEEP_S / 4)  # late subscribers still get the finished job from memory
        finally:
            evict()

    def watched(self, delta: int) -> None:
        self.subscribers += delta
        if not self.subscribers:
            self._idle_since = time.monotonic()

    async def _read(self) -> None:
        last, after = self._job.kind.final_events, "0"
        while self.end < 0:
            if not self.subscribers and time.monotonic() - self._idle_since > _KEEP_S:
                return  # nobody watches any more
            try:
                found = await self._events.read(self._job.id, after, block_ms=_BLOCK_MS)
            except ProviderError:
                await asyncio.sleep(1)  # Redis is restarting: keep the place and try again
                continue
            for event_id, event in found:
                if self.end >= 0:
                    break
                after = event_id
                self.orders.append(event_order(event_id))
                self.messages.append(orjson.dumps({**event, "job_id": self._job.id, "id": event_id}))
                if event.get("type") in last:
                    self.end = len(self.messages) - 1
            if found:
                await self._push()

    async def _push(self) -> None:
        """Write the new events to every subscriber that keeps up; wake the others' tasks."""
        for subscription in list(self.live):
            if subscription not in self.live:
                continue  # it ended while an earlier one was written to
            if not subscription.keeps_up():
                subscription.wake()
                continue
            try:
                while subscription.position < len(self.messages) and subscription in self.live:
                    await subscription.send_next()  # returns at once: the client's buffer has room
            except ConnectionError:
                subscription.wake()  # its task sees the closed socket and ends
            except Exception:
                log.exception("streaming job %s failed", self._job.id)
                subscription.wake()

    def position_after(self, event_id: str) -> int:
        """The position of the first event after ``event_id`` (``0``: from the start)."""
        return 0 if event_id == "0" else bisect.bisect_right(self.orders, event_order(event_id))

    def close(self) -> None:
        self._task.cancel()


class Subscription:
    """One client's subscription to one job: the position of the next event it gets.

    Its task sends what the client missed, then leaves the new events to the feed and sleeps until
    the feed wakes it: when the client falls behind, its connection fails, or the job has ended.
    """

    def __init__(self, connection: Connection, job: Job, after: str) -> None:
        self.connection = connection
        self.job = job
        self.position = 0
        self.ended = False
        self._woken: asyncio.Future[None] | None = None
        self._feed: Feed | None = None
        self.task = asyncio.create_task(self._run(after))

    def keeps_up(self) -> bool:
        transport = self.connection.request.transport
        return (
            not self.connection.socket.closed
            and transport is not None
            and transport.get_write_buffer_size() < _PUSH_BELOW_BYTES
        )

    async def send_next(self) -> None:
        assert self._feed is not None
        position = self.position
        self.position += 1
        if position == self._feed.end:
            self.ended = True
            self.wake()
        await self.connection.send_encoded(self._feed.messages[position])

    def wake(self) -> None:
        """Hand the subscription back to its task."""
        if self._feed is not None:
            self._feed.live.discard(self)
        if self._woken is not None and not self._woken.done():
            self._woken.set_result(None)

    def cancel(self) -> None:
        """Stop at once: the feed writes nothing more to it."""
        self.ended = True
        self.wake()
        self.task.cancel()

    async def _run(self, after: str) -> None:
        try:
            event_order(after)
        except ValueError:
            await self.connection.error("bad_request", f"{after!r} is not an event id", job_id=self.job.id)
            return
        feed = self._feed = await feed_for(self.connection.request, self.job)
        feed.watched(+1)
        self.position = feed.position_after(after)
        try:
            while not self.ended and not self.connection.socket.closed:
                while self.position < len(feed.messages) and not self.ended:
                    await self.send_next()
                if self.ended:
                    return
                self._woken = asyncio.get_running_loop().create_future()
                feed.live.add(self)
                await self._woken
        except asyncio.CancelledError:
            raise
        except ConnectionError:
            pass  # the client went away
        except Exception:
            log.exception("streaming job %s failed", self.job.id)
        finally:
            feed.live.discard(self)
            feed.watched(-1)
            if self.connection.streams.get(self.job.id) is self:
                del self.connection.streams[self.job.id]


FEEDS = web.AppKey("ws_feeds", dict)


async def feed_for(request: web.Request, job: Job) -> Feed:
    feeds: dict[str, Feed] = request.app[FEEDS]
    feed = feeds.get(job.id)
    if feed is None:
        feed = feeds[job.id] = Feed(request.app[CONTAINER].events(), job, lambda: feeds.pop(job.id, None))
    return feed
