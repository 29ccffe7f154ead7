"""Settings › Organization › API keys: create with scopes (the secret shown once, on the answer to the form),
rotate (a new secret, shown once), revoke. Admins only, as in the API."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.api_keys import parse_scopes
from presentai.domain.errors import ValidationFailed
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import API_KEYS
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.flash import register
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.pages.settings import back
from presentai.entrypoints.http.pages.settings_organization import HERE, screen

routes = web.RouteTableDef()
register({"key_revoked": ("success", _("The API key was revoked. Requests with it are refused from now on."))})
_NO_NAME = _("An API key needs a name.")
_NO_SCOPE = _("Choose at least one scope for the key.")


async def _admin(request: web.Request) -> Membership:
    sessions.require_user(request)
    form = await fields(request, "organization_id")
    return await member(request, form["organization_id"], Action.MANAGE_INTEGRATIONS)


@routes.post(HERE + "/api-keys")
@page
async def create_key(request: web.Request) -> web.StreamResponse:
    """A new key; this answer is the only place its secret is ever shown."""
    membership = await _admin(request)
    name = (await fields(request, "name"))["name"]
    chosen = [v for v in (await request.post()).getall("scopes", []) if isinstance(v, str)]
    try:
        scopes = parse_scopes(chosen)
        key, secret = await request.app[API_KEYS].create(membership.organization_id, membership.user_id, name, scopes)
    except ValidationFailed as error:
        message = _NO_SCOPE if "scopes" in error.fields else _NO_NAME
        alert = gettext(message)
        return await screen(request, membership, alert=alert, status=422)
    await audit(request, membership.organization_id, "api_key.create", "api_key", key.id)
    return await screen(request, membership, new_secret={"name": key.name, "secret": secret, "id": key.id})


@routes.post(HERE + "/api-keys/{id}/rotate")
@page
async def rotate_key(request: web.Request) -> web.StreamResponse:
    """A new secret for the key (shown once); the old one stops working."""
    membership = await _admin(request)
    key, secret = await request.app[API_KEYS].rotate(membership.organization_id, request.match_info["id"])
    await audit(request, membership.organization_id, "api_key.rotate", "api_key", key.id)
    return await screen(request, membership, new_secret={"name": key.name, "secret": secret, "id": key.id})


@routes.post(HERE + "/api-keys/{id}/revoke")
@page
async def revoke_key(request: web.Request) -> web.StreamResponse:
    """Revoke the key for good."""
    membership = await _admin(request)
    await request.app[API_KEYS].revoke(membership.organization_id, request.match_info["id"])
    await audit(request, membership.organization_id, "api_key.revoke", "api_key", request.match_info["id"])
    raise back(HERE, "key_revoked")
