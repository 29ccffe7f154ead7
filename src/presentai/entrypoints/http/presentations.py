"""REST routes for presentations, their sources, generation, slides and versions.

Generation and ingestion are background jobs: their routes answer 202 with the job's id, whose
progress streams on /ws.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Conflict, Gone, NotFound, NoUsableSources, ValidationFailed
from presentai.domain.jobs import Job, JobKind
from presentai.domain.outline import OutlineEdit
from presentai.domain.presentation import DEFAULT_THEME, GenerationParameters, Presentation
from presentai.domain.slides import Slide
from presentai.domain.sources import IngestionStatus
from presentai.entrypoints.http.auth import find_in_my_organizations, organization_for, principal
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.files import file_body, ingest_file, presentation_for_upload, read_upload
from presentai.entrypoints.http.jobs import accepted, start
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import AUDIT, CONTAINER
from presentai.entrypoints.http.openapi import accepts, accepts_upload, answers
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.projects import actor
from presentai.entrypoints.http.responses import json_response
from presentai.entrypoints.http.themes import list_themes
from presentai.ports.repositories import PresentationRepository
from presentai.services.presentations import CreatePresentation

routes = web.RouteTableDef()
routes.get("/api/v1/themes")(list_themes)  # the names a presentation's ``theme`` takes


@frozen
class CreatePresentationBody:
    organization_id: str = ""
    project_id: str = ""
    title: str = ""
    slide_count: int = 10
    topic: str = ""
    tone: str = "neutral"
    audience: str = "general"
    language: str | None = None
    brand_kit_id: str | None = None
    theme: str = DEFAULT_THEME  # light, dark or corporate (GET /api/v1/themes)


@frozen
class OutlineItemBody:
    title: str
    key_points: tuple[str, ...] = ()
    from_index: int | None = None  # the item of the current outline it came from (its passages stay); none: new


@frozen
class UpdatePresentationBody:
    title: str | None = None
    slide_count: int | None = None
    topic: str | None = None
    tone: str | None = None
    audience: str | None = None
    language: str | None = None
    brand_kit_id: str | None = None  # "": back to the organization's default kit
    theme: str | None = None
    outline: tuple[OutlineItemBody, ...] | None = None  # the outline's items, all of them, in their new order


@frozen
class AttachFileBody:
    file_id: str


@frozen
class DuplicateBody:
    title: str = ""


_READ, _WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE


async def _named_kit(request: web.Request, organization_id: str, kit_id: str | None) -> str | None:
    """The brand kit a presentation names, which must be one of its organization's (``""``: none)."""
    if not kit_id:
        return None
    try:
        await request.app[CONTAINER].brand_kits().get(organization_id, kit_id)
    except NotFound:
        raise ValidationFailed(
            f"the organization has no brand kit {kit_id}", {"brand_kit_id": "no such brand kit"}
        ) from None
    return kit_id


async def load_presentation(request: web.Request, presentation_id: str, action: Action, scope: Scope) -> Presentation:
    """A presentation of one of the caller's organizations; a deleted one is ``Gone``."""
    repository: PresentationRepository = request.app[CONTAINER].presentations()

    async def find(organization_id: str) -> Presentation | None:
        try:
            return await repository.get(organization_id, presentation_id)
        except NotFound:
            return None

    presentation = await find_in_my_organizations(
        request, action, scope, find, NotFound.of("presentation", presentation_id)
    )
    if presentation.deleted_at is not None:
        raise Gone(f"presentation {presentation_id} was deleted")
    return presentation


def slide_body(slide: Slide, number: int) -> dict[str, Any]:
    return {"id": slide.id, "number": number, "version": slide.version, **dump(slide.content)}


def presentation_body(presentation: Presentation, *, slides: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": presentation.id,
        "organization_id": presentation.organization_id,
        "title": presentation.title,
        "status": presentation.status.value,
        "parameters": dump(presentation.parameters),
        "language": presentation.language,
        "theme": presentation.theme,
        "project_id": presentation.project_id or None,
        "source_ids": list(presentation.source_ids),
        "warnings": list(presentation.warnings),
        "error_message": presentation.error_message or None,
        "outline": dump(presentation.outline) if presentation.outline else None,
        "created_at": presentation.created_at.isoformat(),
    }
    if slides:
        body["slides"] = [slide_body(s, i) for i, s in enumerate(presentation.slides, start=1)]
    return body


@routes.post("/api/v1/presentations")
@accepts(CreatePresentationBody)
@answers(201)
async def create_presentation(request: web.Request) -> web.Response:
    """A new draft presentation in one of the caller's organizations."""
    body = await read_body(request, CreatePresentationBody)
    organization_id = await organization_for(request, body.organization_id, Action.EDIT, _WRITE)
    kit_id = await _named_kit(request, organization_id, body.brand_kit_id)
    parameters = GenerationParameters(body.slide_count, body.topic, body.tone, body.audience, body.language, kit_id)
    presentation = await creation(request)(
        await actor(request), organization_id, body.title, parameters, project_id=body.project_id, theme=body.theme
    )
    return json_response(presentation_body(presentation), status=201)


def creation(request: web.Request) -> CreatePresentation:
    """The command that makes a presentation, on this app's repositories, journal and limits."""
    container = request.app[CONTAINER]
    settings = container.settings()
    return CreatePresentation(
        presentations=container.presentations(),
        projects=container.projects(),
        audit=request.app[AUDIT],
        max_slides=settings.max_slides,
        limits=settings.limits,
    )


@routes.get("/api/v1/presentations")
async def list_presentations(request: web.Request) -> web.Response:
    """The presentations of one of the caller's organizations, newest first."""
    organization_id = await organization_for(request, request.query.get("organization_id", ""), Action.READ, _READ)
    limit, before = page_request(request)
    repository: PresentationRepository = request.app[CONTAINER].presentations()
    page = await repository.page(
        organization_id,
        limit,
        before=before,
        status=request.query.get("status", ""),
        text=request.query.get("q", ""),
        project_id=request.query.get("project_id", ""),
    )
    data = [
        {
            "id": p.id,
            "organization_id": p.organization_id,
            "title": p.title,
            "status": p.status.value,
            "parameters": dump(p.parameters),
            "language": p.language,
            "theme": p.theme,
            "created_at": p.created_at.isoformat(),
        }
        for p in page
    ]
    return json_response({"data": data, "next_cursor": next_cursor([p.id for p in page], limit)})


@routes.get("/api/v1/presentations/{id}")
async def get_presentation(request: web.Request) -> web.Response:
    """A presentation with its slides."""
    return json_response(
        presentation_body(await load_presentation(request, request.match_info["id"], Action.READ, _READ))
    )


@routes.post("/api/v1/presentations/{id}/sources")
@accepts(AttachFileBody)
@accepts_upload()
@answers(201, 202)
async def add_source(request: web.Request) -> web.Response:
    """Add a source: upload a file (multipart field ``file``), or attach a file uploaded before (``file_id``)."""
    presentation = await presentation_for_upload(request, request.match_info["id"])
    container = request.app[CONTAINER]
    if request.content_type.startswith("multipart/"):
        filename, data, _ = await read_upload(request, container.settings().max_upload_bytes)
        answer = await ingest_file(request, presentation.organization_id, presentation, filename, data)
        return json_response(answer, status=202)
    body = await read_body(request, AttachFileBody)
    source = await container.sources().get(presentation.organization_id, body.file_id)  # another tenant's: 404
    presentation.add_source(source.id, container.settings().max_sources)
    await container.presentations().save(presentation)
    await audit(request, presentation.organization_id, "source.attach", "source", source.id)
    return json_response(file_body(source), status=201)


@routes.get("/api/v1/presentations/{id}/sources")
async def list_sources(request: web.Request) -> web.Response:
    """The presentation's sources and their ingestion status."""
    presentation = await load_presentation(request, request.match_info["id"], Action.READ, _READ)
    found = await request.app[CONTAINER].sources().get_many(presentation.organization_id, presentation.source_ids)
    return json_response({"data": [file_body(s) for s in found], "next_cursor": None})


@routes.post("/api/v1/presentations/{id}/generate/outline")
@answers(202)
async def generate_outline(request: web.Request) -> web.Response:
    """Start planning the outline from the indexed sources (202; progress on /ws under the job id)."""
    return await _generate(request, JobKind.GENERATE_OUTLINE)


@routes.post("/api/v1/presentations/{id}/generate/slides")
@answers(202)
async def generate_slides(request: web.Request) -> web.Response:
    """Start writing every slide of the outline (202; each slide is saved and announced as it is done)."""
    return await _generate(request, JobKind.GENERATE_SLIDES)


def ensure_writer(request: web.Request) -> None:
    """503 ``llm_unavailable`` at once when every language model is known to be failing."""
    check = getattr(request.app[CONTAINER].writer(), "ensure_available", None)  # only model-backed writers
    if check is not None:
        check()


async def _check_sources(request: web.Request, presentation: Presentation) -> None:
    """Refuse at once what the job would refuse later: no usable source, or sources still being read."""
    found = await request.app[CONTAINER].sources().get_many(presentation.organization_id, presentation.source_ids)
    busy = [s.filename for s in found if s.status in (IngestionStatus.PENDING, IngestionStatus.PROCESSING)]
    if busy:
        raise Conflict(f"wait until these sources are read: {', '.join(busy)}")
    if not any(s.status is IngestionStatus.INDEXED for s in found):
        raise NoUsableSources("add a source that can be read before generating")


async def _generate(request: web.Request, kind: JobKind) -> web.Response:
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    container = request.app[CONTAINER]
    caller = await principal(request)
    await container.quotas().check(presentation.organization_id)
    ensure_writer(request)
    job = Job.new(kind, presentation.organization_id, presentation_id=presentation.id, by=caller.user_id)
    if kind is JobKind.GENERATE_OUTLINE:
        await _check_sources(request, presentation)
        presentation.start_outlining(job.id)  # 409 while another job runs on it
    else:
        presentation.start_generating(job.id)
    await container.presentations().save(presentation)  # a concurrent start loses here (409)
    await start(request, job, presentation)
    await audit(request, presentation.organization_id, f"presentation.{kind.value}", "presentation", presentation.id)
    return json_response(accepted(job, presentation_id=presentation.id, status=presentation.status.value), status=202)


@routes.patch("/api/v1/presentations/{id}")
@accepts(UpdatePresentationBody)
async def update_presentation(request: web.Request) -> web.Response:
    """Change the title, the generation parameters, the theme or the outline's items (all or nothing)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, UpdatePresentationBody)
    current = presentation.parameters
    parameters = GenerationParameters(
        body.slide_count if body.slide_count is not None else current.slide_count,
        body.topic if body.topic is not None else current.topic,
        body.tone if body.tone is not None else current.tone,
        body.audience if body.audience is not None else current.audience,
        body.language if body.language is not None else current.language,
        await _named_kit(request, presentation.organization_id, body.brand_kit_id)
        if body.brand_kit_id is not None
        else current.brand_kit_id,
    )
    container = request.app[CONTAINER]
    settings = container.settings()
    presentation.update(
        title=body.title,
        parameters=parameters,
        theme=body.theme,
        max_slides=settings.max_slides,
        limits=settings.limits,
    )
    if body.outline is not None:
        edits = [OutlineEdit(i.title, i.key_points, i.from_index) for i in body.outline]
        presentation.revise_outline(edits, limits=settings.limits)
    await container.presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.update", "presentation", presentation.id)
    return json_response(presentation_body(presentation))


@routes.delete("/api/v1/presentations/{id}")
@answers(204)
async def delete_presentation(request: web.Request) -> web.Response:
    """Soft-delete: the presentation answers 410 from now on and leaves the lists."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    presentation.delete()
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "presentation.delete", "presentation", presentation.id)
    return web.Response(status=204)


@routes.post("/api/v1/presentations/{id}/duplicate")
@accepts(DuplicateBody)
@answers(201)
async def duplicate_presentation(request: web.Request) -> web.Response:
    """A copy with the same sources and current slides."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, _WRITE)
    body = await read_body(request, DuplicateBody)
    copy = presentation.duplicate(body.title, request.app[CONTAINER].settings().limits)
    await request.app[CONTAINER].presentations().add(copy)
    await audit(request, presentation.organization_id, "presentation.duplicate", "presentation", copy.id)
    return json_response(presentation_body(copy), status=201)


@routes.delete("/api/v1/presentations/{id}/sources/{sid}")
@answers(204)
async def remove_source(request: web.Request) -> web.Response:
    """Detach a source from the presentation (its slides keep their attributions)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, Scope.SOURCES_WRITE)
    presentation.remove_source(request.match_info["sid"])
    await request.app[CONTAINER].presentations().save(presentation)
    await audit(request, presentation.organization_id, "source.remove", "source", request.match_info["sid"])
    return web.Response(status=204)
