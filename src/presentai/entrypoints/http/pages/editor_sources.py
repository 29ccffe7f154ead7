"""The editor's sources: upload (a form, or dropped files sent by the script), add by URL, remove."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.errors import FileTooLarge, ValidationFailed
from presentai.domain.sources import megabytes
from presentai.entrypoints.http import presentations
from presentai.entrypoints.http.files import check_url, ingest_file, presentation_for_upload
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.editor_common import act
from presentai.entrypoints.http.pages.forms import fields

routes = web.RouteTableDef()


def _sources_path(presentation_id: str) -> str:
    return f"/presentations/{presentation_id}#sources"


@routes.post("/presentations/{id}/sources")
@page
async def upload_sources(request: web.Request) -> web.StreamResponse:
    """Upload one or more files (multipart field ``file``) into the presentation, each ingested as the API's."""
    sessions.require_user(request)
    presentation_id = request.match_info["id"]

    async def upload() -> dict[str, Any]:
        presentation = await presentation_for_upload(request, presentation_id)
        limit = request.app[CONTAINER].settings().max_upload_bytes
        form = await request.post()
        files = [f for f in form.getall("file", []) if isinstance(f, web.FileField)]
        if not files or not any(f.filename for f in files):
            raise ValidationFailed("choose a file to upload", {"file": "missing"})
        answers = []
        for upload in files:
            data = upload.file.read(limit + 1)
            if len(data) > limit:
                raise FileTooLarge(f"the file is over the {megabytes(limit)} limit", upload.filename, limit)
            answers.append(
                await ingest_file(request, presentation.organization_id, presentation, upload.filename, data)
            )
        return {"sources": answers}

    return await act(request, _sources_path(presentation_id), "editor_source_added", upload)


@routes.post("/presentations/{id}/sources/url")
@page
async def add_url(request: web.Request) -> web.StreamResponse:
    """Fetch a file from a public address and ingest it into the presentation (as POST /api/v1/files/url)."""
    sessions.require_user(request)
    presentation_id = request.match_info["id"]
    url = (await fields(request, "url"))["url"].strip()

    async def fetch() -> dict[str, Any]:
        presentation = await presentation_for_upload(request, presentation_id)
        container = request.app[CONTAINER]
        check_url(url, container.settings().limits.url_chars)
        await container.quotas().check(presentation.organization_id)
        await container.quotas().check_storage(presentation.organization_id, 1)
        fetched = await container.fetcher().fetch(url)
        answer = await ingest_file(request, presentation.organization_id, presentation, fetched.filename, fetched.data)
        return {"sources": [answer]}

    return await act(request, _sources_path(presentation_id), "editor_source_added", fetch)


@routes.post("/presentations/{id}/sources/{sid}/remove")
@page
async def remove_source(request: web.Request) -> web.StreamResponse:
    """Detach a source (the API's DELETE /api/v1/presentations/{id}/sources/{sid}, same checks)."""
    sessions.require_user(request)

    async def remove() -> None:
        await presentations.remove_source(request)

    return await act(request, _sources_path(request.match_info["id"]), "editor_source_removed", remove)
