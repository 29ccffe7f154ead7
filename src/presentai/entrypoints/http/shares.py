"""REST routes for public share links and their view analytics (FR-022–FR-024)."""

from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
