"""What the editor's actions share: going back to the editor with a message, or answering its script in JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from presentai.domain.errors import (
    Conflict,
    FileTooLarge,
    Forbidden,
    Gone,
    LLMUnavailable,
    NotFound,
    NoUsableSources,
    PresentAIError,
    ProviderError,
    RateLimited,
    SourceError,
    StorageLimitExceeded,
    TokenLimitExceeded,
    UnsupportedFileType,
    ValidationFailed,
)
from presentai.entrypoints.http.pages import flash as flashes
from presentai.entrypoints.http.pages.flash import flash
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.responses import json_response

flashes.register(
    {
        "editor_saved": ("success", _("The changes were saved.")),
        "editor_source_added": ("success", _("The source was added; it is being read.")),
        "editor_source_removed": ("success", _("The source was removed.")),
        "editor_outline_started": ("info", _("The outline is being planned.")),
        "editor_outline_saved": ("success", _("The outline was saved.")),
        "editor_slides_started": ("info", _("The slides are being written.")),
        "editor_slide_added": ("success", _("An empty slide was added.")),
        "editor_slide_deleted": ("success", _("The slide was deleted.")),
        "editor_slides_reordered": ("success", _("The slides were reordered.")),
        "editor_export_started": ("info", _("The export has started.")),
        "editor_share_revoked": ("success", _("The link was revoked.")),
        "editor_busy": ("error", _("The presentation is busy or not ready for this; wait for it to finish.")),
        "editor_no_sources": ("error", _("Add a source that can be read before generating.")),
        "editor_invalid": ("error", _("Some values were not accepted; check them and try again.")),
        "editor_unsupported": ("error", _("This file type cannot be read.")),
        "editor_too_large": ("error", _("The file is too large.")),
        "editor_bad_source": ("error", _("The source could not be used.")),
        "editor_quota": ("error", _("The organization has used up its allowance.")),
        "editor_unavailable": ("error", _("A service is unavailable right now; try again shortly.")),
        "editor_rate_limited": ("error", _("Too many requests; try again in a minute.")),
    }
)

# The error classes an editor action reports on the editor itself (others give the 403/404/500 pages).
_KEYS: tuple[tuple[type[PresentAIError], str], ...] = (
    (Conflict, "editor_busy"),
    (NoUsableSources, "editor_no_sources"),
    (UnsupportedFileType, "editor_unsupported"),
    (StorageLimitExceeded, "editor_quota"),
    (FileTooLarge, "editor_too_large"),
    (SourceError, "editor_bad_source"),
    (ValidationFailed, "editor_invalid"),
    (TokenLimitExceeded, "editor_quota"),
    (RateLimited, "editor_rate_limited"),
    (LLMUnavailable, "editor_unavailable"),
    (ProviderError, "editor_unavailable"),
)
_STATUS = {"editor_busy": 409, "editor_no_sources": 422, "editor_unsupported": 415, "editor_too_large": 413}


def wants_json(request: web.Request) -> bool:
    """Whether the editor's script sent this (it asks for JSON; a plain form wants the page back)."""
    return "application/json" in request.headers.get("Accept", "")


def back(target: str, key: str) -> web.HTTPSeeOther:
    """To ``target`` (the editor) with the message ``key``."""
    response = web.HTTPSeeOther(target)
    flash(response, key)
    return response


def refusal(error: PresentAIError) -> str | None:
    """The message key the editor shows for ``error``, or ``None`` for the error pages' kinds."""
    if isinstance(error, NotFound | Forbidden | Gone):
        return None
    return next((key for kind, key in _KEYS if isinstance(error, kind)), None)


async def act(
    request: web.Request, target: str, done: str, action: Callable[[], Awaitable[dict[str, Any] | None]]
) -> web.StreamResponse:
    """Run ``action``; back to ``target`` with ``done`` (or the refusal's message), or JSON for the script."""
    try:
        answer = await action()
    except PresentAIError as error:
        key = refusal(error)
        if key is None:
            raise
        if wants_json(request):
            message = gettext(flashes.MESSAGES[key][1])
            return json_response({"error": error.code, "message": message}, status=_STATUS.get(key, 400))
        raise back(target, key) from None
    if wants_json(request):
        return json_response(answer or {})
    raise back(target, done)
