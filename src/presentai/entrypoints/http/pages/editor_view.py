"""What the editor shows of a presentation: its sources, outline, slides, exports, links and analytics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.api_keys import Scope
from presentai.domain.errors import NotFound
from presentai.domain.exports import Export, ExportStatus
from presentai.domain.presentation import THEMES, Presentation, PresentationStatus
from presentai.domain.sources import IngestionStatus
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.files import file_body
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import i18n, sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.slides_brand import preview_kit
from presentai.entrypoints.http.presentations import load_presentation, slide_body
from presentai.entrypoints.http.shares import summary_body

READ, WRITE = Scope.PRESENTATIONS_READ, Scope.PRESENTATIONS_WRITE
BUSY = (PresentationStatus.OUTLINING, PresentationStatus.GENERATING)
_WAITING_SOURCES = (IngestionStatus.PENDING, IngestionStatus.PROCESSING)
_WAITING_EXPORTS = (ExportStatus.QUEUED, ExportStatus.RUNNING)
THEME_LABELS = {"light": i18n._("Light"), "dark": i18n._("Dark"), "corporate": i18n._("Corporate")}


async def opened(
    request: web.Request, action: Action = Action.READ, scope: Scope = READ
) -> tuple[Presentation, Membership]:
    """The page's presentation (RBAC as the API: another tenant's is ``NotFound``) and the caller's membership."""
    sessions.require_user(request)
    presentation = await load_presentation(request, request.match_info["id"], action, scope)
    membership = await member(request, presentation.organization_id, Action.READ, READ)
    return presentation, membership


def editor_path(presentation: Presentation, section: str = "") -> str:
    """The editor of ``presentation``, at ``section``."""
    return f"/presentations/{presentation.id}" + (f"#{section}" if section else "")


def theme_of(presentation: Presentation, requested: str = "") -> str:
    """The theme the previews are drawn in: the one asked for, else the deck's own, else light."""
    for theme in (requested, presentation.theme):
        if theme in THEMES:
            return theme
    return "light"


def _export_row(export: Export, now: datetime) -> dict[str, Any]:
    path = export.download_path if not export.expired(now) else None
    return {
        "id": export.id,
        "format": export.format.value,
        "status": export.status.value,
        "filename": export.filename,
        "size_bytes": export.size_bytes,
        "download_path": path,
        "expired": export.expired(now),
        "waiting": export.status in _WAITING_EXPORTS,
        "error_message": export.error_message,
        "created_at": export.created_at,
    }


async def sources(request: web.Request, presentation: Presentation) -> list[dict[str, Any]]:
    """The presentation's sources as the API shows them."""
    found = await request.app[CONTAINER].sources().get_many(presentation.organization_id, presentation.source_ids)
    return [file_body(s) | {"waiting": s.status in _WAITING_SOURCES} for s in found]


async def exports(request: web.Request, presentation: Presentation) -> list[dict[str, Any]]:
    """The presentation's exports, newest first, with a relative download link while it works."""
    found = await request.app[CONTAINER].exports().for_presentation(presentation.organization_id, presentation.id)
    now = datetime.now(UTC)
    return [_export_row(e, now) for e in found[:10]]


async def shares(request: web.Request, presentation: Presentation) -> dict[str, Any]:
    """The presentation's links and its view analytics."""
    service = request.app[CONTAINER].share_service()
    now = datetime.now(UTC)
    links = [
        {
            "id": link.id,
            "token_prefix": link.token_prefix,
            "status": link.status(now).value,
            "show_attributions": link.show_attributions,
            "created_at": link.created_at,
            "expires_at": link.expires_at,
        }
        for link in await service.list(presentation, 50)
    ]
    summary = summary_body(presentation.id, "", await service.summary(presentation))
    return {"links": links, "analytics": summary}


def progress(presentation: Presentation) -> dict[str, int]:
    """How many of the outline's slides are written."""
    planned = len(presentation.outline.items) if presentation.outline else 0
    done = sum(1 for s in presentation.slides if s.outline_index is not None)
    total = max(planned, 1)
    return {"done": min(done, planned), "total": planned, "pct": round(100 * min(done, planned) / total)}


async def context(request: web.Request, presentation: Presentation, membership: Membership) -> dict[str, Any]:
    """Everything the editor template needs."""
    container = request.app[CONTAINER]
    kits = await container.brand_kits().list(presentation.organization_id)
    found_sources = await sources(request, presentation)
    found_exports = await exports(request, presentation)
    busy = presentation.status in BUSY
    return {
        "project_name": await _project_name(request, presentation),
        "presentation": presentation,
        "status": presentation.status.value,
        "busy": busy,
        "job_id": presentation.job_id if busy else "",
        "can_edit": may(membership, Action.EDIT),
        "sources": found_sources,
        "slides": [slide_body(s, n) for n, s in enumerate(presentation.slides, start=1)],
        "theme": theme_of(presentation, request.query.get("theme", "")),
        "theme_choices": [(name, i18n.gettext(THEME_LABELS[name])) for name in THEMES],
        "brand_kits": [{"id": k.id, "name": k.name} for k in kits],
        "brand_kit": await preview_kit(request, presentation),
        "exports": found_exports,
        "export_jobs": [e["id"] for e in found_exports if e["waiting"]],
        "sharing": await shares(request, presentation),
        "progress": progress(presentation),
        "max_slides": container.settings().max_slides,
        "new_share_url": "",
        "errors": {},
        "waiting": busy or any(s["waiting"] for s in found_sources) or any(e["waiting"] for e in found_exports),
    }


async def _project_name(request: web.Request, presentation: Presentation) -> str:
    if not presentation.project_id:
        return ""
    try:
        project = await request.app[CONTAINER].projects().get(presentation.organization_id, presentation.project_id)
    except NotFound:
        return ""
    return str(project.name)


async def status(request: web.Request, presentation: Presentation) -> dict[str, Any]:
    """What the editor's script polls when it has no WebSocket: the states that change while jobs run."""
    found_sources = await sources(request, presentation)
    found_exports = await exports(request, presentation)
    return {
        "status": presentation.status.value,
        "job_id": presentation.job_id,
        "slides": len(presentation.slides),
        "progress": progress(presentation),
        "sources": {s["id"]: s["ingestion_status"] for s in found_sources},
        "exports": {e["id"]: e["status"] for e in found_exports},
        "error_message": presentation.error_message,
    }
