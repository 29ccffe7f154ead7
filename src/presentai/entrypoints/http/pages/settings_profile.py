"""Settings › Profile: name, password, language, sign-out everywhere (two-factor sign-in: settings_mfa)."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.errors import ValidationFailed
from presentai.entrypoints.http.keys import AUTHENTICATOR
from presentai.entrypoints.http.pages import i18n, sessions
from presentai.entrypoints.http.pages.common import current_organization, page
from presentai.entrypoints.http.pages.flash import flash, register
from presentai.entrypoints.http.pages.forms import field_errors, fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.pages.settings import back, render_settings

routes = web.RouteTableDef()
HERE = "/settings/profile"
register(
    {
        "profile_saved": ("success", _("Your name was saved.")),
        "password_changed": ("success", _("Your password was changed. Sign in again with it: every login was ended.")),
        "language_saved": ("success", _("The language was saved to your profile.")),
    }
)
_MESSAGES = {
    ("name", "empty"): _("Enter a name."),
    ("name", "too long"): _("The name is too long."),
    ("current_password", "wrong"): _("The current password is wrong."),
    ("password", "wrong"): _("The password is wrong."),
    ("language", "unknown"): _("Choose one of the languages offered."),
}


def errors_of(error: ValidationFailed) -> dict[str, str]:
    """Per-field messages for the profile's forms (the shared ones, and the profile's own)."""
    shared = field_errors(error)
    return {
        name: gettext(_MESSAGES[(name, code)]) if (name, code) in _MESSAGES else shared[name]
        for name, code in error.fields.items()
    }


async def screen(request: web.Request, *, errors: dict[str, str] | None = None, status: int = 200) -> web.Response:
    """The profile page."""
    user = sessions.require_user(request)
    membership = await current_organization(request)
    return await render_settings(
        request,
        "settings/profile.html",
        {
            "profile": user,
            "errors": errors or {},
            "language_names": {"en": "English", "ru": "Русский"},
            "browser_language": gettext(_("As the browser says")),
        },
        membership,
        status=status,
    )


@routes.get(HERE)
@page
async def profile(request: web.Request) -> web.StreamResponse:
    """The signed-in user's profile."""
    return await screen(request)


@routes.post(HERE + "/name")
@page
async def save_name(request: web.Request) -> web.StreamResponse:
    """Change the user's name."""
    user = sessions.require_user(request)
    form = await fields(request, "name")
    try:
        await request.app[AUTHENTICATOR].update_profile(user.id, name=form["name"])
    except ValidationFailed as error:
        return await screen(request, errors=errors_of(error), status=422)
    raise back(HERE, "profile_saved")


@routes.post(HERE + "/password")
@page
async def change_password(request: web.Request) -> web.StreamResponse:
    """A new password (the current one first); every login ends, this one too."""
    user = sessions.require_user(request)
    form = await fields(request, "current_password", "password")
    try:
        await request.app[AUTHENTICATOR].update_profile(
            user.id, password=form["password"], current_password=form["current_password"]
        )
    except ValidationFailed as error:
        return await screen(request, errors=errors_of(error), status=422)
    response = web.HTTPFound("/sign-in")
    sessions.end_session(response)
    flash(response, "password_changed")
    raise response


@routes.post(HERE + "/language")
@page
async def save_language(request: web.Request) -> web.StreamResponse:
    """The language of the pages, saved to the profile (``""``: none chosen, the browser's language decides)."""
    sessions.require_user(request)
    form = await fields(request, "lang")
    response = back(HERE, "language_saved")
    try:
        await i18n.remember(request, response, form["lang"])
    except ValidationFailed as error:
        return await screen(request, errors=errors_of(error), status=422)
    raise response
