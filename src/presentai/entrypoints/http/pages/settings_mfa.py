"""Settings › Profile › two-factor sign-in: enrol with a QR code (drawn here, as SVG) or the secret, confirm
with a code, see the recovery codes once, turn it off."""

from __future__ import annotations

import segno
from aiohttp import web

from presentai.adapters.auth.totp import PyotpOneTimePasswords
from presentai.domain.errors import Conflict, RateLimited, ValidationFailed
from presentai.entrypoints.http.auth import limit
from presentai.entrypoints.http.keys import AUTHENTICATOR
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.common import current_organization, page
from presentai.entrypoints.http.pages.flash import register
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.pages.settings import back, render_settings
from presentai.entrypoints.http.pages.settings_profile import HERE, errors_of, screen
from presentai.services.auth import ISSUER

routes = web.RouteTableDef()
_ENROL = HERE + "/mfa"
_TRIES_PER_MINUTE = 5
register(
    {
        "mfa_already_on": ("info", _("Two-factor sign-in is already on.")),
        "mfa_off": ("success", _("Two-factor sign-in is off. Sign-in asks for the password only.")),
    }
)
_WRONG_CODE = _("The code is wrong or has expired. Enter the code the app shows now.")
_SLOW_DOWN = _("Too many attempts. Wait a minute and try again.")


def qr_code(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI (drawn on the server; no outside service sees the secret)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#111827", light="#ffffff"))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@routes.post(_ENROL)
@page
async def begin(request: web.Request) -> web.StreamResponse:
    """Start enrolling (the password first): a new secret waits for its first code."""
    user = sessions.require_user(request)
    form = await fields(request, "password")
    try:
        await request.app[AUTHENTICATOR].begin_mfa(user.id, form["password"])
    except ValidationFailed as error:
        return await screen(request, errors={f"mfa_{k}": v for k, v in errors_of(error).items()}, status=422)
    except Conflict:
        raise back(HERE, "mfa_already_on") from None
    raise web.HTTPFound(_ENROL)


async def _enrolment(request: web.Request, *, alert: str = "", status: int = 200) -> web.Response:
    user = sessions.require_user(request)
    if user.mfa_enabled or not user.mfa_secret:
        raise web.HTTPFound(HERE)
    uri = PyotpOneTimePasswords().provisioning_uri(user.mfa_secret, user.email, ISSUER)
    return await render_settings(
        request,
        "settings/mfa_enrol.html",
        {"qr": qr_code(uri), "secret": _grouped(user.mfa_secret), "alert_text": alert},
        await current_organization(request),
        status=status,
    )


@routes.get(_ENROL)
@page
async def enrolment(request: web.Request) -> web.StreamResponse:
    """The pending enrolment: the QR code, the secret, and the code to confirm it."""
    return await _enrolment(request)


@routes.post(_ENROL + "/confirm")
@page
async def confirm(request: web.Request) -> web.StreamResponse:
    """Turn two-factor sign-in on with a code; the recovery codes are on this answer only."""
    user = sessions.require_user(request)
    form = await fields(request, "code")
    try:
        await limit(request, f"mfa-confirm:{user.id}", _TRIES_PER_MINUTE)
        codes = await request.app[AUTHENTICATOR].confirm_mfa(user.id, form["code"])
    except RateLimited:
        return await _enrolment(request, alert=gettext(_SLOW_DOWN), status=429)
    except ValidationFailed:
        return await _enrolment(request, alert=gettext(_WRONG_CODE), status=422)
    except Conflict:
        raise back(HERE, "mfa_already_on") from None
    return await render_settings(
        request, "settings/recovery_codes.html", {"codes": codes}, await current_organization(request)
    )


@routes.post(_ENROL + "/disable")
@page
async def disable(request: web.Request) -> web.StreamResponse:
    """Turn two-factor sign-in off (the password again)."""
    user = sessions.require_user(request)
    form = await fields(request, "password")
    try:
        await request.app[AUTHENTICATOR].disable_mfa(user.id, form["password"])
    except ValidationFailed as error:
        return await screen(request, errors={f"disable_{k}": v for k, v in errors_of(error).items()}, status=422)
    raise back(HERE, "mfa_off")
