"""REST routes for exports: start one (202, a job), read its state, download the file by its link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import Gone, NotFound
from presentai.domain.exports import Export, ExportFormat
from presentai.domain.jobs import Job, JobKind
from presentai.entrypoints.http.auth import principal
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.jobs import accepted, start
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.presentations import load_presentation
from presentai.entrypoints.http.responses import json_response
from presentai.services.exports import request_export

routes = web.RouteTableDef()


@frozen
class ExportBody:
    format: str = "pptx"


def export_body(request: web.Request, export: Export) -> dict[str, Any]:
    """An export as the API shows it; ``download_url`` while its link works."""
    now = datetime.now(UTC)
    public_url = request.app[CONTAINER].settings().public_url
    return {
        "id": export.id,
        "export_job_id": export.id,
        "presentation_id": export.presentation_id,
        "format": export.format.value,
        "status": export.status.value,
        "filename": export.filename or None,
        "size_bytes": export.size_bytes or None,
        "download_url": export.download_url(public_url, now),
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
        "expired": export.expired(now),
        "error_message": export.error_message or None,
        "requested_by": export.requested_by,
        "created_at": export.created_at.isoformat(),
        "completed_at": export.completed_at.isoformat() if export.completed_at else None,
    }


@routes.post("/api/v1/presentations/{id}/export")
@accepts(ExportBody)
@answers(202)
async def start_export(request: web.Request) -> web.Response:
    """Start an export (pptx, pdf, or png: a ZIP of slide images). 202 with the export's id, which is
    also its job id on /ws, where ``export_completed`` brings the download link."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, Scope.EXPORTS_WRITE)
    body = await read_body(request, ExportBody)
    export_format = ExportFormat.parse(body.format)
    caller = await principal(request)
    presentation.ensure_idle()  # 409 while a job is writing its slides
    export = request_export(presentation, export_format, by=caller.user_id)
    container = request.app[CONTAINER]
    await container.quotas().count_export(presentation.organization_id)  # 429 past the plan's exports a month
    await container.exports().add(export)
    job = Job(
        export.id,
        JobKind.EXPORT_PRESENTATION,
        export.organization_id,
        presentation_id=presentation.id,
        target_id=export.id,
        requested_by=caller.user_id,
    )
    await start(request, job)
    await audit(request, presentation.organization_id, "presentation.export", "export", export.id)
    return json_response(
        accepted(job, export_id=export.id, presentation_id=presentation.id, format=export_format.value), status=202
    )


async def _export(request: web.Request) -> Export:
    presentation = await load_presentation(request, request.match_info["id"], Action.READ, Scope.PRESENTATIONS_READ)
    export: Export = await request.app[CONTAINER].exports().get(presentation.organization_id, request.match_info["eid"])
    if export.presentation_id != presentation.id:
        raise NotFound.of("export", export.id)
    return export


@routes.get("/api/v1/presentations/{id}/export/{eid}")
async def get_export(request: web.Request) -> web.Response:
    """An export's state: ``queued → running → completed | failed``, and its download link while it works."""
    return json_response(export_body(request, await _export(request)))


@routes.get("/api/v1/presentations/{id}/exports")
async def list_exports(request: web.Request) -> web.Response:
    """The presentation's exports, newest first."""
    presentation = await load_presentation(request, request.match_info["id"], Action.READ, Scope.PRESENTATIONS_READ)
    found = await request.app[CONTAINER].exports().for_presentation(presentation.organization_id, presentation.id)
    return json_response({"data": [export_body(request, e) for e in found], "next_cursor": None})


@routes.get("/api/v1/presentations/{id}/export/{eid}/download")
async def download_export(request: web.Request) -> web.StreamResponse:
    """The exported file, for whoever holds the link (no sign-in, like a presigned URL); 410 ``gone``
    once the link has expired (the file is deleted then) or the presentation was deleted."""
    container = request.app[CONTAINER]
    export = await container.exports().for_download(request.match_info["eid"], request.query.get("token", ""))
    if export is None or export.presentation_id != request.match_info["id"]:
        raise NotFound.of("export", request.match_info["eid"])
    try:
        export.check_download(request.query.get("token", ""), datetime.now(UTC))
    except Gone:
        await container.store().delete(export.storage_key)
        raise
    presentation = await container.presentations().get(export.organization_id, export.presentation_id)
    if presentation.deleted_at is not None:
        raise Gone(f"presentation {presentation.id} was deleted, and its exports with it")
    data = await container.store().get(export.storage_key)
    plain = export.filename.encode("ascii", "replace").decode()
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(export.filename)}"
    return web.Response(
        body=data,
        content_type=export.format.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )
