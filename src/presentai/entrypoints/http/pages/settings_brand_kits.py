"""Settings › Brand kits: admins create, restyle, upload a logo or template, set the default and delete kits;
editors see them read-only. Kits are a feature of the pro plan: another plan is told so, not refused with a 500."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from presentai.domain.accounts import Action, Membership
from presentai.domain.api_keys import Scope
from presentai.domain.brand_kits import BRAND_KIT_PLANS, BrandColours, BrandFonts, BrandKit
from presentai.domain.errors import FileTooLarge, PlanRequired, SourceError, ValidationFailed
from presentai.entrypoints.http.auth import member
from presentai.entrypoints.http.brand_kits import load_kit
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER, ORGANIZATIONS
from presentai.entrypoints.http.pages import sessions
from presentai.entrypoints.http.pages.access import may
from presentai.entrypoints.http.pages.common import page
from presentai.entrypoints.http.pages.flash import register
from presentai.entrypoints.http.pages.forms import fields
from presentai.entrypoints.http.pages.i18n import _, gettext
from presentai.entrypoints.http.pages.settings import back, organization, render_settings
from presentai.services.brand_kits import BrandKits

routes = web.RouteTableDef()
_MANAGE, _WRITE = Action.MANAGE_BRAND_KITS, Scope.BRAND_KITS_WRITE
_HERE = "/settings/brand-kits"
_COLOURS = ("primary", "accent", "background", "text")
_KIT_FIELDS = ("name", "primary", "accent", "background", "text", "heading", "body")
register(
    {
        "kit_created": ("success", _("The brand kit was created.")),
        "kit_saved": ("success", _("The brand kit was saved.")),
        "kit_default": ("success", _("This brand kit is now the organization's default.")),
        "kit_not_default": ("info", _("The organization has no default brand kit now.")),
        "kit_deleted": ("success", _("The brand kit was deleted.")),
        "kit_logo": ("success", _("The logo was uploaded.")),
        "kit_template": ("success", _("The template was uploaded.")),
        "kit_template_removed": (
            "success",
            _("The template was removed: decks use a built-in master in the kit's style."),
        ),
    }
)
_FIELD_MESSAGES = {
    "name": _("A brand kit needs a name of at most 200 characters."),
    "colors.text": _(
        "The text colour is too hard to read on the background: slides need a contrast of at least 4.5:1."
    ),
    "fonts.heading": _("A font name has letters, digits, spaces, dots and dashes (at most 64)."),
    "fonts.body": _("A font name has letters, digits, spaces, dots and dashes (at most 64)."),
}
_BAD_COLOUR = _("Choose each colour as #RRGGBB.")
_BAD_LOGO = _("The logo was refused: upload a PNG or JPEG image of at most %(size)s MB.")
_BAD_TEMPLATE = _("The template was refused: upload a PowerPoint .pptx file without macros, of at most %(size)s MB.")


def _service(request: web.Request) -> BrandKits:
    return request.app[CONTAINER].brand_kit_service()  # type: ignore[no-any-return]


def palette(kit: BrandKit) -> str:
    """The kit's four colours as a small SVG image (a data URI: no inline style reaches the page)."""
    stripes = "".join(
        f'<rect x="{i * 24}" y="0" width="24" height="24" fill="#{getattr(kit.colours, name)}"/>'
        for i, name in enumerate(_COLOURS)
    )
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="24" viewBox="0 0 96 24">{stripes}</svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _kit_view(kit: BrandKit) -> dict[str, Any]:
    return {
        "kit": kit,
        "palette": palette(kit),
        "colours": {name: f"#{getattr(kit.colours, name)}".lower() for name in _COLOURS},
    }


async def _screen(
    request: web.Request, membership: Membership, *, alert: str = "", values: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:  # fmt: skip
    organization_id = membership.organization_id
    plan = (await request.app[ORGANIZATIONS].get(organization_id)).plan
    kits = await request.app[CONTAINER].brand_kits().list(organization_id)
    defaults = BrandColours()
    blank = {"name": "", "heading": BrandFonts().heading, "body": BrandFonts().body}
    blank.update({name: f"#{getattr(defaults, name)}".lower() for name in _COLOURS})
    return await render_settings(
        request,
        "settings/brand_kits.html",
        {
            "membership": membership,
            "kits": [_kit_view(k) for k in kits],
            "can_manage": may(membership, _MANAGE),
            "plan": plan,
            "plan_allows": plan in BRAND_KIT_PLANS,
            "lowest_plan": BRAND_KIT_PLANS[0],
            "values": {**blank, **(values or {})},
            "alert_text": alert,
        },
        membership,
        status=status,
    )


def _explain(error: ValidationFailed) -> str:
    """The first problem of ``error`` in words (translated)."""
    for name in error.fields:
        if name in _FIELD_MESSAGES:
            return gettext(_FIELD_MESSAGES[name])
        if name.startswith("colors."):
            return gettext(_BAD_COLOUR)
    return gettext(_FIELD_MESSAGES["name"])


def _style(form: dict[str, str], base: BrandKit | None = None) -> tuple[BrandColours, BrandFonts]:
    colours = BrandColours.parse(*(form[name] for name in _COLOURS), base=base.colours if base else None)
    fonts = BrandFonts.parse(form["heading"], form["body"], base=base.fonts if base else None)
    return colours, fonts


@routes.get(_HERE)
@page
async def brand_kits(request: web.Request) -> web.StreamResponse:
    """The organization's kits (editors and above: they pick one for a deck)."""
    membership = await organization(request)
    await member(request, membership.organization_id, Action.EDIT, Scope.PRESENTATIONS_WRITE)
    return await _screen(request, membership)


@routes.post(_HERE)
@page
async def create_kit(request: web.Request) -> web.StreamResponse:
    """A new kit in the organization the form names (admins, pro plans)."""
    sessions.require_user(request)
    form = await fields(request, "organization_id", "is_default", *_KIT_FIELDS)
    membership = await member(request, form["organization_id"], _MANAGE, _WRITE)
    try:
        colours, fonts = _style(form)
        kit = await _service(request).create(
            membership.organization_id, form["name"], colours, fonts, is_default=form["is_default"] == "on"
        )
    except PlanRequired:
        return await _screen(request, membership, status=402)
    except ValidationFailed as error:
        return await _screen(request, membership, alert=_explain(error), values=form, status=422)
    await audit(request, membership.organization_id, "brand_kit.create", "brand_kit", kit.id)
    raise back(_HERE, "kit_created")


async def _managed(request: web.Request) -> tuple[BrandKit, Membership]:
    sessions.require_user(request)
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)
    return kit, await member(request, kit.organization_id, _MANAGE, _WRITE)


@routes.post(_HERE + "/{id}")
@page
async def update_kit(request: web.Request) -> web.StreamResponse:
    """Rename and restyle a kit."""
    kit, membership = await _managed(request)
    form = await fields(request, *_KIT_FIELDS)
    try:
        kit.rename(form["name"])
        kit.restyle(*_style(form, kit))
        await _service(request).save(kit)
    except PlanRequired:
        return await _screen(request, membership, status=402)
    except ValidationFailed as error:
        return await _screen(request, membership, alert=_explain(error), status=422)
    await audit(request, kit.organization_id, "brand_kit.update", "brand_kit", kit.id)
    raise back(_HERE, "kit_saved")


@routes.post(_HERE + "/{id}/default")
@page
async def make_default(request: web.Request) -> web.StreamResponse:
    """Make the kit the organization's default (``default=off``: no longer the default)."""
    kit, membership = await _managed(request)
    form = await fields(request, "default")
    kit.is_default = form["default"] != "off"
    try:
        await _service(request).save(kit)
    except PlanRequired:
        return await _screen(request, membership, status=402)
    await audit(request, kit.organization_id, "brand_kit.update", "brand_kit", kit.id)
    raise back(_HERE, "kit_default" if kit.is_default else "kit_not_default")


@routes.post(_HERE + "/{id}/delete")
@page
async def delete_kit(request: web.Request) -> web.StreamResponse:
    """Delete a kit and its files (on any plan)."""
    kit, _membership = await _managed(request)
    await _service(request).delete(kit)
    await audit(request, kit.organization_id, "brand_kit.delete", "brand_kit", kit.id)
    raise back(_HERE, "kit_deleted")


async def _upload(request: web.Request, limit: int) -> bytes:
    """The posted ``file`` (already read with the form by the CSRF check); ``FileTooLarge`` over ``limit``."""
    upload = (await request.post()).get("file")
    if not isinstance(upload, web.FileField):
        raise ValidationFailed("choose a file", {"file": "missing"})
    data = upload.file.read(limit + 1)
    if len(data) > limit or not data:
        raise FileTooLarge("the file is too large", "file", limit)
    return data


@routes.post(_HERE + "/{id}/logo")
@page
async def upload_logo(request: web.Request) -> web.StreamResponse:
    """Upload the kit's logo (PNG or JPEG)."""
    kit, membership = await _managed(request)
    limit = request.app[CONTAINER].settings().brand_logo_max_bytes
    try:
        kit = await _service(request).upload_logo(kit, await _upload(request, limit))
    except PlanRequired:
        return await _screen(request, membership, status=402)
    except (SourceError, ValidationFailed):
        alert = gettext(_BAD_LOGO) % {"size": limit // 2**20}
        return await _screen(request, membership, alert=alert, status=422)
    await audit(request, kit.organization_id, "brand_kit.logo_upload", "brand_kit", kit.id)
    raise back(_HERE, "kit_logo")


@routes.post(_HERE + "/{id}/template")
@page
async def upload_template(request: web.Request) -> web.StreamResponse:
    """Upload the kit's PPTX template, checked from its content."""
    kit, membership = await _managed(request)
    limit = request.app[CONTAINER].settings().brand_template_max_bytes
    try:
        kit = await _service(request).upload_template(kit, await _upload(request, limit))
    except PlanRequired:
        return await _screen(request, membership, status=402)
    except (SourceError, ValidationFailed):
        alert = gettext(_BAD_TEMPLATE) % {"size": limit // 2**20}
        return await _screen(request, membership, alert=alert, status=422)
    await audit(request, kit.organization_id, "brand_kit.template_upload", "brand_kit", kit.id)
    raise back(_HERE, "kit_template")


@routes.post(_HERE + "/{id}/template/remove")
@page
async def remove_template(request: web.Request) -> web.StreamResponse:
    """Drop the kit's template."""
    kit, _membership = await _managed(request)
    kit = await _service(request).remove_template(kit)
    await audit(request, kit.organization_id, "brand_kit.template_remove", "brand_kit", kit.id)
    raise back(_HERE, "kit_template_removed")
