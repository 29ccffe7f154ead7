"""The web UI: server-rendered pages (aiohttp-jinja2) beside the API, on the same services and RBAC."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from presentai.entrypoints.http.pages import (
    account,
    chrome,
    dashboard,
    editor,
    i18n,
    projects,
    settings,
    settings_api_keys,
    settings_audit,
    settings_brand_kits,
    settings_mfa,
    settings_organization,
    settings_profile,
    share,
    slides,
    slides_brand,
)
from presentai.entrypoints.http.pages.common import Handler, pages_middleware
from presentai.entrypoints.http.pages.sessions import REFRESHES, Refreshes

HTTP = Path(__file__).resolve().parent.parent
TEMPLATES = HTTP / "templates"
STATIC = HTTP / "static"
# Each screen group's routes; a new group adds its module here.
GROUPS = (account, chrome, dashboard, projects, editor, settings, settings_profile, settings_mfa, settings_organization,
          settings_api_keys, settings_brand_kits, settings_audit, slides, slides_brand, share)  # fmt: skip


@web.middleware
async def email_links(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The confirmation email's /verify-email link opened in a browser shows the designed page."""
    if request.method == "GET" and request.path == "/verify-email" and "text/html" in request.headers.get("Accept", ""):
        raise web.HTTPFound("/confirm-email?" + urlencode({"token": request.query.get("token", "")}))
    return await handler(request)


def environment(app: web.Application) -> jinja2.Environment:
    """Jinja2 for ``app``: templates autoescaped everywhere, gettext from the request's catalogues."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def install(app: web.Application) -> None:
    """Add the pages, their templates, catalogues and static assets to ``app``."""
    environment(app)
    app[REFRESHES] = Refreshes()
    for group in GROUPS:
        app.add_routes(group.routes)
    app.router.add_static("/static/", STATIC, name="static", append_version=False)
    app.middlewares.append(email_links)
    app.middlewares.append(pages_middleware)
