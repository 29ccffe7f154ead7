"""The aiohttp application: middlewares, routes, and the container's lifecycle."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from presentai.adapters.analytics.sinks import MongoViewAnalytics
from presentai.adapters.jobs.queues import InProcessJobQueue
from presentai.adapters.progress.streams import RedisEventStream
from presentai.adapters.sql.migrate import upgrade
from presentai.config import Settings
from presentai.containers import service_container
from presentai.entrypoints.http import (
    admin,
    api_keys,
    brand_kits,
    exports,
    files,
    hygiene,
    journal,
    members,
    openapi,
    pages,
    presentations,
    projects,
    shares,
    slides,
    ws,
)
from presentai.entrypoints.http.bodies import clean_input
from presentai.entrypoints.http.errors import errors, request_ids
from presentai.entrypoints.http.keys import API_KEYS, AUDIT, AUTHENTICATOR, CONTAINER, LIMITER, ORGANIZATIONS, USERS
from presentai.entrypoints.http.routes import routes

log = logging.getLogger("presentai.http")


def jwt_secret(settings: Settings) -> str:
    """The configured signing secret, or one kept in the workspace so sessions survive a restart."""
    if settings.jwt_secret:
        return settings.jwt_secret
    path = Path(settings.workspace) / "jwt-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # created once, atomically: two workers starting together still share one secret
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another worker may be writing it this very moment
        secret = path.read_text().strip()
        if secret:
            return secret
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")


# A share link's token opens the deck to anyone who has it: it must not reach the logs either.
_SHARE_TOKEN = re.compile(r"(/share/)[^/]+")


class AccessLogger(AbstractAccessLogger):
    """One line per request without the query string (/ws?token=…) and without share tokens: no credential in
    the logs."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %d %.1f ms",
            request.remote,
            request.method,
            _SHARE_TOKEN.sub(r"\1…", request.path),
            response.status,
            time * 1000,
        )


def create_app(settings: Settings) -> web.Application:
    """The service, wired for ``settings``."""
    container = service_container(settings, jwt_secret(settings))
    app = web.Application(
        middlewares=[request_ids, errors, clean_input], client_max_size=settings.max_upload_bytes + 2**20
    )
    app[CONTAINER] = container
    app[AUTHENTICATOR] = container.authenticator()
    app[API_KEYS] = container.keys()
    app[LIMITER] = container.limiter()
    app[AUDIT] = container.audit_log()
    app[USERS] = container.users()
    app[ORGANIZATIONS] = container.organizations()
    app.add_routes(routes)
    app.add_routes(presentations.routes)
    app.add_routes(slides.routes)
    app.add_routes(api_keys.routes)
    app.add_routes(members.routes)
    app.add_routes(journal.routes)
    app.add_routes(projects.routes)
    app.add_routes(brand_kits.routes)
    app.add_routes(files.routes)
    app.add_routes(exports.routes)
    app.add_routes(admin.routes)
    app.add_routes(shares.routes)
    ws.install(app)
    app.add_routes(openapi.routes)
    openapi.add_viewer_assets(app)
    pages.install(app)
    hygiene.install(app)
    app.cleanup_ctx.append(_lifecycle)
    app.on_shutdown.append(_stop_children)
    return app


async def _stop_children(app: web.Application) -> None:
    """Kill running renders and conversions first, so that no export holds the service up as it stops."""
    stopped = app[CONTAINER].children().stop_all()
    if stopped:
        log.warning("stopped %d export process(es) still running", stopped)


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    container = app[CONTAINER]
    settings = container.settings()
    if settings.database_kind != "memory":
        await asyncio.to_thread(upgrade, settings.database)  # pending migrations, once, under yoyo's lock
    yield
    jobs = container.jobs()  # first: a job cancelled mid-write still has its database and index
    if isinstance(jobs, InProcessJobQueue):
        await jobs.close()
    database = container.database()
    if database is not None:
        await database.close()
    await container.vector_index().close()
    await container.limiter().close()
    events = container.events()
    if isinstance(events, RedisEventStream):
        await events.close()
    analytics = container.view_analytics()
    if isinstance(analytics, MongoViewAnalytics):
        await analytics.close()
