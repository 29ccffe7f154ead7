"""What the header offers on every page: the language switch and the organization switcher."""

from __future__ import annotations

from aiohttp import web

from presentai.entrypoints.http.pages import i18n, sessions
from presentai.entrypoints.http.pages.common import ORG_COOKIE, my_memberships, page
from presentai.entrypoints.http.pages.flash import flash
from presentai.entrypoints.http.pages.forms import fields

routes = web.RouteTableDef()
_YEAR = 365 * 24 * 3600


@routes.post("/language")
@page
async def switch_language(request: web.Request) -> web.StreamResponse:
    """Remember the language chosen in the switcher (in the profile when signed in, and in the browser) and go back
    to the page."""
    form = await fields(request, "lang", "next")
    response = web.HTTPFound(sessions.local_path(form["next"], "/"))
    if form["lang"] in i18n.LANGUAGES:
        await i18n.remember(request, response, form["lang"])
    raise response


@routes.post("/organization")
@page
async def switch_organization(request: web.Request) -> web.StreamResponse:
    """Work in another of the user's organizations from now on."""
    sessions.require_user(request)
    form = await fields(request, "organization_id", "next")
    mine = {m.organization_id for m in await my_memberships(request)}
    response = web.HTTPFound(sessions.local_path(form["next"]))
    if form["organization_id"] in mine:
        sessions.set_cookie(request, response, ORG_COOKIE, form["organization_id"], _YEAR)
        flash(response, "organization_switched")
    raise response
