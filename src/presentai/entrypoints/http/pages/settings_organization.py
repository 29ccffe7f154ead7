"""Settings › Organization: its name, members and roles, invitations, usage this month, and the sections
(API keys here too, from settings_api_keys) whose APIs exist; webhooks and billing are shown as coming."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action, Membership, Role
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Conflict, InsufficientRole, ValidationFailed
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS, USERS
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.flash import register
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.pages.i18n import _
from presentai.entrypoints.http.pages.settings import back, organization, render_settings

routes = web.RouteTableDef()
HERE = "/settings/organization"
register(
    {
        "org_renamed": ("success", _("The organization was renamed.")),
        "org_name_invalid": ("error", _("An organization needs a name of at most the allowed length.")),
        "member_invited": ("success", _("The invitation was sent. It waits here until the person accepts it.")),
        "member_email_invalid": ("error", _("Enter a valid email address to invite.")),
        "member_exists": ("error", _("This person is already a member.")),
        "member_role_too_high": ("error", _("You cannot give a role above your own; only owners make owners.")),
        "member_role_changed": ("success", _("The role was changed.")),
        "member_removed": ("success", _("The member was removed.")),
        "member_last_owner": (
            "error",
            _("The organization's last owner cannot be removed or demoted. Make someone else owner first."),
        ),
    }
)
ROLE_NAMES = {
    "viewer": _("Viewer"),
    "editor": _("Editor"),
    "admin": _("Admin"),
    "owner": _("Owner"),
}
SCOPE_NAMES = {
    Scope.PRESENTATIONS_READ: _("Read presentations"),
    Scope.PRESENTATIONS_WRITE: _("Create and edit presentations"),
    Scope.SOURCES_WRITE: _("Upload sources"),
    Scope.EXPORTS_WRITE: _("Export decks"),
    Scope.SHARES_WRITE: _("Create share links"),
    Scope.BRAND_KITS_WRITE: _("Manage brand kits"),
    Scope.WEBHOOKS_MANAGE: _("Manage webhooks"),
    Scope.ANALYTICS_READ: _("Read view analytics"),
    Scope.AUDIT_READ: _("Read the audit log"),
}


def grantable(actor: Membership) -> list[str]:
    """The roles ``actor`` may give (never above their own; owner only by an owner)."""
    return [r.value for r in Role if r.rank <= actor.role.rank and (r is not Role.OWNER or actor.role is Role.OWNER)]


def _may_change(actor: Membership, target: Membership) -> bool:
    touches_owner = target.role is Role.OWNER
    return (
        may(actor, Action.MANAGE_MEMBERS)
        and target.role.rank <= actor.role.rank
        and (not touches_owner or actor.role is Role.OWNER)
    )


async def _people(request: web.Request, membership: Membership) -> tuple[list[dict[str, Any]], dict[str, str]]:
    members = await request.app[ORGANIZATIONS].members(membership.organization_id)
    owners = sum(1 for m in members if m.role is Role.OWNER)
    rows, names = [], {}
    for target in members:
        user = await request.app[USERS].get(target.user_id)
        names[user.id] = user.name
        rows.append(
            {
                "user": user,
                "role": target.role.value,
                "is_me": user.id == membership.user_id,
                "sole_owner": target.role is Role.OWNER and owners <= 1,
                "can_change": _may_change(membership, target) and not (target.role is Role.OWNER and owners <= 1),
            }
        )
    return rows, names


async def screen(
    request: web.Request, membership: Membership, *, new_secret: dict[str, str] | None = None, alert: str = "",
    status: int = 200,
) -> web.Response:  # fmt: skip
    """The organization page; ``new_secret`` is a key's secret, shown on this one answer only."""
    container, organization_id = request.app[CONTAINER], membership.organization_id
    current = await request.app[ORGANIZATIONS].get(organization_id)
    people, names = await _people(request, membership)
    invitations = await request.app[ORGANIZATIONS].invitations(organization_id)
    integrations = may(membership, Action.MANAGE_INTEGRATIONS)
    keys = await container.api_keys().list(organization_id) if integrations else []
    usage = may(membership, Action.MANAGE_ORGANIZATION)
    report = await container.quotas().report(organization_id, "") if usage else None
    return await render_settings(
        request,
        "settings/organization.html",
        {
            "membership": membership,
            "org": current,
            "people": people,
            "names": names,
            "invitations": invitations,
            "keys": keys,
            "report": report,
            "new_secret": new_secret,
            "role_names": ROLE_NAMES,
            "grantable": grantable(membership),
            "scope_names": [(s.value, SCOPE_NAMES[s]) for s in Scope],
            "can_rename": may(membership, Action.MANAGE_ORGANIZATION),
            "can_manage_members": may(membership, Action.MANAGE_MEMBERS),
            "can_manage_keys": integrations,
            "alert_text": alert,
        },
        membership,
        status=status,
    )


@routes.get(HERE)
@page
async def organization_settings(request: web.Request) -> web.StreamResponse:
    """The organization's settings (any member sees its people; admins manage)."""
    membership = await organization(request)
    await member(request, membership.organization_id, Action.READ)
    return await screen(request, membership)


@routes.post(HERE + "/name")
@page
async def rename_organization(request: web.Request) -> web.StreamResponse:
    """Give the organization another name (admins)."""
    sessions.require_user(request)
    form = await fields(request, "organization_id", "name")
    membership = await member(request, form["organization_id"], Action.MANAGE_ORGANIZATION)
    organizations = request.app[ORGANIZATIONS]
    current = await organizations.get(membership.organization_id)
    try:
        current.rename(form["name"], None, request.app[CONTAINER].settings().limits)
    except ValidationFailed:
        raise back(HERE, "org_name_invalid") from None
    await organizations.save(current)
    await audit(request, current.id, "organization.update", "organization", current.id)
    raise back(HERE, "org_renamed")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed("unknown role", {"role": "unknown"}) from None


@routes.post(HERE + "/invite")
@page
async def invite(request: web.Request) -> web.StreamResponse:
    """Invite an email address with a role (admins; never above their own role)."""
    sessions.require_user(request)
    form = await fields(request, "organization_id", "email", "role")
    actor = await member(request, form["organization_id"], Action.MANAGE_MEMBERS)
    try:
        checked = request.app[AUTHENTICATOR].check_email(form["email"])
        invited = await request.app[CONTAINER].members().invite(actor, checked.address, _role(form["role"]))
    except ValidationFailed:
        raise back(HERE, "member_email_invalid") from None
    except Conflict:
        raise back(HERE, "member_exists") from None
    except InsufficientRole:
        raise back(HERE, "member_role_too_high") from None
    target = invited.invitation.id if invited.invitation else ""
    await audit(request, actor.organization_id, "member.invite", "member", target)
    if checked.confusable:
        await audit(request, actor.organization_id, "member.invite_confusable_email", "member", target)
    raise back(HERE, "member_invited")


async def _change(request: web.Request, role: Role | None) -> web.StreamResponse:
    actor = await member(request, (await fields(request, "organization_id"))["organization_id"], Action.MANAGE_MEMBERS)
    user_id, members = request.match_info["uid"], request.app[CONTAINER].members()
    try:
        if role is None:
            await members.remove(actor, user_id)
        else:
            await members.change_role(actor, user_id, role)
    except Conflict:
        raise back(HERE, "member_last_owner") from None
    except InsufficientRole:
        raise back(HERE, "member_role_too_high") from None
    action = "member.remove" if role is None else "member.role_change"
    await audit(request, actor.organization_id, action, "member", user_id)
    raise back(HERE, "member_removed" if role is None else "member_role_changed")


@routes.post(HERE + "/members/{uid}/role")
@page
async def change_role(request: web.Request) -> web.StreamResponse:
    """Give a member another role."""
    sessions.require_user(request)
    return await _change(request, _role((await fields(request, "role"))["role"]))


@routes.post(HERE + "/members/{uid}/remove")
@page
async def remove_member(request: web.Request) -> web.StreamResponse:
    """Remove a member (never the last owner)."""
    sessions.require_user(request)
    return await _change(request, None)
