"""Browser sessions: the Authenticator's tokens in HttpOnly cookies, refreshed when the access token expires,
and a per-session CSRF token every page POST must send back."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from aiohttp import web

from presentai.domain.accounts import User
from presentai.domain.errors import Forbidden, NotFound, Unauthorized
from presentai.entrypoints.http.auth import CALLER
from presentai.entrypoints.http.keys import AUTHENTICATOR, USERS
from presentai.services.auth import Principal, Tokens

ACCESS_COOKIE = "pa_access"
REFRESH_COOKIE = "pa_refresh"
MFA_COOKIE = "pa_mfa"
CSRF_COOKIE = "pa_csrf"
CSRF_FIELD = "csrf_token"
_REFRESH_SECONDS = 30 * 24 * 3600
USER = web.RequestKey("page_user", User)
_NEW_COOKIES = web.RequestKey("page_cookies", dict)
_CSRF = web.RequestKey("page_csrf", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_GRACE_SECONDS = 60.0  # a refresh token's successor, handed to the browser's other requests sent with it


class Refreshes:
    """The app's recent refreshes: a used refresh token's successor, for the browser's concurrent requests."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.recent: dict[str, tuple[float, Tokens]] = {}


REFRESHES = web.AppKey("page_refreshes", Refreshes)


def _secure(request: web.Request) -> bool:
    return request.secure


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    """An HttpOnly, SameSite=Lax cookie for the whole site, Secure when the page came over https."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="Lax", secure=_secure(request))


def clear_cookie(response: web.StreamResponse, name: str) -> None:
    """Remove a cookie ``set_cookie`` set."""
    response.del_cookie(name, path="/")


def start_session(request: web.Request, response: web.StreamResponse, tokens: Tokens) -> None:
    """Keep a fresh login's tokens in the browser, with a new CSRF token (none survives a sign-in)."""
    set_cookie(request, response, ACCESS_COOKIE, tokens.access_token, _REFRESH_SECONDS)
    set_cookie(request, response, REFRESH_COOKIE, tokens.refresh_token, _REFRESH_SECONDS)
    set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(32), _REFRESH_SECONDS)
    clear_cookie(response, MFA_COOKIE)


def end_session(response: web.StreamResponse) -> None:
    """Forget the login in this browser."""
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE, MFA_COOKIE):
        clear_cookie(response, name)


async def identify(request: web.Request) -> None:
    """Who the browser is signed in as, if anyone: sets ``CALLER`` (so the API's RBAC helpers work) and ``USER``.

    An expired access token is exchanged for new tokens with the refresh cookie, once, transparently.
    """
    access, refresh = request.cookies.get(ACCESS_COOKIE, ""), request.cookies.get(REFRESH_COOKIE, "")
    if not access and not refresh:
        return
    authenticator = request.app[AUTHENTICATOR]
    caller: Principal | None = None
    if access:
        try:
            caller = await authenticator.authenticate(access)
        except Unauthorized:
            caller = None
    if caller is None and refresh:
        try:
            tokens = await _refresh_once(request, refresh)
            caller = await authenticator.authenticate(tokens.access_token)
        except Unauthorized:
            request[_NEW_COOKIES] = {ACCESS_COOKIE: "", REFRESH_COOKIE: ""}
            return
        request[_NEW_COOKIES] = {ACCESS_COOKIE: tokens.access_token, REFRESH_COOKIE: tokens.refresh_token}
    if caller is None:
        return
    try:
        user = await request.app[USERS].get(caller.user_id)
    except NotFound:
        return
    if user.deleted_at is not None:
        return
    request[CALLER] = caller
    request[USER] = user


async def _refresh_once(request: web.Request, refresh: str) -> Tokens:
    """New tokens for ``refresh``; the browser's requests sent together with the same (now used) refresh token
    get the same new tokens instead of tripping the reuse check, which would end the whole login."""
    key = hashlib.sha256(refresh.encode()).hexdigest()
    refreshes = request.app[REFRESHES]
    async with refreshes.lock:
        now = time.monotonic()
        for stale in [k for k, (at, _tokens) in refreshes.recent.items() if now - at > _GRACE_SECONDS]:
            del refreshes.recent[stale]
        if key in refreshes.recent:
            return refreshes.recent[key][1]
        tokens = await request.app[AUTHENTICATOR].refresh(refresh)
        refreshes.recent[key] = (now, tokens)
        return tokens


def store_cookies(request: web.Request, response: web.StreamResponse) -> None:
    """Write what ``identify`` and ``csrf_token`` decided onto the response."""
    for name, value in request.get(_NEW_COOKIES, {}).items():
        if name in response.cookies:  # the handler decided (signed in or out): its cookies win
            continue
        if value:
            set_cookie(request, response, name, value, _REFRESH_SECONDS)
        else:
            clear_cookie(response, name)
    if _CSRF in request and request.cookies.get(CSRF_COOKIE) != request[_CSRF] and CSRF_COOKIE not in response.cookies:
        set_cookie(request, response, CSRF_COOKIE, request[_CSRF], _REFRESH_SECONDS)


def current_user(request: web.Request) -> User | None:
    """The signed-in user of this page request, or ``None``."""
    return request.get(USER)


def caller(request: web.Request) -> Principal:
    """The signed-in caller (after ``require_user``)."""
    return request[CALLER]


def csrf_token(request: web.Request) -> str:
    """This browser session's CSRF token, for the hidden field of every POST form (made on first use)."""
    if _CSRF not in request:
        request[_CSRF] = request.cookies.get(CSRF_COOKIE, "") or secrets.token_urlsafe(32)
    return request[_CSRF]


async def check_csrf(request: web.Request) -> None:
    """``Forbidden`` unless the form sends back the session's CSRF token (the cookie a form cannot read)."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    form = await request.post()
    sent = form.get(CSRF_FIELD, "")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise Forbidden("the form has expired; reload the page and try again")


def local_path(target: str, default: str = "/dashboard") -> str:
    """``target`` if it is a path on this site (``/x``, not ``//host`` or ``https://…``), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def sign_in_redirect(request: web.Request) -> web.HTTPFound:
    """To the sign-in page, coming back here after."""
    return web.HTTPFound(f"/sign-in?next={quote(request.path_qs, safe='')}")


def require_user(request: web.Request) -> User:
    """The signed-in user; a browser that is not signed in is sent to sign in first."""
    user = current_user(request)
    if user is None:
        raise sign_in_redirect(request)
    return user
