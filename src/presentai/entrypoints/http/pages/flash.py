"""One-time messages shown on the next page (after a redirect), kept as a known key in a cookie."""

from __future__ import annotations

from aiohttp import web

from presentai.entrypoints.http.pages.i18n import _, gettext

FLASH_COOKIE = "pa_flash"
_TAKEN = web.RequestKey("page_flash_taken", bool)
# key → (kind, message id); only these can ever be shown, so a forged cookie shows nothing of its own.
MESSAGES: dict[str, tuple[str, str]] = {
    "signed_out": ("info", _("You have signed out.")),
    "signed_out_everywhere": ("info", _("You have signed out on every device.")),
    "project_created": ("success", _("The project was created.")),
    "project_renamed": ("success", _("The project was renamed.")),
    "project_archived": ("success", _("The project was archived.")),
    "project_restored": ("success", _("The project was restored from the archive.")),
    "project_name_invalid": ("error", _("A project needs a name of at most the allowed length.")),
    "project_deleted": ("success", _("The project was deleted.")),
    "project_not_empty": ("error", _("Only an empty project can be deleted: move or delete its presentations first.")),
    "presentation_created": ("success", _("The presentation was created.")),
    "organization_switched": ("info", _("You are now working in another organization.")),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a screen group's flash messages (call it at import time of its module)."""
    MESSAGES.update(messages)


def flash(response: web.StreamResponse, key: str) -> None:
    """Show the message ``key`` on the next page this browser opens."""
    response.set_cookie(FLASH_COOKIE, key, max_age=60, path="/", httponly=True, samesite="Lax")


def take_flash(request: web.Request) -> list[dict[str, str]]:
    """The message waiting for this page, translated (and forgotten once shown)."""
    key = request.cookies.get(FLASH_COOKIE, "")
    if key not in MESSAGES:
        return []
    request[_TAKEN] = True
    kind, message = MESSAGES[key]
    return [{"kind": kind, "text": gettext(message)}]


def forget_shown(request: web.Request, response: web.StreamResponse) -> None:
    """Drop the flash cookie once its message was on a page."""
    if request.get(_TAKEN) and FLASH_COOKIE not in response.cookies:
        response.del_cookie(FLASH_COOKIE, path="/")
