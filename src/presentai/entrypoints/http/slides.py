"""REST routes for slides: read, edit (a new version), versions and restore, regenerate, add, delete, reorder."""

from __future__ import annotations

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Gone, NotFound
from presentai.domain.jobs import Job, JobKind
from presentai.domain.presentation import Presentation
from presentai.domain.slides import Bullet, Layout, Slide, SlideContent
from presentai.entrypoints.http.auth import find_in_my_organizations, principal
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.errors import BadRequest
from presentai.entrypoints.http.jobs import accepted, start
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.paging import DEFAULT_LIMIT, MAX_LIMIT
from presentai.entrypoints.http.presentations import ensure_writer, load_presentation, presentation_body, slide_body
from presentai.entrypoints.http.responses import json_response
from presentai.ports.repositories import PresentationRepository

routes = web.RouteTableDef()
_READ, _WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE


@frozen
class BulletBody:
    text: str
    level: int = 0


@frozen
class SlideEditBody:
    title: str | None = None
    bullets: list[BulletBody] | None = None
    notes: str | None = None


@frozen
class ReorderBody:
    slide_ids: list[str]


@frozen
class NewSlideBody:
    title: str = "New slide"
    bullets: list[BulletBody] | None = None
    position: int | None = None


async def load_slide(request: web.Request, slide_id: str, action: Action, scope: Scope) -> tuple[Presentation, Slide]:
    repository: PresentationRepository = request.app[CONTAINER].presentations()

    async def find(organization_id: str) -> Presentation | None:
        return await repository.find_by_slide(organization_id, slide_id)

    presentation = await find_in_my_organizations(request, action, scope, find, NotFound.of("slide", slide_id))
    if presentation.deleted_at is not None:
        raise Gone(f"the slide's presentation {presentation.id} was deleted")
    return presentation, presentation.slide(slide_id)


@routes.post("/api/v1/presentations/{id}/slides/reorder")
@accepts(ReorderBody)
async def reorder_slides(request: web.Request) -> web.Response:
    """Put the slides in the given order (every slide exactly once)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, ReorderBody)
    presentation.ensure_idle()
    presentation.reorder(body.slide_ids)
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.reorder_slides", "presentation", presentation.id)
    return json_response(presentation_body(presentation))


@routes.get("/api/v1/slides/{id}")
async def get_slide(request: web.Request) -> web.Response:
    """One slide's current content with its attribution."""
    presentation, slide = await load_slide(request, request.match_info["id"], Action.READ, _READ)
    return json_response(slide_body(slide, presentation.slides.index(slide) + 1))


def revise_slide(
    request: web.Request,
    presentation: Presentation,
    slide: Slide,
    by: str,
    *,
    title: str | None = None,
    bullets: list[tuple[str, int]] | None = None,
    notes: str | None = None,
) -> None:
    """The edit rule of the API and the slide page: refused while a job holds the deck (409), the given fields
    replace the current ones (a bullet with unchanged text keeps its sources), checked (422), a new version."""
    presentation.ensure_idle()
    content = slide.content.edited(title=title, bullets=bullets, notes=notes)
    slide.revise(content, by=by, limits=request.app[CONTAINER].settings().limits)


def restore_version(request: web.Request, presentation: Presentation, slide: Slide, number: int, by: str) -> None:
    """Version ``number`` of the slide as a new current version (409 while a job holds the deck, 404 if not kept)."""
    presentation.ensure_idle()
    slide.restore(number, by=by, limits=request.app[CONTAINER].settings().limits)


async def keep(request: web.Request, presentation: Presentation, slide: Slide, action: str) -> None:
    """Store the slide's presentation after a change and journal it as ``action``."""
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, action, "slide", slide.id)


async def start_regeneration(request: web.Request, presentation: Presentation, slide: Slide, by: str) -> Job:
    """Queue the job that writes the slide again from its sources (checked: idle, quota, a working writer)."""
    presentation.ensure_idle()
    await request.app[CONTAINER].quotas().check(presentation.organization_id)
    ensure_writer(request)
    job = Job.new(
        JobKind.REGENERATE_SLIDE,
        presentation.organization_id,
        presentation_id=presentation.id,
        target_id=slide.id,
        by=by,
    )
    await start(request, job)
    await audit(request, presentation.organization_id, "slide.regenerate", "slide", slide.id)
    return job


@routes.patch("/api/v1/slides/{id}")
@accepts(SlideEditBody)
async def edit_slide(request: web.Request) -> web.Response:
    """Edit a slide's title, bullets or notes: a new version; edited bullets lose their attribution."""
    presentation, slide = await load_slide(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, SlideEditBody)
    caller = await principal(request)
    bullets = None if body.bullets is None else [(b.text, b.level) for b in body.bullets]
    revise_slide(request, presentation, slide, caller.user_id, title=body.title, bullets=bullets, notes=body.notes)
    await keep(request, presentation, slide, "slide.edit")
    return json_response(slide_body(slide, presentation.slides.index(slide) + 1))


@routes.get("/api/v1/slides/{id}/versions")
async def slide_versions(request: web.Request) -> web.Response:
    """A slide's kept versions, oldest first, a page at a time (``?limit=``, ``?cursor=``)."""
    _, slide = await load_slide(request, request.match_info["id"], Action.READ, _READ)
    limit, after = _version_page(request)
    later = [v for v in slide.versions if v.number > after]
    page = later[:limit]
    data = [
        {
            "number": v.number,
            "reason": v.reason.value,
            "created_by": v.created_by or None,
            "created_at": v.created_at.isoformat(),
            **dump(v.content),
        }
        for v in page
    ]
    more = len(later) > limit
    return json_response({"data": data, "next_cursor": f"v{page[-1].number}" if more else None})


def _version_page(request: web.Request) -> tuple[int, int]:
    """The page size and the version number the page starts after (a cursor names the last one seen)."""
    raw_limit, cursor = request.query.get("limit", str(DEFAULT_LIMIT)), request.query.get("cursor", "")
    if not (raw_limit.isdigit() and len(raw_limit) <= 3 and 1 <= int(raw_limit) <= MAX_LIMIT):
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", {"limit": "out of range"})
    number = cursor.removeprefix("v")
    if cursor and not (cursor.startswith("v") and number.isdigit() and len(number) <= 18):
        raise BadRequest("the cursor is not one this API gave out", {"cursor": "invalid"})
    return int(raw_limit), int(number) if cursor else 0


@routes.post("/api/v1/slides/{id}/restore/{vnum}")
async def restore_slide(request: web.Request) -> web.Response:
    """Make an earlier version current again (as a new version)."""
    presentation, slide = await load_slide(request, request.match_info["id"], Action.EDIT, _WRITE)
    caller = await principal(request)
    try:
        number = int(request.match_info["vnum"])
    except ValueError as error:
        raise NotFound.of("slide version", request.match_info["vnum"]) from error
    restore_version(request, presentation, slide, number, caller.user_id)
    await keep(request, presentation, slide, "slide.restore")
    return json_response(slide_body(slide, presentation.slides.index(slide) + 1))


@routes.post("/api/v1/slides/{id}/regenerate")
@answers(202)
async def regenerate_slide(request: web.Request) -> web.Response:
    """Start writing a new version of the slide from its sources (202; the slide's versions show it)."""
    presentation, slide = await load_slide(request, request.match_info["id"], Action.EDIT, _WRITE)
    caller = await principal(request)
    job = await start_regeneration(request, presentation, slide, caller.user_id)
    return json_response(accepted(job, presentation_id=presentation.id, slide_id=slide.id), status=202)


@routes.post("/api/v1/presentations/{id}/slides")
@accepts(NewSlideBody)
@answers(201)
async def add_slide(request: web.Request) -> web.Response:
    """Add a slide written by hand (empty unless bullets are given)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, NewSlideBody)
    caller = await principal(request)
    bullets = tuple(Bullet(b.text, b.level) for b in body.bullets or [])
    content = SlideContent(Layout.BULLETS, body.title, bullets)
    limits = request.app[CONTAINER].settings().limits
    slide = presentation.add_slide(content, body.position, by=caller.user_id, limits=limits)
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "slide.add", "slide", slide.id)
    return json_response(slide_body(slide, presentation.slides.index(slide) + 1), status=201)


@routes.delete("/api/v1/slides/{id}")
@answers(204)
async def delete_slide(request: web.Request) -> web.Response:
    """Delete a slide."""
    presentation, slide = await load_slide(request, request.match_info["id"], Action.EDIT, _WRITE)
    presentation.remove_slide(slide.id)
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "slide.delete", "slide", slide.id)
    return web.Response(status=204)
