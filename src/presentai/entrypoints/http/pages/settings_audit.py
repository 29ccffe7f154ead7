"""Settings › Audit log: the organization's journal for admins (others get the 403 page), filtered by action,
actor and dates, and downloaded as CSV (the columns of the API's export)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.api_keys import Scope
from presentai.domain.audit import AuditEntry, AuditQuery
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.journal import EXPORT_LIMIT, export_csv
from presentai.entrypoints.http.keys import AUDIT, ORGANIZATIONS, USERS
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.settings import organization, render_settings

routes = web.RouteTableDef()
_SHOWN = 200  # entries on the page; the CSV has them all


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
    """The journal newest first, filtered by action, actor and the days from ``from`` to ``to`` (both whole)."""
    since, until = _day(filters["from"]), _day(filters["to"])
    query = AuditQuery(
        membership.organization_id,
        limit,
        "",
        filters["action"],
        filters["actor"],
        datetime.combine(since, time.min, UTC) if since else None,
        datetime.combine(until + timedelta(days=1), time.min, UTC) if until else None,
    )
    return await request.app[AUDIT].query(query)


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
    entries = await _entries(request, membership, _filters(request), EXPORT_LIMIT)
    return web.Response(
        text=export_csv(entries),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{membership.organization_id}.csv"'},
    )
