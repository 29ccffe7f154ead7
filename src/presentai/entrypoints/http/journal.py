"""The audit journal over HTTP: recording what callers change, and listing or exporting it."""

from __future__ import annotations

import csv
import io

from aiohttp import web

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.entrypoints.http.auth import member, principal
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.errors import REQUEST_ID
from presentai.entrypoints.http.keys import AUDIT
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.responses import json_response

routes = web.RouteTableDef()
_EXPORT_LIMIT = 100_000


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


def _entry(entry: AuditEntry) -> dict[str, str]:
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


async def _query(request: web.Request, limit: int, before: str) -> AuditQuery:
    membership = await member(request, request.match_info["id"], Action.MANAGE_INTEGRATIONS, Scope.AUDIT_READ)
    return AuditQuery(
        membership.organization_id,
        limit,
        before,
        request.query.get("action", ""),
        request.query.get("actor_id", ""),
    )


@routes.get("/api/v1/organizations/{id}/audit-logs")
async def list_entries(request: web.Request) -> web.Response:
    """The journal, newest first, filtered by ``action`` and ``actor_id``, a page at a time."""
    limit, before = page_request(request)
    entries = await request.app[AUDIT].query(await _query(request, limit, before))
    return json_response(
        {"data": [_entry(e) for e in entries], "next_cursor": next_cursor([e.id for e in entries], limit)}
    )


@routes.post("/api/v1/organizations/{id}/audit-logs/export")
async def export_entries(request: web.Request) -> web.Response:
    """The whole (filtered) journal as CSV."""
    entries = await request.app[AUDIT].query(await _query(request, _EXPORT_LIMIT, ""))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_entry(entries[0]) if entries else _entry(_blank())))
    writer.writeheader()
    writer.writerows(_entry(e) for e in entries)
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{request.match_info["id"]}.csv"'},
    )


def _blank() -> AuditEntry:
    return AuditEntry("", "", "", "", "", "", "")
