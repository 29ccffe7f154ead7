"""REST routes under /api/v1: auth, the caller's profile, organizations."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action, Membership, Organization, Role, User
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditQuery
from presentai.entrypoints.http.auth import limit, member, person
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import AUDIT, AUTHENTICATOR, CONTAINER, ORGANIZATIONS, USERS
from presentai.entrypoints.http.openapi import accepts
from presentai.services.auth import Tokens

routes = web.RouteTableDef()


@frozen
class RegisterBody:
    email: str
    password: str
    name: str = ""


@frozen
class LoginBody:
    email: str
    password: str


@frozen
class RefreshBody:
    refresh_token: str


@frozen
class ProfileBody:
    name: str | None = None
    password: str | None = None
    current_password: str = ""


@frozen
class OrganizationBody:
    name: str
    slug: str = ""


def _tokens(tokens: Tokens) -> dict[str, Any]:
    return dump(tokens)  # type: ignore[no-any-return]


def _user(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "created_at": user.created_at.isoformat()}


def _organization(organization: Organization, membership: Membership) -> dict[str, Any]:
    return {**dump(organization), "role": membership.role.value}


async def _limit_address(request: web.Request) -> None:
    """Slow down password guessing and sign-up floods from one address."""
    per_minute = request.app[CONTAINER].settings().auth_rate_limit_per_minute
    await limit(request, f"auth:{request.remote}", per_minute)


@routes.post("/api/v1/auth/register")
@accepts(RegisterBody)
async def register(request: web.Request) -> web.Response:
    """Create an account (and its personal organization), signed in."""
    await _limit_address(request)
    body = await read_body(request, RegisterBody)
    user, tokens = await request.app[AUTHENTICATOR].register(body.email, body.password, body.name)
    return web.json_response({"user": _user(user), **_tokens(tokens)}, status=201)


@routes.post("/api/v1/auth/login")
@accepts(LoginBody)
async def login(request: web.Request) -> web.Response:
    """Sign in with email and password."""
    await _limit_address(request)
    body = await read_body(request, LoginBody)
    return web.json_response(_tokens(await request.app[AUTHENTICATOR].login(body.email, body.password)))


@routes.post("/api/v1/auth/refresh")
@accepts(RefreshBody)
async def refresh(request: web.Request) -> web.Response:
    """Exchange a refresh token (once) for new tokens."""
    await _limit_address(request)
    body = await read_body(request, RefreshBody)
    return web.json_response(_tokens(await request.app[AUTHENTICATOR].refresh(body.refresh_token)))


@routes.post("/api/v1/auth/logout")
@accepts(RefreshBody)
async def logout(request: web.Request) -> web.Response:
    """End the login this refresh token belongs to."""
    body = await read_body(request, RefreshBody)
    await request.app[AUTHENTICATOR].logout(body.refresh_token)
    return web.Response(status=204)


@routes.post("/api/v1/auth/logout-all")
async def logout_all(request: web.Request) -> web.Response:
    """End every login of the caller, on every device."""
    caller = await person(request)
    await request.app[AUTHENTICATOR].logout_all(caller.user_id)
    return web.Response(status=204)


@routes.get("/api/v1/users/me")
async def me(request: web.Request) -> web.Response:
    """The caller's profile and organizations."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    memberships = await request.app[ORGANIZATIONS].memberships(caller.user_id)
    return web.json_response(
        {
            **_user(user),
            "organizations": [{"id": m.organization_id, "role": m.role.value} for m in memberships],
        }
    )


@routes.patch("/api/v1/users/me")
@accepts(ProfileBody)
async def update_me(request: web.Request) -> web.Response:
    """Change the caller's name or password (a new password ends every login)."""
    caller = await person(request)
    body = await read_body(request, ProfileBody)
    user = await request.app[AUTHENTICATOR].update_profile(
        caller.user_id, name=body.name, password=body.password, current_password=body.current_password
    )
    return web.json_response(_user(user))


@routes.post("/api/v1/users/me/export-data")
async def export_my_data(request: web.Request) -> web.Response:
    """Everything stored about the caller as a JSON download (GDPR art. 15/20)."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    memberships = await request.app[ORGANIZATIONS].memberships(caller.user_id)
    archive = {
        "profile": _user(user),
        "memberships": [{"organization_id": m.organization_id, "role": m.role.value} for m in memberships],
        "audit_trail": [
            {"organization_id": m.organization_id, **entry}
            for m in memberships
            for entry in await _my_entries(request, m.organization_id, caller.user_id)
        ],
    }
    return web.json_response(
        archive, headers={"Content-Disposition": f'attachment; filename="presentai-data-{user.id}.json"'}
    )


async def _my_entries(request: web.Request, organization_id: str, user_id: str) -> list[dict[str, str]]:
    entries = await request.app[AUDIT].query(AuditQuery(organization_id, 100_000, actor_id=user_id))
    return [{"action": e.action, "target": f"{e.target_type}:{e.target_id}", "at": e.created_at.isoformat(),
             "ip": e.ip} for e in entries]  # fmt: skip


@routes.post("/api/v1/organizations")
@accepts(OrganizationBody)
async def create_organization(request: web.Request) -> web.Response:
    """A new organization; the caller owns it."""
    caller = await person(request)
    body = await read_body(request, OrganizationBody)
    organization = Organization.found(body.name, body.slug)
    owner = Membership(organization.id, caller.user_id, Role.OWNER)
    await request.app[ORGANIZATIONS].add(organization, owner)
    await audit(request, organization.id, "organization.create", "organization", organization.id)
    return web.json_response(_organization(organization, owner), status=201)


@routes.get("/api/v1/organizations/{id}")
async def get_organization(request: web.Request) -> web.Response:
    """An organization the caller belongs to (any other answers 404)."""
    membership = await member(request, request.match_info["id"], Action.READ, Scope.PRESENTATIONS_READ)
    organization = await request.app[ORGANIZATIONS].get(membership.organization_id)
    return web.json_response(_organization(organization, membership))


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """Liveness."""
    return web.json_response({"status": "ok"})
