"""The public view of a share link, ``/share/{token}``: the deck for anyone holding the link (FR-022–FR-024).

Browsers get the page; API clients (no ``text/html`` in Accept) the JSON of ``GET /api/v1/share/{token}``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.errors import Gone, PresentAIError, RateLimited
from presentai.entrypoints.http import shares
from presentai.entrypoints.http.errors import to_response
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages.common import page, render
from presentai.entrypoints.http.pages.slides_brand import preview_kit
from presentai.entrypoints.http.pages.slides_preview import prepared

routes = web.RouteTableDef()
THEME = "light"  # when the presentation names none of THEMES
THEMES = ("light", "dark", "corporate")
_PRIVATE = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


def _wants_page(request: web.Request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


@routes.get("/share/{token}")
@page
async def open_share(request: web.Request) -> web.StreamResponse:
    """The shared deck; a view is recorded (not for a HEAD or a robot). A revoked or expired link: 410."""
    if not _wants_page(request):
        try:
            return await shares.open_share(request)
        except PresentAIError as error:  # the page marker would otherwise answer an HTML error page
            return to_response(request, error)
    token = request.match_info["token"]
    referrer = request.query.get("referrer", "") or request.headers.get("Referer", "")
    service = request.app[CONTAINER].share_service()
    try:
        opened = await service.open(token, await shares.visitor(request, referrer), count=request.method != "HEAD")
    except Gone:
        response = await render(request, "share/gone.html", {}, status=410)
        response.headers.update(_PRIVATE)
        return response
    except RateLimited as error:  # one address opening links faster than the limit allows
        response = await render(request, "share/busy.html", {"retry_after": error.retry_after}, status=429)
        response.headers.update({**_PRIVATE, "Retry-After": str(error.retry_after)})
        return response
    shown = await request.app[CONTAINER].presentations().get(opened.link.organization_id, opened.link.presentation_id)
    theme = getattr(shown, "theme", THEME)
    deck = shares.deck_body(opened.deck)
    names = {s["id"]: s["name"] for s in deck.get("sources", [])}
    slides: list[dict[str, Any]] = [prepared(s) for s in deck["slides"]]
    response = await render(
        request,
        "share/view.html",
        {
            "deck": deck,
            "slides": slides,
            "sources": names,
            "theme": theme if theme in THEMES else THEME,
            "brand_kit": await preview_kit(request, shown),
            "view_token": opened.view_token or "",
            "report_url": f"/api/v1/share/{token}/views" if opened.view_token else "",
        },
    )
    response.headers.update(_PRIVATE)
    return response
