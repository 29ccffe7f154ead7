"""The dashboard: the user's organizations, recent projects and presentations."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import current_organization, page, render

routes = web.RouteTableDef()
_RECENT = 6


@routes.get("/dashboard")
@page
async def dashboard(request: web.Request) -> web.StreamResponse:
    """Where a signed-in user starts."""
    sessions.require_user(request)
    membership = await current_organization(request)
    projects, presentations = [], []
    if membership is not None:
        await member(request, membership.organization_id, Action.READ, Scope.PRESENTATIONS_READ)  # as the API
        container = request.app[CONTAINER]
        projects = (await container.projects().list(membership.organization_id))[:_RECENT]
        presentations = list(await container.presentations().page(membership.organization_id, _RECENT))
    names = {p.id: p.name for p in projects}
    return await render(
        request,
        "dashboard.html",
        {
            "membership": membership,
            "projects": projects,
            "presentations": presentations,
            "project_names": names,
            "can_edit": may(membership, Action.EDIT),
        },
    )
