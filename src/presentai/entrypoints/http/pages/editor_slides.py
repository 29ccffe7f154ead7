"""The editor's slides: reorder (dragged, or moved one place by a button), delete, add an empty one."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.slides import Layout, SlideContent
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.editor_common import act
from presentai.entrypoints.http.pages.editor_view import WRITE, opened
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.pages.i18n import _, gettext

routes = web.RouteTableDef()
NEW_SLIDE = _("New slide")


def _target(presentation_id: str, slide_id: str = "") -> str:
    return f"/presentations/{presentation_id}#" + (f"slide-{slide_id}" if slide_id else "slides")


async def _reordered(request: web.Request, slide_ids: list[str]) -> dict[str, Any]:
    """Put the slides in ``slide_ids``' order (as POST /api/v1/presentations/{id}/slides/reorder)."""
    presentation, _membership = await opened(request, Action.EDIT, WRITE)
    presentation.ensure_idle()
    presentation.reorder(slide_ids)
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.reorder_slides", "presentation", presentation.id)
    return {"slide_ids": [s.id for s in presentation.slides]}


@routes.post("/presentations/{id}/slides/reorder")
@page
async def reorder_slides(request: web.Request) -> web.StreamResponse:
    """The order the slides were dragged into (every slide id once, in order)."""
    form = await request.post()
    slide_ids = [str(v) for v in form.getall("slide_id", [])]

    async def reorder() -> dict[str, Any]:
        return await _reordered(request, slide_ids)

    return await act(request, _target(request.match_info["id"]), "editor_slides_reordered", reorder)


@routes.post("/presentations/{id}/slides/{sid}/move")
@page
async def move_slide(request: web.Request) -> web.StreamResponse:
    """Move one slide a place up or down (the keyboard's way to reorder)."""
    direction = (await fields(request, "direction"))["direction"]
    slide_id = request.match_info["sid"]

    async def move() -> dict[str, Any]:
        presentation, _membership = await opened(request, Action.EDIT, WRITE)
        order = [s.id for s in presentation.slides]
        at = order.index(presentation.slide(slide_id).id)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
        return await _reordered(request, order)

    return await act(request, _target(request.match_info["id"], slide_id), "editor_slides_reordered", move)


@routes.post("/presentations/{id}/slides/{sid}/delete")
@page
async def delete_slide(request: web.Request) -> web.StreamResponse:
    """Delete a slide (as DELETE /api/v1/slides/{id})."""

    async def delete() -> None:
        presentation, _membership = await opened(request, Action.EDIT, WRITE)
        slide = presentation.slide(request.match_info["sid"])
        presentation.remove_slide(slide.id)
        await request.app[CONTAINER].presentations().save(presentation)
        await audit(request, presentation.organization_id, "slide.delete", "slide", slide.id)

    return await act(request, _target(request.match_info["id"]), "editor_slide_deleted", delete)


@routes.post("/presentations/{id}/slides")
@page
async def add_slide(request: web.Request) -> web.StreamResponse:
    """Add an empty slide at the end (as POST /api/v1/presentations/{id}/slides)."""

    async def add() -> dict[str, Any]:
        presentation, _membership = await opened(request, Action.EDIT, WRITE)
        limits = request.app[CONTAINER].settings().limits
        content = SlideContent(Layout.BULLETS, gettext(NEW_SLIDE))
        slide = presentation.add_slide(content, None, by=sessions.caller(request).user_id, limits=limits)
        await request.app[CONTAINER].presentations().save(presentation)
        await audit(request, presentation.organization_id, "slide.add", "slide", slide.id)
        return {"slide_id": slide.id}

    return await act(request, _target(request.match_info["id"]), "editor_slide_added", add)
