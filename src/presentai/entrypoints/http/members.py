"""REST routes for an organization's members and invitations."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action, Membership, Role
from presentai.domain.errors import ValidationFailed
from presentai.entrypoints.http.auth import member, person
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS, USERS
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()


@frozen
class InviteBody:
    email: str
    role: str = "editor"


@frozen
class RoleBody:
    role: str


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed(
            f"unknown role {value!r}; use viewer, editor, admin or owner", {"role": "unknown"}
        ) from None


async def _member_body(request: web.Request, membership: Membership) -> dict[str, Any]:
    user = await request.app[USERS].get(membership.user_id)
    return {"user_id": user.id, "email": user.email, "name": user.name, "role": membership.role.value}


@routes.get("/api/v1/organizations/{id}/members")
async def list_members(request: web.Request) -> web.Response:
    """Members and pending invitations (any member may see them; API keys may not)."""
    mine = await member(request, request.match_info["id"], Action.READ)  # no scope: people only
    organizations = request.app[ORGANIZATIONS]
    members = [await _member_body(request, m) for m in await organizations.members(mine.organization_id)]
    invitations = [
        {
            "id": i.id,
            "email": i.email,
            "role": i.role.value,
            "invited_by": i.invited_by,
            "created_at": i.created_at.isoformat(),
        }
        for i in await organizations.invitations(mine.organization_id)
    ]
    return json_response({"data": members, "invitations": invitations, "next_cursor": None})


@routes.post("/api/v1/organizations/{id}/members/invite")
@accepts(InviteBody)
@answers(200, 201)
async def invite(request: web.Request) -> web.Response:
    """Invite an email address with a role: an existing account joins at once, others when they register."""
    await person(request)
    actor = await member(request, request.match_info["id"], Action.READ)
    body = await read_body(request, InviteBody)
    checked = request.app[AUTHENTICATOR].check_email(body.email)
    invited = await request.app[CONTAINER].members().invite(actor, checked.address, _role(body.role))
    target = invited.membership.user_id if invited.membership else invited.invitation.id if invited.invitation else ""
    await audit(request, actor.organization_id, "member.invite", "member", target)
    if checked.confusable:  # an address made to pass for a colleague's
        await audit(request, actor.organization_id, "member.invite_confusable_email", "member", target)
    if invited.membership is not None:
        return json_response({"status": "added", **await _member_body(request, invited.membership)}, status=201)
    assert invited.invitation is not None
    invitation = invited.invitation
    return json_response(
        {"status": "invited", "id": invitation.id, "email": invitation.email, "role": invitation.role.value},
        status=201,
    )


@routes.post("/api/v1/invitations/{id}/accept")
@answers(201)
async def accept_invitation(request: web.Request) -> web.Response:
    """The signed-in invitee joins the organization (an invitation to another email is not found)."""
    caller = await person(request)
    membership = await request.app[CONTAINER].members().accept(caller.user_id, request.match_info["id"])
    await audit(request, membership.organization_id, "member.join", "member", caller.user_id)
    return json_response(await _member_body(request, membership), status=201)


@routes.get("/api/v1/invitations")
async def my_invitations(request: web.Request) -> web.Response:
    """Invitations waiting for the signed-in user."""
    caller = await person(request)
    user = await request.app[USERS].get(caller.user_id)
    pending = [
        {"id": i.id, "organization_id": i.organization_id, "role": i.role.value, "invited_by": i.invited_by}
        for i in await request.app[ORGANIZATIONS].invitations_for(user.email)
    ]
    return json_response({"data": pending, "next_cursor": None})


@routes.patch("/api/v1/organizations/{id}/members/{uid}")
@accepts(RoleBody)
async def change_role(request: web.Request) -> web.Response:
    """Change a member's role."""
    await person(request)
    actor = await member(request, request.match_info["id"], Action.READ)
    body = await read_body(request, RoleBody)
    changed = await request.app[CONTAINER].members().change_role(actor, request.match_info["uid"], _role(body.role))
    await audit(request, actor.organization_id, "member.role_change", "member", changed.user_id)
    return json_response(await _member_body(request, changed))


@routes.delete("/api/v1/organizations/{id}/members/{uid}")
@answers(204)
async def remove_member(request: web.Request) -> web.Response:
    """Remove a member (never the last owner)."""
    await person(request)
    actor = await member(request, request.match_info["id"], Action.READ)
    await request.app[CONTAINER].members().remove(actor, request.match_info["uid"])
    await audit(request, actor.organization_id, "member.remove", "member", request.match_info["uid"])
    return web.Response(status=204)
