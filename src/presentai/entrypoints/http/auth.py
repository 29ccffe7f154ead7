"""Who is calling: the Bearer access token, checked once per request."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action, Membership, authorize
from presentai.domain.errors import NotFound, Unauthorized
from presentai.entrypoints.http.keys import AUTHENTICATOR
from presentai.ports.accounts import OrganizationRepository
from presentai.services.auth import Principal

CALLER = web.RequestKey("caller", Principal)


async def principal(request: web.Request) -> Principal:
    """The caller of this request; ``Unauthorized`` without a valid, live access token."""
    if CALLER in request:
        return request[CALLER]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("sign in: send Authorization: Bearer <access token>")
    found = await request.app[AUTHENTICATOR].authenticate(token.strip())
    request[CALLER] = found
    return found


async def member(
    request: web.Request, organizations: OrganizationRepository, organization_id: str, action: Action
) -> Membership:
    """The caller's membership, allowed to do ``action``; another tenant's organization is ``NotFound``."""
    caller = await principal(request)
    membership = await organizations.membership(organization_id, caller.user_id)
    if membership is None:
        raise NotFound.of("organization", organization_id)
    authorize(membership.role, action)
    return membership
