"""Platform administration: prompt templates as versioned data, and quality metrics per version."""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web
from attrs import frozen

from presentai.domain.errors import InsufficientRole
from presentai.domain.prompts import PromptTemplate
from presentai.domain.tracing import quality_by_template
from presentai.entrypoints.http.auth import person
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.keys import CONTAINER, USERS
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()


@frozen
class NewTemplateBody:
    name: str
    system: str
    active: bool = False
    weight: int = 100


@frozen
class TemplateChangeBody:
    active: bool | None = None
    weight: int | None = None


def _template(template: PromptTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "version": template.version,
        "label": template.label,
        "system": template.system,
        "active": template.active,
        "weight": template.weight,
        "created_by": template.created_by or None,
        "created_at": template.created_at.isoformat(),
    }


@routes.get("/api/v1/admin/prompt-templates")
async def list_templates(request: web.Request) -> web.Response:
    """Every version of every prompt template (built in: used when no version of a name is active)."""
    await platform_admin(request)
    found = await request.app[CONTAINER].prompt_templates().all()
    return json_response({"data": [_template(t) for t in found], "next_cursor": None})


@routes.post("/api/v1/admin/prompt-templates")
@accepts(NewTemplateBody)
@answers(201)
async def create_template(request: web.Request) -> web.Response:
    """A new version of the outline or slide prompt (numbered after the latest; inactive unless asked)."""
    caller = await platform_admin(request)
    body = await read_body(request, NewTemplateBody)
    template = PromptTemplate.draft(body.name, body.system, by=caller)
    template.configure(active=body.active, weight=body.weight)
    stored = await request.app[CONTAINER].prompt_templates().add(template)
    return json_response(_template(stored), status=201)


@routes.patch("/api/v1/admin/prompt-templates/{id}")
@accepts(TemplateChangeBody)
async def change_template(request: web.Request) -> web.Response:
    """Activate or deactivate a version, or set its A/B weight (active versions share calls by weight)."""
    await platform_admin(request)
    body = await read_body(request, TemplateChangeBody)
    templates = request.app[CONTAINER].prompt_templates()
    template = await templates.get(request.match_info["id"])
    template.configure(active=body.active, weight=body.weight)
    await templates.save(template)
    return json_response(_template(template))


async def platform_admin(request: web.Request) -> str:
    """The caller, who must be a platform administrator (``presentai admin grant EMAIL``)."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    if not user.is_platform_admin:
        raise InsufficientRole(
            "This action requires a platform administrator", required="platform_admin", current="user"
        )
    return caller.user_id


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
