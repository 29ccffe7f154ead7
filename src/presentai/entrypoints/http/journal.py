"""The audit journal over HTTP: recording what callers change, and listing or exporting it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.domain.errors import ValidationFailed
from presentai.entrypoints.http.auth import member, principal
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.errors import REQUEST_ID
from presentai.entrypoints.http.keys import AUDIT
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()
EXPORT_LIMIT = 100_000  # entries in one CSV export


async def audit(request: web.Request, organization_id: str, action: str, target_type: str, target_id: str) -> None:
    """Record a state-changing action that has just succeeded."""
    caller = await principal(request)
    await request.app[AUDIT].record(
        AuditEntry.record(
            organization_id=organization_id,
            actor_id=caller.user_id,
            actor_kind="api_key" if caller.scopes is not None else "user",
            action=action,
            target_type=target_type,
            target_id=target_id,
            ip=client_address(request),
            request_id=request[REQUEST_ID],
        )
    )


def export_row(entry: AuditEntry) -> dict[str, str]:
    """An entry as the API lists it and as a row of the CSV export (the keys are the columns)."""
    return {
        "id": entry.id,
        "actor_id": entry.actor_id,
        "actor_kind": entry.actor_kind,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "created_at": entry.created_at.isoformat(),
    }


def export_csv(entries: list[AuditEntry]) -> str:
    """The entries as CSV text, a header row of the ``export_row`` columns first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(export_row(AuditEntry("", "", "", "", "", "", ""))))
    writer.writeheader()
    writer.writerows(export_row(e) for e in entries)
    return out.getvalue()


def _instant(request: web.Request, name: str) -> datetime | None:
    """The ``?since=``/``?until=`` bound: ISO 8601, a date (midnight) or a date and time, UTC unless it says."""
    value = request.query.get(name, "")
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"{name} is a date or a date and time in ISO 8601, e.g. 2026-12-31 or 2026-12-31T18:00:00Z",
            {name: "not ISO 8601"},
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


async def _query(request: web.Request, limit: int, before: str) -> AuditQuery:
    membership = await member(request, request.match_info["id"], Action.MANAGE_INTEGRATIONS, Scope.AUDIT_READ)
    since, until = _instant(request, "since"), _instant(request, "until")
    if since is not None and until is not None and since >= until:
        raise ValidationFailed("since must be before until", {"since": "not before until"})
    return AuditQuery(
        membership.organization_id,
        limit,
        before,
        request.query.get("action", ""),
        request.query.get("actor_id", ""),
        since,
        until,
    )


@routes.get("/api/v1/organizations/{id}/audit-logs")
async def list_entries(request: web.Request) -> web.Response:
    """The journal, newest first, filtered by ``action``, ``actor_id`` and ``since``/``until``, a page at a time."""
    limit, before = page_request(request)
    entries = await request.app[AUDIT].query(await _query(request, limit, before))
    return json_response(
        {"data": [export_row(e) for e in entries], "next_cursor": next_cursor([e.id for e in entries], limit)}
    )


@routes.post("/api/v1/organizations/{id}/audit-logs/export")
async def export_entries(request: web.Request) -> web.Response:
    """The whole journal, filtered as the list is, as CSV."""
    entries = await request.app[AUDIT].query(await _query(request, EXPORT_LIMIT, ""))
    return web.Response(
        text=export_csv(entries),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{request.match_info["id"]}.csv"'},
    )
