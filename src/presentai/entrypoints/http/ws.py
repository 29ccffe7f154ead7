"""The WebSocket (/ws): a job's progress events, replayed from the last id a client saw, then live.

Protocol (the spec's): authenticate with ``?token=<access token>`` or a first message
``{"type": "auth", "token": …}``; then ``subscribe {job_id, last_event_id?}``, ``unsubscribe {job_id}``
and ``ping`` (every 30 s; answered with ``pong``). Every event carries its ``id``; a client that
reconnects and subscribes with the last id it saw gets every later event exactly once, in order.
A job of an organization the caller does not belong to is ``not_found``. A connection silent for
longer than the idle timeout is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from presentai.domain.errors import PresentAIError, ProviderError, Unauthorized
from presentai.domain.jobs import Job, event_order
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS
from presentai.services.auth import Principal

log = logging.getLogger("presentai.ws")
routes = web.RouteTableDef()

CLOSE_UNAUTHORIZED = 4401
CLOSE_IDLE = 4408
_AUTH_WAIT_S = 10.0
_BLOCK_MS = 15_000
_KEEP_S = 60.0  # a job's feed outlives its last subscriber (or its last event) by this long


class _Feed:
    """One reader of a job's stream per process, shared by every subscriber to that job here.

    It reads the stream from its start (a job's stream is short: a few events per slide), keeps the
    events, and wakes the subscribers; each sends the events after its own last id. So 500 clients
    watching one job cost one blocking read on Redis, not 500.
    """

    def __init__(self, events: Any, job: Job, evict: Any) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []
        self.finished = False
        self.subscribers = 0
        self.changed = asyncio.Condition()
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
        while not self.finished:
            if not self.subscribers and time.monotonic() - self._idle_since > _KEEP_S:
                return  # nobody watches any more
            try:
                found = await self._events.read(self._job.id, after, block_ms=_BLOCK_MS)
            except ProviderError:
                await asyncio.sleep(1)  # Redis is restarting: keep the place and try again
                continue
            if found:
                after = found[-1][0]
                self.items.extend(found)
                self.finished = any(e.get("type") in last for _, e in found)
                async with self.changed:
                    self.changed.notify_all()

    def after(self, event_id: str) -> list[tuple[str, dict[str, Any]]]:
        if event_id == "0":
            return list(self.items)
        mark = event_order(event_id)
        return [(i, e) for i, e in self.items if event_order(i) > mark]

    def close(self) -> None:
        self._task.cancel()


_FEEDS = web.AppKey("ws_feeds", dict)


async def _feed(request: web.Request, job: Job) -> _Feed:
    feeds: dict[str, _Feed] = request.app[_FEEDS]
    feed = feeds.get(job.id)
    if feed is None:
        feed = feeds[job.id] = _Feed(request.app[CONTAINER].events(), job, lambda: feeds.pop(job.id, None))
    return feed


class _Connection:
    def __init__(self, request: web.Request, socket: web.WebSocketResponse, caller: Principal) -> None:
        self.request = request
        self.socket = socket
        self.caller = caller
        self.streams: dict[str, asyncio.Task[None]] = {}
        self.sending = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.sending:
            if not self.socket.closed:
                await self.socket.send_str(orjson.dumps(message).decode())

    async def error(self, code: str, message: str, **extra: Any) -> None:
        await self.send({"type": "error", "error": code, "message": message, **extra})

    async def subscribe(self, job_id: str, last_event_id: str) -> None:
        job = await self._visible_job(job_id)
        if job is None:
            await self.error("not_found", f"no job {job_id}", job_id=job_id)
            return
        if job_id in self.streams:
            self.streams.pop(job_id).cancel()
        await self.send({"type": "subscribed", "job_id": job_id})
        self.streams[job_id] = asyncio.create_task(self._stream(job, last_event_id or "0"))

    async def unsubscribe(self, job_id: str) -> None:
        task = self.streams.pop(job_id, None)
        if task is not None:
            task.cancel()
        await self.send({"type": "unsubscribed", "job_id": job_id})

    async def _visible_job(self, job_id: str) -> Job | None:
        job = await self.request.app[CONTAINER].events().job(job_id)
        if job is None:
            return None
        membership = await self.request.app[ORGANIZATIONS].membership(job.organization_id, self.caller.user_id)
        return job if membership is not None else None

    async def _stream(self, job: Job, after: str) -> None:
        try:
            event_order(after)
        except ValueError:
            await self.error("bad_request", f"{after!r} is not an event id", job_id=job.id)
            return
        feed = await _feed(self.request, job)
        feed.watched(+1)
        last = job.kind.final_events
        try:
            while not self.socket.closed:
                for event_id, event in feed.after(after):
                    await self.send({**event, "job_id": job.id, "id": event_id})
                    after = event_id
                    if event.get("type") in last:
                        return
                async with feed.changed:
                    if not feed.after(after):
                        await feed.changed.wait()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("streaming job %s failed", job.id)
        finally:
            feed.watched(-1)
            if self.streams.get(job.id) is asyncio.current_task():
                del self.streams[job.id]

    async def close(self) -> None:
        for task in self.streams.values():
            task.cancel()
        await asyncio.gather(*self.streams.values(), return_exceptions=True)


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    """Live job progress."""
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    idle = request.app[CONTAINER].settings().ws_idle_timeout_s
    caller = await _authenticate(request, socket)
    if caller is None:
        return socket
    connection = _Connection(request, socket, caller)
    await connection.send({"type": "authenticated", "user_id": caller.user_id})
    try:
        while not socket.closed:
            try:
                message = await socket.receive(timeout=idle)
            except TimeoutError:
                await socket.close(code=CLOSE_IDLE, message=b"no message for too long (send ping every 30 s)")
                break
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
            if message.type is not WSMsgType.TEXT:
                await connection.error("bad_request", "messages are JSON text")
                continue
            await _handle(connection, message.data)
    finally:
        await connection.close()
    return socket


async def _handle(connection: _Connection, text: str) -> None:
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        await connection.error("bad_request", "messages are JSON objects")
        return
    if not isinstance(message, dict):
        await connection.error("bad_request", "messages are JSON objects")
        return
    kind = message.get("type")
    job_id = message.get("job_id")
    if kind == "ping":
        await connection.send({"type": "pong"})
    elif kind == "subscribe" and isinstance(job_id, str) and job_id:
        last = message.get("last_event_id") or ""
        if not isinstance(last, str):
            await connection.error("bad_request", "last_event_id is a string", job_id=job_id)
            return
        try:
            await connection.subscribe(job_id, last)
        except PresentAIError as error:
            await connection.error(
                "service_unavailable" if isinstance(error, ProviderError) else error.code, str(error)
            )
    elif kind == "unsubscribe" and isinstance(job_id, str) and job_id:
        await connection.unsubscribe(job_id)
    elif kind == "auth":
        await connection.error("bad_request", "already authenticated")
    else:
        await connection.error("bad_request", "expected ping, subscribe {job_id} or unsubscribe {job_id}")


async def _authenticate(request: web.Request, socket: web.WebSocketResponse) -> Principal | None:
    token = request.query.get("token", "")
    if not token:
        with contextlib.suppress(TimeoutError):
            first = await socket.receive(timeout=_AUTH_WAIT_S)
            if first.type is WSMsgType.TEXT:
                with contextlib.suppress(orjson.JSONDecodeError):
                    message = orjson.loads(first.data)
                    if isinstance(message, dict) and message.get("type") == "auth":
                        token = str(message.get("token") or "")
    try:
        if not token:
            raise Unauthorized("authenticate with ?token= or a first message {type: auth, token}")
        return await request.app[AUTHENTICATOR].authenticate(token)
    except Unauthorized as error:
        await socket.send_str(orjson.dumps({"type": "error", "error": "unauthorized", "message": str(error)}).decode())
        await socket.close(code=CLOSE_UNAUTHORIZED, message=b"unauthorized")
        return None


def install(app: web.Application) -> None:
    """Add /ws with its per-process job feeds (closed with the app)."""
    app[_FEEDS] = {}
    app.add_routes(routes)

    async def close_feeds(app: web.Application) -> None:
        for feed in app[_FEEDS].values():
            feed.close()

    app.on_cleanup.append(close_feeds)
