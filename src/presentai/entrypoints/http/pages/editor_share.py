"""The editor's outputs: exports (PPTX, PDF, PNG) and public share links (create, revoke)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.errors import ValidationFailed
from presentai.domain.exports import ExportFormat
from presentai.domain.jobs import Job, JobKind
from presentai.entrypoints.http.jobs import start
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages import editor_view, sessions
from presentai.entrypoints.http.pages.common import page, render
from presentai.entrypoints.http.pages.editor_common import act, back
from presentai.entrypoints.http.pages.editor_view import opened
from presentai.entrypoints.http.pages.forms import fields
from presentai.services.exports import request_export

routes = web.RouteTableDef()
FORMATS = ("pptx", "pdf", "png")


@routes.post("/presentations/{id}/exports")
@page
async def start_export(request: web.Request) -> web.StreamResponse:
    """Start an export (as POST /api/v1/presentations/{id}/export); its id is the job followed on /ws."""
    chosen = (await fields(request, "format"))["format"]

    async def export() -> dict[str, Any]:
        presentation, _membership = await opened(request, Action.EDIT, Scope.EXPORTS_WRITE)
        export_format = ExportFormat.parse(chosen)
        caller = sessions.caller(request)
        presentation.ensure_idle()
        made = request_export(presentation, export_format, by=caller.user_id)
        container = request.app[CONTAINER]
        await container.exports().add(made)
        job = Job(
            made.id,
            JobKind.EXPORT_PRESENTATION,
            made.organization_id,
            presentation_id=presentation.id,
            target_id=made.id,
            requested_by=caller.user_id,
        )
        await start(request, job)
        await audit(request, presentation.organization_id, "presentation.export", "export", made.id)
        return {"job_id": job.id, "export_id": made.id}

    return await act(request, f"/presentations/{request.match_info['id']}#exports", "editor_export_started", export)


def _expiry(value: str) -> datetime | None:
    """The last moment of the chosen day (UTC), or ``None`` for a link that never expires."""
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed("choose the day the link expires", {"expires_on": "not a date"}) from None
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def share_url(request: web.Request, token: str) -> str:
    """The public link as this browser reaches the service."""
    return f"{request.scheme}://{request.host}/share/{token}"


@routes.post("/presentations/{id}/shares")
@page
async def create_share(request: web.Request) -> web.StreamResponse:
    """A new public link (as POST /api/v1/presentations/{id}/shares); its address is shown on this page only."""
    presentation, membership = await opened(request, Action.EDIT, Scope.SHARES_WRITE)
    form = await fields(request, "expires_on", "show_attributions")
    target = f"/presentations/{presentation.id}#sharing"
    try:
        link, token = (
            await request.app[CONTAINER]
            .share_service()
            .create(
                presentation,
                by=sessions.caller(request).user_id,
                show_attributions=form["show_attributions"] == "on",
                expires_at=_expiry(form["expires_on"]),
            )
        )
    except ValidationFailed:
        raise back(target, "editor_invalid") from None
    await audit(request, presentation.organization_id, "share.create", "share_link", link.id)
    context = await editor_view.context(request, presentation, membership)
    context["new_share_url"] = share_url(request, token)
    return await render(request, "editor/page.html", context)


@routes.post("/presentations/{id}/shares/{sid}/revoke")
@page
async def revoke_share(request: web.Request) -> web.StreamResponse:
    """Revoke a link for good (as DELETE /api/v1/presentations/{id}/shares/{sid})."""

    async def revoke() -> None:
        presentation, _membership = await opened(request, Action.EDIT, Scope.SHARES_WRITE)
        link = await request.app[CONTAINER].share_service().revoke(presentation, request.match_info["sid"])
        await audit(request, presentation.organization_id, "share.revoke", "share_link", link.id)

    return await act(request, f"/presentations/{request.match_info['id']}#sharing", "editor_share_revoked", revoke)
