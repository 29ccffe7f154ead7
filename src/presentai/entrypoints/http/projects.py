"""REST routes for projects: create, list, get, update or archive, delete an empty one."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import NotFound
from presentai.domain.projects import Project
from presentai.entrypoints.http.auth import find_in_my_organizations, organization_for
from presentai.entrypoints.http.bodies import check_lengths, dump, read_body
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.responses import json_response
from presentai.ports.repositories import PresentationRepository, ProjectRepository

routes = web.RouteTableDef()
_READ, _WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE


@frozen
class CreateProjectBody:
    name: str
    description: str = ""
    organization_id: str = ""


@frozen
class UpdateProjectBody:
    name: str | None = None
    description: str | None = None
    archived: bool | None = None


def _projects(request: web.Request) -> ProjectRepository:
    return request.app[CONTAINER].projects()  # type: ignore[no-any-return]


async def load_project(request: web.Request, project_id: str, action: Action, scope: Scope) -> Project:
    """A project of one of the caller's organizations."""

    async def find(organization_id: str) -> Project | None:
        try:
            return await _projects(request).get(organization_id, project_id)
        except NotFound:
            return None

    return await find_in_my_organizations(request, action, scope, find, NotFound.of("project", project_id))


def _check(request: web.Request, name: str | None, description: str | None) -> None:
    limits = request.app[CONTAINER].settings().limits
    check_lengths(name=(name, limits.title_chars), description=(description, limits.topic_chars))


def _project(project: Project) -> dict[str, Any]:
    return dump(project)  # type: ignore[no-any-return]


@routes.post("/api/v1/projects")
@accepts(CreateProjectBody)
@answers(201)
async def create_project(request: web.Request) -> web.Response:
    """A new project."""
    body = await read_body(request, CreateProjectBody)
    _check(request, body.name, body.description)
    organization_id = await organization_for(request, body.organization_id, Action.EDIT, _WRITE)
    project = Project.start(organization_id, body.name, body.description)
    await _projects(request).add(project)
    await audit(request, organization_id, "project.create", "project", project.id)
    return json_response(_project(project), status=201)


@routes.get("/api/v1/projects")
async def list_projects(request: web.Request) -> web.Response:
    """The organization's projects, newest first (``?archived=true`` includes archived ones)."""
    organization_id = await organization_for(request, request.query.get("organization_id", ""), Action.READ, _READ)
    limit, before = page_request(request)
    everything = await _projects(request).list(organization_id, request.query.get("archived") == "true")
    page = [p for p in everything if not before or p.id < before][:limit]
    return json_response({"data": [_project(p) for p in page], "next_cursor": next_cursor([p.id for p in page], limit)})


@routes.get("/api/v1/projects/{id}")
async def get_project(request: web.Request) -> web.Response:
    """A project."""
    return json_response(_project(await load_project(request, request.match_info["id"], Action.READ, _READ)))


@routes.patch("/api/v1/projects/{id}")
@accepts(UpdateProjectBody)
async def update_project(request: web.Request) -> web.Response:
    """Rename, describe, archive or unarchive a project."""
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, UpdateProjectBody)
    _check(request, body.name, body.description)
    if body.name is not None:
        project.rename(body.name)
    if body.description is not None:
        project.description = body.description.strip()
    if body.archived is not None:
        project.archived = body.archived
    await _projects(request).save(project)
    await audit(request, project.organization_id, "project.update", "project", project.id)
    return json_response(_project(project))


@routes.delete("/api/v1/projects/{id}")
@answers(204)
async def delete_project(request: web.Request) -> web.Response:
    """Delete a project that holds no presentation (409 otherwise)."""
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    presentations: PresentationRepository = request.app[CONTAINER].presentations()
    held = await presentations.page(project.organization_id, 1, project_id=project.id)
    project.ensure_deletable(len(held))
    await _projects(request).delete(project.organization_id, project.id)
    await audit(request, project.organization_id, "project.delete", "project", project.id)
    return web.Response(status=204)
