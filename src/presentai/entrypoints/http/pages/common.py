"""What every page shares: the page marker, the middleware (session, CSRF, language, HTML errors), rendering."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from presentai.domain.accounts import Membership
from presentai.domain.errors import Forbidden, InsufficientRole, InsufficientScope, NotFound, PresentAIError
from presentai.entrypoints.http.auth import memberships
from presentai.entrypoints.http.errors import REQUEST_ID
from presentai.entrypoints.http.keys import ORGANIZATIONS
from presentai.entrypoints.http.pages import i18n, sessions
from presentai.entrypoints.http.pages.flash import forget_shown, take_flash

log = logging.getLogger("presentai.pages")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LANGUAGE = web.RequestKey("page_language", str)
_PAGE = "__presentai_page__"
ORG_COOKIE = "pa_org"


def page(handler: Handler) -> Handler:
    """Mark ``handler`` as a browser page: it gets the session, the language, CSRF checks and HTML errors."""
    setattr(handler, _PAGE, True)
    return handler


def _is_page(request: web.Request) -> bool:
    return bool(getattr(request.match_info.handler, _PAGE, False))


def _wants_html(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return not request.path.startswith(("/api/", "/ws", "/health")) and "text/html" in accept


@web.middleware
async def pages_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run page handlers with the browser's session and language, POSTs only with the CSRF token, and answer
    their errors (and unknown paths asked for by a browser) with HTML pages."""
    if not _is_page(request):
        if request.match_info.http_exception is not None and _wants_html(request):
            await _prepare(request)
            return _finish(request, await error_page(request, 404))
        return await handler(request)
    await _prepare(request)
    try:
        if request.method == "POST":
            await sessions.check_csrf(request)
        response = await handler(request)
    except web.HTTPException as http_error:
        if http_error.status >= 400:
            return _finish(request, await error_page(request, http_error.status))
        sessions.store_cookies(request, http_error)
        raise
    except (InsufficientRole, InsufficientScope, Forbidden):
        response = await error_page(request, 403)
    except NotFound:
        response = await error_page(request, 404)
    except PresentAIError as error:
        log.info("page %s: %s", request.path, error)
        response = await error_page(request, 400)
    except Exception:
        log.exception("unhandled error in page %s %s (%s)", request.method, request.path, request[REQUEST_ID])
        response = await error_page(request, 500)
    return _finish(request, response)


async def _prepare(request: web.Request) -> None:
    await sessions.identify(request)
    request[LANGUAGE] = i18n.negotiate(request)
    i18n.activate(request[LANGUAGE])


def _finish(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    sessions.store_cookies(request, response)
    forget_shown(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


async def error_page(request: web.Request, status: int) -> web.Response:
    """The HTML page of a 400/403/404/500."""
    shown = status if status in (403, 404, 500) else 400
    return await render(request, f"errors/{shown}.html", {}, status=status)


async def my_memberships(request: web.Request) -> list[Membership]:
    """The signed-in user's memberships (empty when signed out)."""
    return await memberships(request) if sessions.current_user(request) else []


async def current_organization(request: web.Request) -> Membership | None:
    """The organization the user works in: the switcher's choice if still theirs, else the first."""
    mine = await my_memberships(request)
    chosen = request.query.get("org", "") or request.cookies.get(ORG_COOKIE, "")
    return next((m for m in mine if m.organization_id == chosen), mine[0] if mine else None)


async def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    """``template`` with ``context`` and what the base template needs (user, organizations, CSRF, language)."""
    user = sessions.current_user(request)
    organizations: list[dict[str, str]] = []
    current = None
    if user is not None:
        repository = request.app[ORGANIZATIONS]
        current = await current_organization(request)
        for membership in await my_memberships(request):
            organization = await repository.get(membership.organization_id)
            organizations.append({"id": organization.id, "name": organization.name, "role": membership.role.value})
    base = {
        "user": user,
        "organizations": organizations,
        "current_organization_id": current.organization_id if current else "",
        "csrf_field": sessions.CSRF_FIELD,
        "csrf_token": sessions.csrf_token(request),
        "lang": request.get(LANGUAGE, i18n.DEFAULT),
        "languages": i18n.LANGUAGES,
        "here": request.path_qs,
        "path": request.path,
        "flashes": take_flash(request),
        "alert_text": "",
    }
    response = aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
