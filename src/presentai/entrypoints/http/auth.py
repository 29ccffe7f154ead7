"""Who is calling (a Bearer access token or an X-API-Key), checked once per request, and what they may do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from presentai.domain.accounts import Action, Membership, authorize
from presentai.domain.api_keys import Scope, require_scope
from presentai.domain.errors import InsufficientScope, NotFound, RateLimited, Unauthorized, ValidationFailed
from presentai.entrypoints.http.keys import API_KEYS, AUTHENTICATOR, CONTAINER, LIMITER, ORGANIZATIONS
from presentai.services.auth import Principal

CALLER = web.RequestKey("caller", Principal)
T = TypeVar("T")


async def principal(request: web.Request) -> Principal:
    """The caller of this request; ``Unauthorized`` without valid, live credentials."""
    if CALLER in request:
        return request[CALLER]
    api_key = request.headers.get("X-API-Key", "").strip()
    if api_key:
        found = await request.app[API_KEYS].authenticate(api_key)
    else:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("sign in: send Authorization: Bearer <access token> or X-API-Key: <key>")
        found = await request.app[AUTHENTICATOR].authenticate(token.strip())
    request[CALLER] = found
    caller_key = f"key:{api_key.split('_')[1]}" if api_key else f"user:{found.user_id}"
    await limit(request, caller_key, request.app[CONTAINER].settings().rate_limit_per_minute)
    return found


async def limit(request: web.Request, key: str, per_minute: int) -> None:
    """Count the request against ``key``; ``RateLimited`` once over ``per_minute``."""
    decision = await request.app[LIMITER].hit(key, per_minute, 60)
    if not decision.allowed:
        raise RateLimited(f"too many requests; try again in {decision.retry_after} s", retry_after=decision.retry_after)


async def person(request: web.Request) -> Principal:
    """The caller, who must be a signed-in person rather than an API key."""
    caller = await principal(request)
    if caller.scopes is not None:
        raise _keys_refused()
    return caller


def _keys_refused() -> InsufficientScope:
    return InsufficientScope("this action needs a signed-in user; API keys cannot perform it", required="user")


async def memberships(request: web.Request) -> list[Membership]:
    """The caller's memberships; an API key only ever sees its own organization."""
    caller = await principal(request)
    found = await request.app[ORGANIZATIONS].memberships(caller.user_id)
    if caller.organization_id is not None:
        found = [m for m in found if m.organization_id == caller.organization_id]
    return found


def allow(caller: Principal, membership: Membership, action: Action, scope: Scope | None) -> None:
    """The one check of every route: the member's role allows ``action`` and a key carries ``scope``.

    ``scope`` ``None`` means no API key may do this at all.
    """
    if scope is None and caller.scopes is not None:
        raise _keys_refused()
    if scope is not None:
        require_scope(caller.scopes, scope)
    authorize(membership.role, action)


async def member(request: web.Request, organization_id: str, action: Action, scope: Scope | None = None) -> Membership:
    """The caller's membership, allowed to do ``action``; another tenant's organization is ``NotFound``."""
    caller = await principal(request)
    membership = next((m for m in await memberships(request) if m.organization_id == organization_id), None)
    if membership is None:
        raise NotFound.of("organization", organization_id)
    allow(caller, membership, action, scope)
    return membership


async def organization_for(request: web.Request, organization_id: str, action: Action, scope: Scope | None) -> str:
    """The organization to act in: the one named (the caller must belong to it), or the caller's only one.

    A member of several organizations must name one: nothing is ever put in another tenant by default.
    """
    mine = await memberships(request)
    if not organization_id and len(mine) > 1:
        raise ValidationFailed(
            "you belong to several organizations: name one with organization_id", {"organization_id": "required"}
        )
    if not organization_id and mine:
        organization_id = mine[0].organization_id
    return (await member(request, organization_id or "(none)", action, scope)).organization_id


async def find_in_my_organizations(
    request: web.Request,
    action: Action,
    scope: Scope | None,
    find: Callable[[str], Awaitable[T | None]],
    missing: NotFound,
) -> T:
    """The first thing ``find(organization_id)`` returns in one of the caller's organizations, if the caller
    may do ``action`` there; ``missing`` when none holds it (another tenant's ids are simply not found)."""
    caller = await principal(request)
    for membership in await memberships(request):
        found = await find(membership.organization_id)
        if found is not None:
            allow(caller, membership, action, scope)
            return found
    raise missing
