"""Sign-up, email confirmation, sign-in with the two-factor step, sign-out (here and everywhere)."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from presentai.domain.errors import Conflict, RateLimited, Unauthorized, ValidationFailed
from presentai.entrypoints.http.clients import client_address
from presentai.entrypoints.http.keys import AUTHENTICATOR
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import page, render
from presentai.entrypoints.http.pages.flash import flash
from presentai.entrypoints.http.pages.forms import field_errors, fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.throttle import limit_address, throttled_login, throttled_mfa
from presentai.services.auth import MfaChallenge

routes = web.RouteTableDef()
_WRONG_SIGN_IN = _("Wrong email or password.")
_WRONG_CODE = _("The code is wrong or was already used.")
_SLOW_DOWN = _("Too many attempts. Wait a minute and try again.")


def _next(request: web.Request, value: str = "") -> str:
    return sessions.local_path(value or request.query.get("next", ""))


@routes.get("/")
@page
async def home(request: web.Request) -> web.StreamResponse:
    """The dashboard when signed in, the sign-in page otherwise."""
    raise web.HTTPFound("/dashboard" if sessions.current_user(request) else "/sign-in")


@routes.get("/sign-up")
@page
async def sign_up_form(request: web.Request) -> web.StreamResponse:
    """The sign-up form."""
    return await render(request, "auth/sign_up.html", {"values": {}, "errors": {}})


@routes.post("/sign-up")
@page
async def sign_up(request: web.Request) -> web.StreamResponse:
    """Create the account (signed in at once) and ask the user to confirm their email address."""
    form = await fields(request, "name", "email", "password")
    values = {"name": form["name"], "email": form["email"]}
    try:
        await limit_address(request, "register")
        _user, tokens = await request.app[AUTHENTICATOR].register(
            form["email"], form["password"], form["name"], address=client_address(request)
        )
    except ValidationFailed as error:
        errors = field_errors(error)
        return await render(request, "auth/sign_up.html", {"values": values, "errors": errors}, status=422)
    except Conflict:
        errors = {"email": gettext(_("An account with this email already exists. Sign in instead."))}
        return await render(request, "auth/sign_up.html", {"values": values, "errors": errors}, status=409)
    except RateLimited:
        context = {"values": values, "errors": {}, "alert_text": gettext(_SLOW_DOWN)}
        return await render(request, "auth/sign_up.html", context, status=429)
    response = web.HTTPFound("/check-email")
    sessions.start_session(request, response, tokens)
    raise response


@routes.get("/check-email")
@page
async def check_email(request: web.Request) -> web.StreamResponse:
    """After sign-up: the confirmation link is on its way."""
    user = sessions.require_user(request)
    return await render(request, "auth/check_email.html", {"email": user.email})


@routes.get("/confirm-email")
@page
async def confirm_email(request: web.Request) -> web.StreamResponse:
    """The link of the confirmation email: confirms the address (the email's /verify-email opens this too)."""
    try:
        await limit_address(request, "verify-email")
        user = await request.app[AUTHENTICATOR].verify_email(request.query.get("token", ""))
    except (Unauthorized, ValidationFailed, RateLimited):
        return await render(request, "auth/confirmed.html", {"confirmed": False}, status=400)
    return await render(request, "auth/confirmed.html", {"confirmed": True, "email": user.email})


@routes.get("/sign-in")
@page
async def sign_in_form(request: web.Request) -> web.StreamResponse:
    """The sign-in form (a signed-in user goes straight on)."""
    if sessions.current_user(request):
        raise web.HTTPFound(_next(request))
    return await render(request, "auth/sign_in.html", {"values": {}, "next": _next(request, "")})


@routes.post("/sign-in")
@page
async def sign_in(request: web.Request) -> web.StreamResponse:
    """Check the password; an account with two-factor sign-in goes on to the code step."""
    form = await fields(request, "email", "password", "next")
    target = _next(request, form["next"])
    context = {"values": {"email": form["email"]}, "next": target}
    try:
        answer = await throttled_login(request, form["email"], form["password"])
    except RateLimited:
        return await render(request, "auth/sign_in.html", {**context, "alert_text": gettext(_SLOW_DOWN)}, status=429)
    except Unauthorized:
        alert = gettext(_WRONG_SIGN_IN)
        return await render(request, "auth/sign_in.html", {**context, "alert_text": alert}, status=401)
    if isinstance(answer, MfaChallenge):
        response = web.HTTPFound(f"/sign-in/code?next={quote(target, safe='')}")
        sessions.set_cookie(request, response, sessions.MFA_COOKIE, answer.mfa_token, answer.expires_in)
        raise response
    response = web.HTTPFound(target)
    sessions.start_session(request, response, answer)
    raise response


@routes.get("/sign-in/code")
@page
async def code_form(request: web.Request) -> web.StreamResponse:
    """The two-factor step: a code from the authenticator app or a recovery code."""
    if not request.cookies.get(sessions.MFA_COOKIE):
        raise web.HTTPFound("/sign-in")
    return await render(request, "auth/sign_in_code.html", {"next": _next(request)})


@routes.post("/sign-in/code")
@page
async def sign_in_code(request: web.Request) -> web.StreamResponse:
    """Finish a challenged sign-in."""
    form = await fields(request, "code", "next")
    target = _next(request, form["next"])
    authenticator = request.app[AUTHENTICATOR]
    challenge = request.cookies.get(sessions.MFA_COOKIE, "")
    try:
        user_id = authenticator.challenged_user(challenge)
    except Unauthorized:
        raise web.HTTPFound("/sign-in") from None
    try:
        await limit_address(request, "verify")
        tokens = await throttled_mfa(request, challenge, user_id, form["code"])
    except RateLimited:
        alert = gettext(_SLOW_DOWN)
        return await render(request, "auth/sign_in_code.html", {"next": target, "alert_text": alert}, status=429)
    except Unauthorized:
        alert = gettext(_WRONG_CODE)
        return await render(request, "auth/sign_in_code.html", {"next": target, "alert_text": alert}, status=401)
    response = web.HTTPFound(target)
    sessions.start_session(request, response, tokens)
    raise response


@routes.post("/sign-out")
@page
async def sign_out(request: web.Request) -> web.StreamResponse:
    """End this browser's login."""
    refresh = request.cookies.get(sessions.REFRESH_COOKIE, "")
    if refresh:
        await request.app[AUTHENTICATOR].logout(refresh)
    user = sessions.current_user(request)
    if user is not None:
        await request.app[AUTHENTICATOR].end_session(sessions.caller(request).session_family)
    response = web.HTTPFound("/sign-in")
    sessions.end_session(response)
    flash(response, "signed_out")
    raise response


@routes.post("/sign-out-everywhere")
@page
async def sign_out_everywhere(request: web.Request) -> web.StreamResponse:
    """End every login of the user, on every device."""
    sessions.require_user(request)
    await request.app[AUTHENTICATOR].logout_all(sessions.caller(request).user_id)
    response = web.HTTPFound("/sign-in")
    sessions.end_session(response)
    flash(response, "signed_out_everywhere")
    raise response
