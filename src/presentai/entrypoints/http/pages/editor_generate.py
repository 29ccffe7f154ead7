"""The editor's generation: plan the outline, review and edit it, write the slides (the API's jobs)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from attrs import evolve

from presentai.domain.accounts import Action
from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.presentation import Outline
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
_POINTS = 12  # key points kept per outline item


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


def revised(outline: Outline, rows: list[tuple[int, str, str, bool]], move: str) -> Outline:
    """``outline`` with the rows' titles and key points (one a line), in the rows' order, removed ones left
    out, and ``move`` ("up:<row>" or "down:<row>") applied; each kept item keeps its passages."""
    items = []
    for index, title, points, removed in rows:
        if removed or not 0 <= index < len(outline.items):
            continue
        lines = tuple(line.strip() for line in points.splitlines() if line.strip())[:_POINTS]
        items.append(evolve(outline.items[index], title=title.strip(), key_points=lines))
    direction, _, row = move.partition(":")
    if row.isdigit() and direction in ("up", "down"):
        kept = [r for r in rows if not r[3] and 0 <= r[0] < len(outline.items)]
        at = next((i for i, r in enumerate(kept) if r[0] == int(row)), None)
        to = None if at is None else at - 1 if direction == "up" else at + 1
        if at is not None and to is not None and 0 <= to < len(items):
            items[at], items[to] = items[to], items[at]
    return evolve(outline, items=tuple(items))


def _check_lengths(request: web.Request, outline: Outline) -> None:
    limits = request.app[CONTAINER].settings().limits
    for item in outline.items:
        texts = (item.title, *item.key_points)
        if len(item.title) > limits.title_chars or any(len(p) > limits.bullet_chars or bad_text(p) for p in texts):
            raise ValidationFailed("an outline item is too long", {"items": "too long"})


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
    outline = revised(presentation.outline, rows, move)
    try:
        presentation.ensure_idle()
        outline.validate(presentation.parameters.slide_count)
        _check_lengths(request, outline)
    except Conflict:
        raise back(target, "editor_busy") from None
    except ValidationFailed:
        raise back(target, "editor_invalid") from None
    presentation.outline = outline
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.update", "presentation", presentation.id)
    raise back(target, "editor_outline_saved")
