"""REST routes for API keys: create (the secret is shown once), list, rotate, revoke."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import ApiKey, parse_scopes
from presentai.entrypoints.http.auth import organization_for, person
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import API_KEYS, CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()


@frozen
class CreateKeyBody:
    name: str
    scopes: list[str]
    organization_id: str = ""


def _key(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": key.id,
        "organization_id": key.organization_id,
        "name": key.name,
        "prefix": f"pai_{key.prefix}",
        "scopes": [s.value for s in key.scopes],
        "created_by": key.created_by,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }
    if secret is not None:
        body["key"] = secret  # shown this once; only its hash is kept
    return body


async def _organization(request: web.Request, organization_id: str) -> str:
    await person(request)  # keys cannot manage keys
    return await organization_for(request, organization_id, Action.MANAGE_INTEGRATIONS, None)


@routes.post("/api/v1/api-keys")
@accepts(CreateKeyBody)
@answers(201)
async def create_key(request: web.Request) -> web.Response:
    """A new key of an organization the caller administers."""
    await person(request)  # who is asking comes before what they ask
    body = await read_body(request, CreateKeyBody)
    organization_id = await _organization(request, body.organization_id)
    caller = await person(request)
    scopes = parse_scopes(body.scopes)
    key, secret = await request.app[API_KEYS].create(organization_id, caller.user_id, body.name, scopes)
    await audit(request, organization_id, "api_key.create", "api_key", key.id)
    return json_response(_key(key, secret), status=201)


@routes.get("/api/v1/api-keys")
async def list_keys(request: web.Request) -> web.Response:
    """The organization's keys (never their secrets)."""
    organization_id = await _organization(request, request.query.get("organization_id", ""))
    keys = await request.app[CONTAINER].api_keys().list(organization_id)
    return json_response({"data": [_key(k) for k in keys], "next_cursor": None})


@routes.post("/api/v1/api-keys/{id}/rotate")
async def rotate_key(request: web.Request) -> web.Response:
    """A new secret for the key, shown once; the old one stops working."""
    organization_id = await _organization(request, request.query.get("organization_id", ""))
    key, secret = await request.app[API_KEYS].rotate(organization_id, request.match_info["id"])
    await audit(request, organization_id, "api_key.rotate", "api_key", key.id)
    return json_response(_key(key, secret))


@routes.delete("/api/v1/api-keys/{id}")
@answers(204)
async def revoke_key(request: web.Request) -> web.Response:
    """Revoke the key for good."""
    organization_id = await _organization(request, request.query.get("organization_id", ""))
    await request.app[API_KEYS].revoke(organization_id, request.match_info["id"])
    await audit(request, organization_id, "api_key.revoke", "api_key", request.match_info["id"])
    return web.Response(status=204)
