"""The web UI: server-rendered pages (aiohttp-jinja2) beside the API, on the same services and RBAC."""

from __future__ import annotations

from aiohttp import web


def install(app: web.Application) -> None:
    """Add the pages, their templates, catalogues and static assets to ``app``."""
