"""The pages' languages: every .po catalogue of a language merged, and the language of a request."""

from __future__ import annotations

import contextvars
import io
from functools import cache
from pathlib import Path

from aiohttp import web
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from presentai.domain.accounts import UI_LANGUAGES, check_language
from presentai.entrypoints.http.keys import USERS
from presentai.entrypoints.http.pages import sessions

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = UI_LANGUAGES  # one list: what a profile may choose is what the pages offer
DEFAULT = "en"
LANG_COOKIE = "lang"
_YEAR = 365 * 24 * 3600
_current: contextvars.ContextVar[NullTranslations] = contextvars.ContextVar("translations")


@cache
def translations(language: str) -> NullTranslations:
    """Every catalogue of ``language`` (``locale/<lang>/LC_MESSAGES/*.po``, compiled here) merged into one."""
    merged: NullTranslations | None = None
    for path in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=path.stem)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        part = Translations(compiled, domain=path.stem)
        if merged is None:
            merged = part
        else:
            merged.merge(part)  # type: ignore[attr-defined]
    return merged or NullTranslations()


def negotiate(request: web.Request) -> str:
    """The signed-in user's profile language, else the switcher's cookie, else the best of Accept-Language, else
    English (call it after ``sessions.identify``)."""
    user = sessions.current_user(request)
    for choice in (user.language if user else "", request.cookies.get(LANG_COOKIE, "")):
        if choice in LANGUAGES:
            return choice
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


async def remember(request: web.Request, response: web.StreamResponse, language: str) -> None:
    """Keep ``language`` (``""``: none chosen) for the next pages: in the signed-in user's profile, and in this
    browser's cookie (all there is when signed out); ``ValidationFailed`` for a language the UI does not have."""
    check_language(language)
    user = sessions.current_user(request)
    if user is not None and user.language != language:
        user.language = language
        await request.app[USERS].save(user)
    if language:
        response.set_cookie(LANG_COOKIE, language, max_age=_YEAR, path="/", samesite="Lax")
    else:
        response.del_cookie(LANG_COOKIE, path="/")


def activate(language: str) -> None:
    """Make ``language`` the one templates and ``gettext`` use for the rest of this request."""
    _current.set(translations(language if language in LANGUAGES else DEFAULT))


def gettext(message: str) -> str:
    """``message`` in the request's language."""
    return _current.get(translations(DEFAULT)).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural ``message`` for ``count`` in the request's language."""
    return _current.get(translations(DEFAULT)).ngettext(singular, plural, count)


def _(message: str) -> str:
    """Mark ``message`` for the catalogues; it is translated where it is shown."""
    return message
