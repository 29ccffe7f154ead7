"""REST routes for projects: create, list, get, update or archive, delete an empty one."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import NotFound
from presentai.domain.projects import Project
from presentai.entrypoints.http.auth import find_in_my_organizations, organization_for, principal
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.errors import REQUEST_ID
from presentai.entrypoints.http.keys import AUDIT, CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.responses import json_response
from presentai.ports.repositories import ProjectRepository
from presentai.services.projects import Actor, ProjectChange, Projects

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


def project_commands(request: web.Request) -> Projects:
    """The project commands on this app's repositories, journal and limits."""
    container = request.app[CONTAINER]
    return Projects(
        projects=container.projects(),
        presentations=container.presentations(),
        audit=request.app[AUDIT],
        limits=container.settings().limits,
    )


async def actor(request: web.Request) -> Actor:
    """The caller of this request as the journal records them."""
    caller = await principal(request)
    kind = "api_key" if caller.scopes is not None else "user"
    return Actor(caller.user_id, kind, client_address(request), request[REQUEST_ID])


def _project(project: Project) -> dict[str, Any]:
    return dump(project)  # type: ignore[no-any-return]


@routes.post("/api/v1/projects")
@accepts(CreateProjectBody)
@answers(201)
async def create_project(request: web.Request) -> web.Response:
    """A new project."""
    body = await read_body(request, CreateProjectBody)
    commands = project_commands(request)
    commands.check(body.name, body.description)  # too long: 422 before the organization is looked at
    organization_id = await organization_for(request, body.organization_id, Action.EDIT, _WRITE)
    project = await commands.create(await actor(request), organization_id, body.name, body.description)
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
    change = ProjectChange(body.name, body.description, body.archived)
    await project_commands(request).change(await actor(request), project, change)
    return json_response(_project(project))


@routes.delete("/api/v1/projects/{id}")
@answers(204)
async def delete_project(request: web.Request) -> web.Response:
    """Delete a project that holds no presentation (409 otherwise)."""
    project = await load_project(request, request.match_info["id"], Action.EDIT, _WRITE)
    await project_commands(request).delete(await actor(request), project)
    return web.Response(status=204)
