"""Settings › Audit log: the organization's journal for admins (others get the 403 page), filtered by action,
actor and dates, and downloaded as CSV (the columns of the API's export)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.journal import _entry as export_row
from presentai.entrypoints.http.keys import AUDIT, ORGANIZATIONS, USERS
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.settings import organization, render_settings

routes = web.RouteTableDef()
_SHOWN = 200  # entries on the page; the CSV has them all
_EXPORT_LIMIT = 100_000  # as the API's export


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: web.Request) -> dict[str, str]:
    query = request.query
    found = {name: query.get(name, "").strip()[:200] for name in ("action", "actor", "from", "to")}
    for name in ("from", "to"):
        found[name] = found[name] if _day(found[name]) else ""
    return found


async def _entries(
    request: web.Request, membership: Membership, filters: dict[str, str], limit: int
) -> list[AuditEntry]:
    """The journal newest first, filtered by action and actor (the API's query) and by the date range."""
    since, until = _day(filters["from"]), _day(filters["to"])
    wanted = limit if since is None and until is None else _EXPORT_LIMIT
    query = AuditQuery(membership.organization_id, wanted, "", filters["action"], filters["actor"])
    entries = await request.app[AUDIT].query(query)
    start = datetime.combine(since, time.min, UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, UTC) if until else None
    kept = [e for e in entries if (start is None or e.created_at >= start) and (end is None or e.created_at < end)]
    return kept[:limit]


async def _admin(request: web.Request) -> Membership:
    membership = await organization(request)
    return await member(request, membership.organization_id, Action.MANAGE_INTEGRATIONS, Scope.AUDIT_READ)


@routes.get("/settings/audit-log")
@page
async def audit_log(request: web.Request) -> web.StreamResponse:
    """The journal with its filters."""
    membership = await _admin(request)
    filters = _filters(request)
    entries = await _entries(request, membership, filters, _SHOWN + 1)
    people = []
    for m in await request.app[ORGANIZATIONS].members(membership.organization_id):
        user = await request.app[USERS].get(m.user_id)
        people.append({"id": user.id, "name": user.name, "email": user.email})
    names = {p["id"]: p["name"] for p in people}
    return await render_settings(
        request,
        "settings/audit_log.html",
        {
            "membership": membership,
            "entries": entries[:_SHOWN],
            "more": len(entries) > _SHOWN,
            "filters": filters,
            "people": people,
            "names": names,
            "csv_query": request.query_string,
        },
        membership,
    )


@routes.get("/settings/audit-log.csv")
@page
async def audit_log_csv(request: web.Request) -> web.StreamResponse:
    """The filtered journal as a CSV download."""
    membership = await _admin(request)
    entries = await _entries(request, membership, _filters(request), _EXPORT_LIMIT)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(export_row(AuditEntry("", "", "", "", "", "", ""))))
    writer.writeheader()
    writer.writerows(export_row(e) for e in entries)
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{membership.organization_id}.csv"'},
    )
