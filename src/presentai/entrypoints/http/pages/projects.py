"""Projects: the list (create, rename, archive, delete an empty one) and one project's presentations."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.presentation import GenerationParameters, PresentationStatus
from presentai.domain.projects import Project
from presentai.entrypoints.http.auth import member, organization_for
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import current_organization, page, render
from presentai.entrypoints.http.pages.flash import flash
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.presentations import creation
from presentai.entrypoints.http.projects import actor, load_project, project_commands
from presentai.services.projects import ProjectChange

routes = web.RouteTableDef()
_READ, _WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE
_PAGE_SIZE = 50


def _back(key: str, target: str = "/projects") -> web.HTTPFound:
    response = web.HTTPFound(target)
    flash(response, key)
    return response


@routes.get("/projects")
@page
async def list_projects(request: web.Request) -> web.StreamResponse:
    """The organization's projects, archived ones apart."""
    sessions.require_user(request)
    membership = await current_organization(request)
    everything: list[Project] = []
    if membership is not None:
        await member(request, membership.organization_id, Action.READ, _READ)
        everything = await request.app[CONTAINER].projects().list(membership.organization_id, True)
    return await render(
        request,
        "projects/list.html",
        {
            "membership": membership,
            "active": [p for p in everything if not p.archived],
            "archived": [p for p in everything if p.archived],
            "can_edit": may(membership, Action.EDIT),
            "errors": {},
        },
    )


@routes.post("/projects")
@page
async def create_project(request: web.Request) -> web.StreamResponse:
    """A new project in the organization the form names."""
    sessions.require_user(request)
    form = await fields(request, "name", "organization_id")
    organization_id = await organization_for(request, form["organization_id"], Action.EDIT, _WRITE)
    try:
        await project_commands(request).create(await actor(request), organization_id, form["name"])
    except ValidationFailed:
        raise _back("project_name_invalid") from None
    raise _back("project_created")


async def _update(request: web.Request, change: str) -> web.StreamResponse:
    sessions.require_user(request)
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    form = await fields(request, "name")
    key = {"archive": "project_archived", "restore": "project_restored", "rename": "project_renamed"}[change]
    wanted = ProjectChange(name=form["name"]) if change == "rename" else ProjectChange(archived=change == "archive")
    try:
        await project_commands(request).change(await actor(request), project, wanted)
    except ValidationFailed:
        raise _back("project_name_invalid") from None
    raise _back(key)


@routes.post("/projects/{id}/rename")
@page
async def rename_project(request: web.Request) -> web.StreamResponse:
    """Give a project a new name."""
    return await _update(request, "rename")


@routes.post("/projects/{id}/archive")
@page
async def archive_project(request: web.Request) -> web.StreamResponse:
    """Put a project into the archive."""
    return await _update(request, "archive")


@routes.post("/projects/{id}/restore")
@page
async def restore_project(request: web.Request) -> web.StreamResponse:
    """Take a project out of the archive."""
    return await _update(request, "restore")


@routes.post("/projects/{id}/delete")
@page
async def delete_project(request: web.Request) -> web.StreamResponse:
    """Delete a project that holds no presentation."""
    sessions.require_user(request)
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    try:
        await project_commands(request).delete(await actor(request), project)
    except Conflict:
        raise _back("project_not_empty") from None
    raise _back("project_deleted")


@routes.get("/projects/{id}")
@page
async def show_project(request: web.Request) -> web.StreamResponse:
    """A project's presentations, filtered by status and searched by title."""
    sessions.require_user(request)
    project = await load_project(request, request.match_info["id"], Action.READ, _READ)
    membership = await member(request, project.organization_id, Action.READ, _READ)
    status = request.query.get("status", "")
    status = status if status in {s.value for s in PresentationStatus} else ""
    text = request.query.get("q", "").strip()[:200]
    presentations = (
        await request.app[CONTAINER]
        .presentations()
        .page(project.organization_id, _PAGE_SIZE, status=status, text=text, project_id=project.id)
    )
    return await render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "presentations": presentations,
            "statuses": [s.value for s in PresentationStatus],
            "status": status,
            "q": text,
            "can_edit": may(membership, Action.EDIT),
        },
    )


@routes.post("/projects/{id}/presentations")
@page
async def create_presentation(request: web.Request) -> web.StreamResponse:
    """A new draft presentation in the project."""
    sessions.require_user(request)
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    form = await fields(request, "title")
    await creation(request)(
        await actor(request), project.organization_id, form["title"], GenerationParameters(), project_id=project.id
    )
    raise _back("presentation_created", f"/projects/{project.id}")
