"""The WebSocket (/ws): a job's progress events, replayed from the last id a client saw, then live.

Protocol (the spec's): authenticate with ``?token=<access token>`` or a first message
``{"type": "auth", "token": …}``. A page of this site is also known by its session cookie, but only
when the handshake's ``Origin`` is this very site (another site's page cannot ride on the cookie).
Then ``subscribe {job_id, last_event_id?}``, ``unsubscribe {job_id}``
and ``ping`` (every 30 s; answered with ``pong``). Every event carries its ``id``; a client that
reconnects and subscribes with the last id it saw gets every later event exactly once, in order.
A job of an organization the caller does not belong to is ``not_found``. A connection silent for
longer than the idle timeout is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import urlsplit

import orjson
from aiohttp import WSMsgType, web

from presentai.domain.errors import PresentAIError, ProviderError, Unauthorized
from presentai.domain.jobs import Job
from presentai.entrypoints.http.auth import CALLER
from presentai.entrypoints.http.feeds import FEEDS, Subscription
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS
from presentai.entrypoints.http.pages import sessions
from presentai.services.auth import Principal

log = logging.getLogger("presentai.ws")
routes = web.RouteTableDef()

CLOSE_UNAUTHORIZED = 4401
CLOSE_IDLE = 4408
_AUTH_WAIT_S = 10.0


class Connection:
    def __init__(self, request: web.Request, socket: web.WebSocketResponse, caller: Principal) -> None:
        self.request = request
        self.socket = socket
        self.caller = caller
        self.streams: dict[str, Subscription] = {}
        self.ending = False  # closing because the session ended: let that close finish its handshake

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_encoded(orjson.dumps(message))

    async def send_encoded(self, message: bytes) -> None:
        # aiohttp writes each frame whole (and orders compressed ones itself): no lock of ours is needed.
        if not self.socket.closed:
            await self.socket.send_frame(message, WSMsgType.TEXT)

    async def error(self, code: str, message: str, **extra: Any) -> None:
        await self.send({"type": "error", "error": code, "message": message, **extra})

    async def session_ended(self) -> bool:
        """Whether the caller's login has ended since the socket opened (logout, logout-all, a new
        password, account deletion); if so the socket is closed with 4401 and delivers nothing more."""
        if await self.request.app[AUTHENTICATOR].session_active(self.caller):
            return False
        self.ending = True
        await self.error("unauthorized", "this session has ended; sign in again")
        await self.socket.close(code=CLOSE_UNAUTHORIZED, message=b"session ended")
        await self.close()
        return True

    async def drop_hidden(self) -> None:
        """Stop the subscriptions to jobs of organizations the caller no longer belongs to."""
        for job_id, subscription in list(self.streams.items()):
            membership = await self.request.app[ORGANIZATIONS].membership(
                subscription.job.organization_id, self.caller.user_id
            )
            if membership is None and self.streams.get(job_id) is subscription:
                self.streams.pop(job_id).cancel()
                await self.error("not_found", f"no job {job_id}", job_id=job_id)

    async def subscribe(self, job_id: str, last_event_id: str) -> None:
        if await self.session_ended():
            return
        job = await self._visible_job(job_id)
        if job is None:
            await self.error("not_found", f"no job {job_id}", job_id=job_id)
            return
        most = self.request.app[CONTAINER].settings().limits.ws_subscriptions
        if job_id not in self.streams and len(self.streams) >= most:
            await self.error(
                "validation_error", f"a connection follows at most {most} jobs; unsubscribe first", job_id=job_id
            )
            return
        if job_id in self.streams:
            self.streams.pop(job_id).cancel()
        await self.send({"type": "subscribed", "job_id": job_id})
        self.streams[job_id] = Subscription(self, job, last_event_id or "0")

    async def unsubscribe(self, job_id: str) -> None:
        subscription = self.streams.pop(job_id, None)
        if subscription is not None:
            subscription.cancel()
        await self.send({"type": "unsubscribed", "job_id": job_id})

    async def _visible_job(self, job_id: str) -> Job | None:
        job = await self.request.app[CONTAINER].events().job(job_id)
        if job is None:
            return None
        membership = await self.request.app[ORGANIZATIONS].membership(job.organization_id, self.caller.user_id)
        return job if membership is not None else None

    async def close(self) -> None:
        subscriptions = list(self.streams.values())
        for subscription in subscriptions:
            subscription.cancel()
        await asyncio.gather(*(s.task for s in subscriptions), return_exceptions=True)


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    """Live job progress."""
    # Uncompressed: the events are a few hundred bytes, and each client's deflate would cost per message.
    settings = request.app[CONTAINER].settings()
    socket = web.WebSocketResponse(compress=False, max_msg_size=settings.limits.ws_message_bytes)
    by_cookie = await _cookie_caller(request, socket)  # before the handshake: a refresh sets new cookies on it
    await socket.prepare(request)
    idle = settings.ws_idle_timeout_s
    caller = by_cookie or await _authenticate(request, socket)
    if caller is None:
        return socket
    connection = Connection(request, socket, caller)
    await connection.send({"type": "authenticated", "user_id": caller.user_id})
    watch = asyncio.create_task(_watch(connection, settings.ws_session_check_s), name="ws-session-watch")
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
        if not connection.ending:
            watch.cancel()
        await connection.close()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
    return socket


async def _watch(connection: Connection, every_s: float) -> None:
    """Re-check the caller's session and memberships every ``every_s`` while the socket is open."""
    while not connection.socket.closed:
        await asyncio.sleep(every_s)
        try:
            if await connection.session_ended():
                return
            await connection.drop_hidden()
        except PresentAIError as error:  # the database is away: keep the socket, check again later
            log.info("the session of a WebSocket could not be checked: %s", error)


async def _handle(connection: Connection, text: str) -> None:
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


def same_origin(request: web.Request) -> bool:
    """Whether the handshake comes from a page of this site (its ``Origin`` names the host it was sent to)."""
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


async def _cookie_caller(request: web.Request, socket: web.WebSocketResponse) -> Principal | None:
    """The signed-in browser of a same-site page, by its session cookies (refreshed as a page would be)."""
    if request.query.get("token") or not same_origin(request):
        return None
    if not (request.cookies.get(sessions.ACCESS_COOKIE) or request.cookies.get(sessions.REFRESH_COOKIE)):
        return None
    await sessions.identify(request)
    sessions.store_cookies(request, socket)
    return request.get(CALLER)


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
    app[FEEDS] = {}
    app.add_routes(routes)

    async def close_feeds(app: web.Application) -> None:
        for feed in app[FEEDS].values():
            feed.close()

    app.on_cleanup.append(close_feeds)
