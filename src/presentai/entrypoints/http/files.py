"""REST routes for files: multipart upload, import from a URL, ingestion status.

A file is a source document of an organization. It can be uploaded on its own and attached to
presentations later (``POST /presentations/{id}/sources`` with ``{"file_id": …}``), or uploaded
straight into a presentation. Every upload is ingested through the foundation's ``IngestSource``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, web
from attrs import frozen

from presentai.adapters.parsers.sniff import sniff
from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import FileTooLarge, Gone, NotFound, ValidationFailed
from presentai.domain.jobs import Job, JobKind
from presentai.domain.presentation import Presentation
from presentai.domain.sources import SourceDocument, megabytes
from presentai.entrypoints.http.auth import find_in_my_organizations, organization_for, principal
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.errors import BadRequest
from presentai.entrypoints.http.jobs import accepted, start
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, accepts_upload, answers
from presentai.entrypoints.http.responses import json_response
from presentai.services.ingest import original_key

routes = web.RouteTableDef()


@frozen
class UrlImportBody:
    url: str
    organization_id: str = ""
    presentation_id: str = ""


_HOST_CHARS = 253  # DNS: a name of at most 253 characters, in labels of at most 63


def check_url(url: str, url_chars: int) -> None:
    """Refuse an address no fetch could use (too long, no host, a host name DNS cannot hold) before fetching."""
    if len(url) > url_chars:
        raise ValidationFailed(f"the URL is over {url_chars} characters", {"url": "too long"})
    try:
        host = urlsplit(url).hostname or ""
        host.encode("idna")
    except (ValueError, UnicodeError) as error:
        raise ValidationFailed("the URL's host name is not valid", {"url": "invalid host"}) from error
    if not host or len(host) > _HOST_CHARS or any(len(label) > 63 for label in host.split(".")):
        raise ValidationFailed("the URL's host name is not valid", {"url": "invalid host"})


def file_body(source: SourceDocument) -> dict[str, Any]:
    """The API's view of a file (a source document) and its ingestion."""
    return {
        "id": source.id,
        "organization_id": source.organization_id,
        "presentation_id": source.presentation_id or None,
        "filename": source.filename,
        "media_type": source.media_type or None,
        "size_bytes": source.size_bytes,
        "ingestion_status": source.status.value,
        "chunks_created": source.chunks_created,
        "error_code": source.error_code or None,
        "error_message": source.error_message or None,
        "page_count": source.page_count,
        "language": source.language or None,
    }


async def read_upload(request: web.Request, limit: int) -> tuple[str, bytes, dict[str, str]]:
    """The ``file`` part of a multipart form (streamed, stopped at ``limit``) and its small text fields.

    At most ``limit_multipart_parts`` parts are read, and a field no more than ``limit_form_field_bytes``:
    a form of a hundred thousand empty parts is refused at the ninth, not parsed to the end.
    """
    if not request.content_type.startswith("multipart/"):
        raise ValidationFailed("upload the file as multipart/form-data in a field named 'file'", {"file": "missing"})
    limits = request.app[CONTAINER].settings().limits
    try:
        reader = await request.multipart()
    except ValueError as error:  # no boundary in the Content-Type
        raise BadRequest(f"the multipart body cannot be read: {error}") from error
    fields: dict[str, str] = {}
    upload: tuple[str, bytes] | None = None
    parts = 0
    async for part in reader:
        parts += 1
        if parts > limits.multipart_parts:
            raise ValidationFailed(
                f"an upload form has at most {limits.multipart_parts} parts", {"form": "too many parts"}
            )
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file" and upload is None:
            filename = part.filename or "upload"
            upload = (filename, await _read_part(part, limit, _too_large(filename, limit)))
        elif part.name:
            name = part.name[:100]
            value = await _read_part(
                part,
                limits.form_field_bytes,
                ValidationFailed(f"the form field {name!r} is too long", {name: "too long"}),
            )
            fields[name] = value.decode("utf-8", "replace").replace("\x00", "").strip()
    if upload is None:
        raise ValidationFailed("the form has no field named 'file'", {"file": "missing"})
    return upload[0], upload[1], fields


def _too_large(filename: str, limit: int) -> FileTooLarge:
    return FileTooLarge(f"the file is over the {megabytes(limit)} limit", filename, limit)


async def _read_part(part: BodyPartReader, limit: int, refusal: Exception) -> bytes:
    """A part's bytes, refused with ``refusal`` as soon as they pass ``limit`` (never read whole first)."""
    data = bytearray()
    while chunk := await part.read_chunk(min(2**16, limit + 1)):
        data += chunk
        if len(data) > limit:
            raise refusal
    return bytes(data)  # not decoded: a Content-Encoding could make a small part inflate without bound


async def presentation_for_upload(request: web.Request, presentation_id: str) -> Presentation:
    """A live presentation of the caller's organizations that the caller may add sources to."""
    repository = request.app[CONTAINER].presentations()

    async def find(organization_id: str) -> Presentation | None:
        try:
            return await repository.get(organization_id, presentation_id)  # type: ignore[no-any-return]
        except NotFound:
            return None

    presentation = await find_in_my_organizations(
        request, Action.EDIT, Scope.SOURCES_WRITE, find, NotFound.of("presentation", presentation_id)
    )
    if presentation.deleted_at is not None:
        raise Gone(f"presentation {presentation_id} was deleted")
    return presentation


async def ingest_file(
    request: web.Request, organization_id: str, presentation: Presentation | None, filename: str, data: bytes
) -> dict[str, Any]:
    """Check the type, store the original, record the source (attached to ``presentation`` if given)
    and queue its ingestion; the 202 body names the job whose ``ingestion_completed`` event ends it."""
    container = request.app[CONTAINER]
    settings = container.settings()
    caller = await principal(request)
    quotas = container.quotas()
    await quotas.check(organization_id)  # ingestion embeds: no tokens left, nothing ingested
    await quotas.check_storage(organization_id, len(data), filename)  # 413 before anything else
    sniff(data, filename, max_unzipped=settings.max_unzipped_bytes)  # 415 now rather than a failed ingestion
    source = SourceDocument.from_upload(organization_id, filename, data, presentation.id if presentation else "")
    if presentation is not None:
        presentation.add_source(source.id, settings.max_sources)
    source.storage_key = original_key(source)
    # 413 before storing; the bytes stay reserved until the source's row counts them, so that concurrent
    # uploads cannot together pass the plan's storage
    async with quotas.storage_reserved(organization_id, len(data), filename):
        await container.store().put(source.storage_key, data)
        await container.sources().add(source)
    if presentation is not None:
        await container.presentations().save(presentation)
    job = Job.new(
        JobKind.INGEST_SOURCE,
        organization_id,
        presentation_id=presentation.id if presentation else "",
        target_id=source.id,
        by=caller.user_id,
    )
    await start(request, job)
    await audit(request, organization_id, "source.add", "source", source.id)
    return accepted(job, **file_body(source))


async def _target(request: web.Request, organization_id: str, presentation_id: str) -> tuple[str, Presentation | None]:
    if presentation_id:
        presentation = await presentation_for_upload(request, presentation_id)
        if organization_id and organization_id != presentation.organization_id:
            raise NotFound.of("presentation", presentation_id)
        return presentation.organization_id, presentation
    return await organization_for(request, organization_id, Action.EDIT, Scope.SOURCES_WRITE), None


@routes.post("/api/v1/files/upload")
@accepts_upload("organization_id", "presentation_id")
@answers(202)
async def upload_file(request: web.Request) -> web.Response:
    """Upload a file (multipart field ``file``; optional fields ``organization_id``, ``presentation_id``)."""
    await principal(request)  # 401 before reading a body
    settings = request.app[CONTAINER].settings()
    filename, data, fields = await read_upload(request, settings.max_upload_bytes)
    organization_id = fields.get("organization_id") or request.query.get("organization_id", "")
    presentation_id = fields.get("presentation_id") or request.query.get("presentation_id", "")
    organization_id, presentation = await _target(request, organization_id, presentation_id)
    return json_response(await ingest_file(request, organization_id, presentation, filename, data), status=202)


@routes.post("/api/v1/files/url")
@accepts(UrlImportBody)
@answers(202)
async def import_url(request: web.Request) -> web.Response:
    """Download a file from a public http(s) address and ingest it."""
    body = await read_body(request, UrlImportBody)
    check_url(body.url, request.app[CONTAINER].settings().limits.url_chars)
    organization_id, presentation = await _target(request, body.organization_id, body.presentation_id)
    await request.app[CONTAINER].quotas().check(organization_id)  # before downloading anything
    await request.app[CONTAINER].quotas().check_storage(organization_id, 1)  # a full store takes nothing more
    fetched = await request.app[CONTAINER].fetcher().fetch(body.url)
    answer = await ingest_file(request, organization_id, presentation, fetched.filename, fetched.data)
    return json_response(answer, status=202)


@routes.get("/api/v1/files/{id}")
async def get_file(request: web.Request) -> web.Response:
    """A file's ingestion status."""
    file_id = request.match_info["id"]
    repository = request.app[CONTAINER].sources()

    async def find(organization_id: str) -> SourceDocument | None:
        try:
            return await repository.get(organization_id, file_id)  # type: ignore[no-any-return]
        except NotFound:
            return None

    source = await find_in_my_organizations(
        request, Action.READ, Scope.PRESENTATIONS_READ, find, NotFound.of("file", file_id)
    )
    return json_response(file_body(source))
