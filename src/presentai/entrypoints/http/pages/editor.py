"""The editor /presentations/{id}: the page, its parts the script refreshes, its status, and the parameters."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.errors import Conflict, NotFound, ValidationFailed
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import editor_generate, editor_share, editor_slides, editor_sources, editor_view
from presentai.entrypoints.http.pages.common import page, render
from presentai.entrypoints.http.pages.editor_common import back
from presentai.entrypoints.http.pages.editor_view import WRITE, editor_path, opened
from presentai.entrypoints.http.pages.forms import field_errors, fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.responses import json_response

_own = web.RouteTableDef()
PARTS = ("sources", "outline", "slides", "exports", "sharing")
_MESSAGES = {
    "slide_count": _("Choose a number of slides the plan allows."),
    "title": _("Enter a title of at most 500 characters."),
    "topic": _("The topic is too long."),
    "tone": _("The tone is too long."),
    "audience": _("The audience is too long."),
    "language": _("Choose a language from the list."),
    "theme": _("Choose a theme from the list."),
    "brand_kit_id": _("Choose a brand kit from the list."),
}


@_own.get("/presentations/{id}")
@page
async def show_editor(request: web.Request) -> web.StreamResponse:
    """The editor: sources, parameters, outline, slides, export and sharing (read-only for viewers)."""
    presentation, membership = await opened(request)
    context = await editor_view.context(request, presentation, membership)
    return await render(request, "editor/page.html", context)


@_own.get("/presentations/{id}/parts/{part}")
@page
async def show_part(request: web.Request) -> web.StreamResponse:
    """One part of the editor, for the script to put in place of the one shown."""
    part = request.match_info["part"]
    if part not in PARTS:
        raise NotFound.of("part", part)
    presentation, membership = await opened(request)
    context = await editor_view.context(request, presentation, membership)
    return await render(request, f"editor/_{part}.html", context)


@_own.get("/presentations/{id}/status")
@page
async def show_status(request: web.Request) -> web.StreamResponse:
    """The editor's changing states as JSON (the script polls it when the WebSocket is unavailable)."""
    presentation, _membership = await opened(request)
    return json_response(await editor_view.status(request, presentation))


async def _kit(request: web.Request, presentation: Presentation, kit_id: str) -> str | None:
    """The brand kit named in the form, which must be one of the organization's ("": none)."""
    if not kit_id:
        return None
    try:
        await request.app[CONTAINER].brand_kits().get(presentation.organization_id, kit_id)
    except NotFound:
        raise ValidationFailed("no such brand kit", {"brand_kit_id": "no such brand kit"}) from None
    return kit_id


async def _parameters(request: web.Request, presentation: Presentation) -> GenerationParameters:
    form = await fields(request, "slide_count", "topic", "tone", "audience", "language", "brand_kit_id")
    count = form["slide_count"].strip()
    if not count.isdigit() or len(count) > 4:
        raise ValidationFailed("the slide count is a whole number", {"slide_count": "not a number"})
    return GenerationParameters(
        int(count),
        form["topic"].strip(),
        form["tone"].strip() or "neutral",
        form["audience"].strip() or "general",
        form["language"] or None,
        await _kit(request, presentation, form["brand_kit_id"]),
    )


@_own.post("/presentations/{id}/parameters")
@page
async def save_parameters(request: web.Request) -> web.StreamResponse:
    """Change the title and the generation parameters (as PATCH /api/v1/presentations/{id} does)."""
    presentation, membership = await opened(request, Action.EDIT, WRITE)
    form = await fields(request, "title", "theme")
    title, theme = form["title"], form["theme"] or None
    settings = request.app[CONTAINER].settings()
    try:
        parameters = await _parameters(request, presentation)
        presentation.update(
            title=title, parameters=parameters, theme=theme, max_slides=settings.max_slides, limits=settings.limits
        )
    except ValidationFailed as error:
        context = await editor_view.context(request, presentation, membership)
        messages = field_errors(error)
        context["errors"] = {
            name: gettext(_MESSAGES[name]) if name in _MESSAGES else messages[name] for name in messages
        }
        return await render(request, "editor/page.html", context, status=400)
    except Conflict:
        raise back(editor_path(presentation, "parameters"), "editor_busy") from None
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.update", "presentation", presentation.id)
    raise back(editor_path(presentation, "parameters"), "editor_saved")


# Every route of the editor, for the pages' GROUPS.
routes: list[web.AbstractRouteDef] = [
    *_own,
    *editor_sources.routes,
    *editor_generate.routes,
    *editor_slides.routes,
    *editor_share.routes,
]
