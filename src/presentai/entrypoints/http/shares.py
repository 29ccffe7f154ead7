"""REST routes for public share links and their view analytics (FR-022–FR-024).

Editors make and revoke links (``shares:write``); members read the analytics (``analytics:read``).
``/api/v1/share/{token}`` and its ``/views`` need no sign-in: the token is the credential. They are
rate-limited per client address.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.analytics import ViewSummary
from presentai.domain.api_keys import Scope
from presentai.domain.errors import FileTooLarge, ValidationFailed
from presentai.domain.shares import DeckView, ShareLink
from presentai.entrypoints.http.auth import limit, principal
from presentai.entrypoints.http.bodies import dump, read_body
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, answers
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.presentations import load_presentation
from presentai.entrypoints.http.responses import json_response
from presentai.services.shares import Shares, Visitor

routes = web.RouteTableDef()
REPORT_BODY_BYTES = 16 * 1024  # a report of 100 slides takes about 2 KB
_PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}


@frozen
class CreateShareBody:
    show_attributions: bool = False
    expires_at: str | None = None  # ISO 8601; without a zone, UTC; null: never expires


@frozen
class ViewReportBody:
    view_token: str
    slides_seen: list[int] = attrs.Factory(list)
    seconds_per_slide: list[float] = attrs.Factory(list)  # [i]: seconds on slide i + 1, so far


def _service(request: web.Request) -> Shares:
    service: Shares = request.app[CONTAINER].share_service()
    return service


def share_body(request: web.Request, link: ShareLink, token: str | None = None) -> dict[str, Any]:
    """A link as the API shows it; its token and URLs only when it was just made."""
    body: dict[str, Any] = {
        "id": link.id,
        "presentation_id": link.presentation_id,
        "token_prefix": link.token_prefix,
        "show_attributions": link.show_attributions,
        "status": link.status(datetime.now(UTC)).value,
        "created_by": link.created_by,
        "created_at": link.created_at.isoformat(),
        "expires_at": link.expires_at.isoformat() if link.expires_at else None,
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
    }
    if token is not None:
        public_url = request.app[CONTAINER].settings().public_url.rstrip("/")
        body["token"] = token  # shown this once; only its digest is kept
        body["url"] = f"{public_url}/share/{token}"
        body["api_url"] = f"{public_url}/api/v1/share/{token}"
    return body


def _shown_slide(content: dict[str, Any], with_attributions: bool) -> dict[str, Any]:
    content.pop("notes", None)
    if not with_attributions:
        for bullet in content.get("bullets", []):
            bullet.pop("attributions", None)
            bullet.pop("supported", None)
        for shown in ("table", "chart"):
            if content.get(shown):
                content[shown].pop("attribution", None)
    return content


def deck_body(deck: DeckView) -> dict[str, Any]:
    """The public view of a deck as JSON: slides numbered from 1, attributions only if the link allows."""
    body: dict[str, Any] = {
        "share_id": deck.share_id,
        "presentation_id": deck.presentation_id,
        "title": deck.title,
        "language": deck.language,
        "show_attributions": deck.show_attributions,
        "expires_at": deck.expires_at.isoformat() if deck.expires_at else None,
        "slides": [
            {"number": n, **_shown_slide(dump(content), deck.show_attributions)}
            for n, content in enumerate(deck.slides, start=1)
        ],
    }
    if deck.show_attributions:
        body["sources"] = [{"id": s.id, "name": s.name, "page_count": s.page_count} for s in deck.sources]
    return body


def summary_body(presentation_id: str, share_id: str, summary: ViewSummary) -> dict[str, Any]:
    """View analytics as the API shows them."""
    return {
        "presentation_id": presentation_id,
        "share_id": share_id or None,
        "views": summary.views,
        "unique_viewers": summary.unique_viewers,
        "average_seconds_per_slide": summary.average_seconds_per_slide,
        "completion_rate": summary.completion_rate,
        "slides": [
            {"number": s.number, "views": s.views, "average_seconds": s.average_seconds} for s in summary.slides
        ],
        "first_view_at": summary.first_view_at.isoformat() if summary.first_view_at else None,
        "last_view_at": summary.last_view_at.isoformat() if summary.last_view_at else None,
    }


def _expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            "expires_at is a date and time in ISO 8601, e.g. 2026-12-31T18:00:00Z", {"expires_at": "not ISO 8601"}
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def visitor(request: web.Request, referrer: str = "") -> Visitor:
    """The anonymous caller, counted against the per-address limit."""
    address = client_address(request)
    await limit(request, f"share:{address}", request.app[CONTAINER].settings().rate_limit_per_minute)
    return Visitor(address, request.headers.get("User-Agent", ""), referrer)


@routes.post("/api/v1/presentations/{id}/shares")
@accepts(CreateShareBody)
@answers(201)
async def create_share(request: web.Request) -> web.Response:
    """A new public link to the presentation; its token is in this answer only."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, Scope.SHARES_WRITE)
    body = await read_body(request, CreateShareBody)
    caller = await principal(request)
    link, token = await _service(request).create(
        presentation, by=caller.user_id, show_attributions=body.show_attributions, expires_at=_expiry(body.expires_at)
    )
    await audit(request, presentation.organization_id, "share.create", "share_link", link.id)
    return json_response(share_body(request, link, token), status=201)


@routes.get("/api/v1/presentations/{id}/shares")
async def list_shares(request: web.Request) -> web.Response:
    """The presentation's links, newest first (never their tokens)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.READ, Scope.PRESENTATIONS_READ)
    page_size, before = page_request(request)
    links = await _service(request).list(presentation, page_size, before)
    return json_response(
        {"data": [share_body(request, s) for s in links], "next_cursor": next_cursor([s.id for s in links], page_size)}
    )


@routes.delete("/api/v1/presentations/{id}/shares/{sid}")
@answers(204)
async def revoke_share(request: web.Request) -> web.Response:
    """Revoke the link for good: opening it answers 410 ``gone``."""
    presentation = await load_presentation(request, request.match_info["id"], Action.EDIT, Scope.SHARES_WRITE)
    link = await _service(request).revoke(presentation, request.match_info["sid"])
    await audit(request, presentation.organization_id, "share.revoke", "share_link", link.id)
    return web.Response(status=204)


@routes.get("/api/v1/presentations/{id}/analytics")
async def presentation_analytics(request: web.Request) -> web.Response:
    """Views, unique viewers, average seconds per slide and completion rate (of one link with ``share_id``)."""
    presentation = await load_presentation(request, request.match_info["id"], Action.READ, Scope.ANALYTICS_READ)
    share_id = request.query.get("share_id", "")
    summary = await _service(request).summary(presentation, share_id)
    return json_response(summary_body(presentation.id, share_id, summary))


@routes.get("/api/v1/share/{token}")
async def open_share(request: web.Request) -> web.Response:
    """The shared deck, for anyone holding the link; records a view. 410 ``gone`` once revoked or expired.

    ``?referrer=`` (or the Referer header) says where the viewer came from. The answer's ``view`` holds
    the token and address the page reports the slides seen with; it is null for a crawler or a
    link-preview robot, whose opening is not counted."""
    referrer = request.query.get("referrer", "") or request.headers.get("Referer", "")
    token = request.match_info["token"]
    # A HEAD (a link checker) answers whether the link works, and is no view.
    opened = await _service(request).open(token, await visitor(request, referrer), count=request.method != "HEAD")
    view = {"token": opened.view_token, "report_url": f"/api/v1/share/{token}/views"} if opened.view_token else None
    body = deck_body(opened.deck) | {"view": view}
    return json_response(body, headers=_PRIVATE)


@routes.post("/api/v1/share/{token}/views")
@accepts(ViewReportBody)
@answers(204)
async def report_view(request: web.Request) -> web.Response:
    """What a view has seen so far: slide numbers, and seconds per slide (totals so far, not increments)."""
    caller = await visitor(request)
    if (request.content_length or 0) > REPORT_BODY_BYTES or len(await request.read()) > REPORT_BODY_BYTES:
        raise FileTooLarge(f"a view report is at most {REPORT_BODY_BYTES} bytes", "body", REPORT_BODY_BYTES)
    body = await read_body(request, ViewReportBody)
    await _service(request).report_view(
        request.match_info["token"],
        body.view_token,
        caller,
        slides_seen=body.slides_seen,
        seconds_per_slide=body.seconds_per_slide,
    )
    return web.Response(status=204, headers=_PRIVATE)
