"""Platform administration: generation quality metrics per prompt template version."""

from __future__ import annotations

import attrs
from aiohttp import web

from presentai.domain.errors import InsufficientRole
from presentai.domain.tracing import quality_by_template
from presentai.entrypoints.http.auth import person
from presentai.entrypoints.http.keys import CONTAINER, USERS
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()


async def platform_admin(request: web.Request) -> None:
    """The caller must be a platform administrator (``presentai admin grant EMAIL``)."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    if not user.is_platform_admin:
        raise InsufficientRole(
            "This action requires a platform administrator", required="platform_admin", current="user"
        )


@routes.get("/api/v1/admin/quality-metrics")
async def quality_metrics(request: web.Request) -> web.Response:
    """Per prompt template version: regeneration rate, attribution coverage, unsupported-bullet rate,
    latency and tokens per slide, fallback rate (from the generation traces; ?organization_id= narrows)."""
    await platform_admin(request)
    traces = request.app[CONTAINER].traces()
    organization_id = request.query.get("organization_id", "")
    found = await (traces.traces(organization_id, 10_000) if organization_id else traces.recent())
    metrics = quality_by_template(found)
    return json_response({"data": [attrs.asdict(m) for m in metrics], "traces": len(found), "next_cursor": None})
