"""The editor's generation: plan the outline, review and edit it, write the slides (the API's jobs)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.outline import Outline, OutlineEdit
from presentai.entrypoints.http import presentations
from presentai.entrypoints.http.bodies import bad_text
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.editor_common import act, back
from presentai.entrypoints.http.pages.editor_view import WRITE, opened
from presentai.entrypoints.http.pages.forms import fields

routes = web.RouteTableDef()


def _job(response: web.StreamResponse) -> dict[str, Any]:
    raw = getattr(response, "body", b"")
    body = orjson.loads(raw) if isinstance(raw, bytes) else {}
    return {"job_id": body.get("job_id", ""), "status": body.get("status", "")}


@routes.post("/presentations/{id}/generate/outline")
@page
async def generate_outline(request: web.Request) -> web.StreamResponse:
    """Start planning the outline (POST /api/v1/presentations/{id}/generate/outline, same checks)."""
    sessions.require_user(request)

    async def start() -> dict[str, Any]:
        return _job(await presentations.generate_outline(request))

    return await act(request, f"/presentations/{request.match_info['id']}#outline", "editor_outline_started", start)


@routes.post("/presentations/{id}/generate/slides")
@page
async def generate_slides(request: web.Request) -> web.StreamResponse:
    """Start writing the slides of the outline (POST /api/v1/presentations/{id}/generate/slides)."""
    sessions.require_user(request)

    async def start() -> dict[str, Any]:
        return _job(await presentations.generate_slides(request))

    return await act(request, f"/presentations/{request.match_info['id']}#slides", "editor_slides_started", start)


def revised(outline: Outline, rows: list[tuple[int, str, str, bool]], move: str) -> list[OutlineEdit]:
    """The rows as edits of ``outline``: their titles and key points (one a line), in the rows' order, removed
    ones and rows of no item left out, and ``move`` ("up:<row>" or "down:<row>") applied."""
    edits = [
        OutlineEdit(title, tuple(line for line in points.splitlines() if line.strip()), index)
        for index, title, points, removed in rows
        if not removed and 0 <= index < len(outline.items)
    ]
    direction, _, row = move.partition(":")
    at = next((i for i, e in enumerate(edits) if row.isdigit() and e.from_index == int(row)), None)
    to = None if at is None or direction not in ("up", "down") else at - 1 if direction == "up" else at + 1
    if at is not None and to is not None and 0 <= to < len(edits):
        edits[at], edits[to] = edits[to], edits[at]
    return edits


@routes.post("/presentations/{id}/outline")
@page
async def save_outline(request: web.Request) -> web.StreamResponse:
    """Keep the reviewed outline: edited titles and key points, reordered or removed items."""
    presentation, _membership = await opened(request, Action.EDIT, WRITE)
    target = f"/presentations/{presentation.id}#outline"
    form = await request.post()
    move = (await fields(request, "move"))["move"]
    indexes, titles, points = form.getall("item", []), form.getall("title", []), form.getall("points", [])
    removed = {str(v) for v in form.getall("remove", [])}
    if presentation.outline is None or not len(indexes) == len(titles) == len(points):
        raise back(target, "editor_invalid")
    rows = [
        (int(str(i)) if str(i).isdigit() else -1, str(t), str(p), str(i) in removed)
        for i, t, p in zip(indexes, titles, points, strict=True)
    ]
    if any(bad_text(str(v)) for v in (*titles, *points)):
        raise back(target, "editor_invalid")
    try:
        presentation.revise_outline(
            revised(presentation.outline, rows, move), limits=request.app[CONTAINER].settings().limits
        )
    except Conflict:
        raise back(target, "editor_busy") from None
    except ValidationFailed:
        raise back(target, "editor_invalid") from None
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.update", "presentation", presentation.id)
    raise back(target, "editor_outline_saved")
