"""What the settings screens share: their side navigation (links a member's role allows) and the organization."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.errors import NotFound
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import current_organization, page, render
from presentai.entrypoints.http.pages.flash import flash
from presentai.entrypoints.http.pages.i18n import _

routes = web.RouteTableDef()
# (path, label, the action a member needs to see the link; None: everyone signed in)
_SCREENS = (
    ("/settings/profile", _("Profile"), None),
    ("/settings/organization", _("Organization"), Action.READ),
    ("/settings/brand-kits", _("Brand kits"), Action.EDIT),
    ("/settings/audit-log", _("Audit log"), Action.MANAGE_INTEGRATIONS),
)


def navigation(request: web.Request, membership: Membership | None) -> list[dict[str, Any]]:
    """The settings links this member may open, the current one marked."""
    return [
        {"href": href, "label": label, "current": request.path == href or request.path.startswith(href + "/")}
        for href, label, action in _SCREENS
        if action is None or may(membership, action)
    ]


async def organization(request: web.Request) -> Membership:
    """The member's current organization (a user without one has nothing to set here: 404)."""
    sessions.require_user(request)
    membership = await current_organization(request)
    if membership is None:
        raise NotFound("you belong to no organization")
    return membership


async def render_settings(
    request: web.Request, template: str, context: dict[str, Any], membership: Membership | None, *, status: int = 200
) -> web.Response:
    """A settings screen with its navigation."""
    return await render(request, template, {"settings_nav": navigation(request, membership), **context}, status=status)


def back(target: str, key: str) -> web.HTTPFound:
    """A redirect to ``target`` that shows the flash message ``key`` there."""
    response = web.HTTPFound(target)
    flash(response, key)
    return response


@routes.get("/settings")
@page
async def settings_home(request: web.Request) -> web.StreamResponse:
    """Settings start with the profile."""
    sessions.require_user(request)
    raise web.HTTPFound("/settings/profile")
