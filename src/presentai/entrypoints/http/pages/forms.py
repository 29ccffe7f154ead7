"""Reading a page's form: text fields as strings, checked like the API's JSON bodies."""

from __future__ import annotations

from aiohttp import web

from presentai.domain.errors import ValidationFailed
from presentai.entrypoints.http.bodies import bad_text
from presentai.entrypoints.http.pages.i18n import _, gettext


async def fields(request: web.Request, *names: str) -> dict[str, str]:
    """The named text fields of the posted form ("" when absent); ``ValidationFailed`` for unstorable text."""
    form = await request.post()
    found: dict[str, str] = {}
    for name in names:
        value = form.get(name, "")
        text = value if isinstance(value, str) else ""
        if bad_text(text):
            raise ValidationFailed(f"the field {name} holds characters that cannot be stored", {name: "invalid"})
        found[name] = text
    return found


# What the services' ValidationFailed field codes mean, in words a person reads (translated).
_FIELD_MESSAGES = {
    ("email", "invalid"): _("Enter a valid email address."),
    ("password", "too short"): _("The password needs at least 10 characters."),
    ("password", "too long"): _("The password is too long."),
    ("password", "too common"): _("This password is too easy to guess; choose a longer or less common one."),
    ("password", "only whitespace"): _("The password cannot be only spaces."),
    ("name", "empty"): _("Enter a name."),
}
_GENERIC = _("Check this field.")


def field_errors(error: ValidationFailed) -> dict[str, str]:
    """A translated message for each field ``error`` names."""
    return {name: gettext(_FIELD_MESSAGES.get((name, code), _GENERIC)) for name, code in error.fields.items()}
