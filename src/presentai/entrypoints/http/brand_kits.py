"""REST routes for brand kits: create, list, get, update, delete, and upload a PPTX template or a logo.

Admins manage kits (``brand_kits:write`` for API keys); editors use them: they read kits to name one on a
presentation (``presentations:write`` or ``brand_kits:write``). Kits are a feature of the pro plan and above.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from attrs import frozen

from presentai.domain.accounts import Action
from presentai.domain.api_keys import Scope
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandKit
from presentai.domain.errors import NotFound
from presentai.entrypoints.http.auth import find_in_my_organizations, organization_for, principal
from presentai.entrypoints.http.bodies import read_body
from presentai.entrypoints.http.files import read_upload
from presentai.entrypoints.http.journal import audit
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.openapi import accepts, accepts_upload, answers
from presentai.entrypoints.http.paging import next_cursor, page_request
from presentai.entrypoints.http.responses import json_response
from presentai.ports.brand_kits import BrandKitRepository
from presentai.services.brand_kits import BrandKits

routes = web.RouteTableDef()
_MANAGE, _WRITE = Action.MANAGE_BRAND_KITS, Scope.BRAND_KITS_WRITE


@frozen
class ColorsBody:
    primary: str | None = None
    accent: str | None = None
    background: str | None = None
    text: str | None = None


@frozen
class FontsBody:
    heading: str | None = None
    body: str | None = None


@frozen
class CreateBrandKitBody:
    name: str
    colors: ColorsBody = ColorsBody()
    fonts: FontsBody = FontsBody()
    is_default: bool = False
    organization_id: str = ""


@frozen
class UpdateBrandKitBody:
    name: str | None = None
    colors: ColorsBody | None = None
    fonts: FontsBody | None = None
    is_default: bool | None = None


def _kits(request: web.Request) -> BrandKitRepository:
    return request.app[CONTAINER].brand_kits()  # type: ignore[no-any-return]


def _service(request: web.Request) -> BrandKits:
    return request.app[CONTAINER].brand_kit_service()  # type: ignore[no-any-return]


async def _reading_scope(request: web.Request) -> Scope:
    """Editors read kits to use them: a key may read with ``brand_kits:write`` or ``presentations:write``."""
    caller = await principal(request)
    return _WRITE if caller.scopes is not None and _WRITE in caller.scopes else Scope.PRESENTATIONS_WRITE


async def load_kit(request: web.Request, kit_id: str, action: Action, scope: Scope) -> BrandKit:
    """A kit of one of the caller's organizations (another tenant's is not found)."""

    async def find(organization_id: str) -> BrandKit | None:
        try:
            return await _kits(request).get(organization_id, kit_id)
        except NotFound:
            return None

    return await find_in_my_organizations(request, action, scope, find, NotFound.of("brand kit", kit_id))


def _colours(body: ColorsBody, base: BrandColours | None = None) -> BrandColours:
    return BrandColours.parse(body.primary, body.accent, body.background, body.text, base=base)


def _fonts(body: FontsBody, base: BrandFonts | None = None) -> BrandFonts:
    return BrandFonts.parse(body.heading, body.body, base=base)


def kit_body(kit: BrandKit) -> dict[str, Any]:
    """The API's view of a kit (stored files by their type and size, never their keys)."""
    c, f = kit.colours, kit.fonts
    return {
        "id": kit.id,
        "organization_id": kit.organization_id,
        "name": kit.name,
        "colors": {"primary": f"#{c.primary}", "accent": f"#{c.accent}", "background": f"#{c.background}",
                   "text": f"#{c.text}"},
        "fonts": {"heading": f.heading, "body": f.body},
        "logo": {"media_type": kit.logo.media_type, "size_bytes": kit.logo.size_bytes} if kit.logo else None,
        "template": {"media_type": kit.template.media_type, "size_bytes": kit.template.size_bytes}
        if kit.template else None,
        "is_default": kit.is_default,
        "created_at": kit.created_at.isoformat(),
        "updated_at": kit.updated_at.isoformat(),
    }  # fmt: skip


@routes.post("/api/v1/brand-kits")
@accepts(CreateBrandKitBody)
@answers(201)
async def create_brand_kit(request: web.Request) -> web.Response:
    """A new brand kit of an organization the caller administers (pro plans and above)."""
    await principal(request)
    body = await read_body(request, CreateBrandKitBody)
    organization_id = await organization_for(request, body.organization_id, _MANAGE, _WRITE)
    await _service(request).require_plan(organization_id)
    kit = await _service(request).create(
        organization_id, body.name, _colours(body.colors), _fonts(body.fonts), is_default=body.is_default
    )
    await audit(request, organization_id, "brand_kit.create", "brand_kit", kit.id)
    return json_response(kit_body(kit), status=201)


@routes.get("/api/v1/brand-kits")
async def list_brand_kits(request: web.Request) -> web.Response:
    """The organization's brand kits, newest first."""
    scope = await _reading_scope(request)
    organization_id = await organization_for(request, request.query.get("organization_id", ""), Action.EDIT, scope)
    limit, before = page_request(request)
    everything = await _kits(request).list(organization_id)
    page = [k for k in everything if not before or k.id < before][:limit]
    return json_response({"data": [kit_body(k) for k in page], "next_cursor": next_cursor([k.id for k in page], limit)})


@routes.get("/api/v1/brand-kits/{id}")
async def get_brand_kit(request: web.Request) -> web.Response:
    """A brand kit."""
    scope = await _reading_scope(request)
    return json_response(kit_body(await load_kit(request, request.match_info["id"], Action.EDIT, scope)))


@routes.patch("/api/v1/brand-kits/{id}")
@accepts(UpdateBrandKitBody)
async def update_brand_kit(request: web.Request) -> web.Response:
    """Rename a kit, change its colours or fonts, make it the organization's default (or not)."""
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)
    body = await read_body(request, UpdateBrandKitBody)
    await _service(request).require_plan(kit.organization_id)
    if body.name is not None:
        kit.rename(body.name)
    colours = _colours(body.colors, kit.colours) if body.colors is not None else None
    fonts = _fonts(body.fonts, kit.fonts) if body.fonts is not None else None
    kit.restyle(colours, fonts)
    if body.is_default is not None:
        kit.is_default = body.is_default
    await _service(request).save(kit)
    await audit(request, kit.organization_id, "brand_kit.update", "brand_kit", kit.id)
    return json_response(kit_body(kit))


@routes.delete("/api/v1/brand-kits/{id}")
@answers(204)
async def delete_brand_kit(request: web.Request) -> web.Response:
    """Delete a kit and its files; presentations that named it use the default kit from then on."""
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)
    await _service(request).delete(kit)
    await audit(request, kit.organization_id, "brand_kit.delete", "brand_kit", kit.id)
    return web.Response(status=204)


@routes.post("/api/v1/brand-kits/{id}/template")
@accepts_upload()
async def upload_brand_template(request: web.Request) -> web.Response:
    """Upload the kit's PPTX template (multipart field ``file``), checked from its content: a real
    presentation, within the size and unpacked-size limits (no zip bomb), without macros."""
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)  # 401/403/404 before the body
    await _service(request).require_plan(kit.organization_id)
    _, data, _ = await read_upload(request, request.app[CONTAINER].settings().brand_template_max_bytes)
    kit = await _service(request).upload_template(kit, data)
    await audit(request, kit.organization_id, "brand_kit.template_upload", "brand_kit", kit.id)
    return json_response(kit_body(kit))


@routes.delete("/api/v1/brand-kits/{id}/template")
async def remove_brand_template(request: web.Request) -> web.Response:
    """Drop the kit's template: decks go back to a built-in master in the kit's colours, fonts and logo."""
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)
    kit = await _service(request).remove_template(kit)
    await audit(request, kit.organization_id, "brand_kit.template_remove", "brand_kit", kit.id)
    return json_response(kit_body(kit))


@routes.post("/api/v1/brand-kits/{id}/logo")
@accepts_upload()
async def upload_brand_logo(request: web.Request) -> web.Response:
    """Upload the kit's logo (multipart field ``file``): a PNG or JPEG image, read whole to check it."""
    kit = await load_kit(request, request.match_info["id"], _MANAGE, _WRITE)
    await _service(request).require_plan(kit.organization_id)
    _, data, _ = await read_upload(request, request.app[CONTAINER].settings().brand_logo_max_bytes)
    kit = await _service(request).upload_logo(kit, data)
    await audit(request, kit.organization_id, "brand_kit.logo_upload", "brand_kit", kit.id)
    return json_response(kit_body(kit))
