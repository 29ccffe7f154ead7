"""A brand kit's look for the HTML slide previews: a small stylesheet from our origin (the CSP refuses inline
styles) that sets the theme's custom properties (static/slides.css) to the colours and fonts the PPTX uses."""

from __future__ import annotations

import hashlib

from aiohttp import web

from presentai.adapters.pptx.themes import THEMES, Theme, branded
from presentai.domain.brand_kits import BrandKit, BrandStyle, hex_colour
from presentai.domain.errors import NotFound, ValidationFailed
from presentai.domain.presentation import Presentation
from presentai.entrypoints.http.keys import CONTAINER

routes = web.RouteTableDef()
_BASE = "light"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-")
# The metric-compatible twins LibreOffice draws Microsoft's fonts with (Debian's fonts-crosextra, Liberation).
_TWINS = {
    "calibri": '"Carlito"',
    "cambria": '"Caladea"',
    "arial": '"Liberation Sans"',
    "helvetica": '"Liberation Sans"',
    "times new roman": '"Liberation Serif"',
    "courier new": '"Liberation Mono"',
}
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


async def kit_of(request: web.Request, presentation: Presentation) -> BrandKit | None:
    """The kit a deck's PPTX is themed with, as services/brand_kits.DeckLooks picks it: the deck's own, else the
    organization's default; ``None`` without one or when the kit has a template (the PPTX uses the template)."""
    kits = request.app[CONTAINER].brand_kits()
    organization_id, kit_id = presentation.organization_id, presentation.parameters.brand_kit_id
    kit = None
    if kit_id:
        try:
            kit = await kits.get(organization_id, kit_id)
        except NotFound:
            kit = None
    if kit is None:
        kit = await kits.default_for(organization_id)
    return kit if kit is not None and kit.template is None else None


def version(kit: BrandKit) -> str:
    """A hash of what the stylesheet shows of the kit: its address changes when the kit does, and only a page
    that knows the kit's current colours and fonts can name it."""
    c, f = kit.colours, kit.fonts
    seen = "\n".join((kit.organization_id, kit.id, c.primary, c.accent, c.background, c.text, f.heading, f.body))
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


async def preview_kit(request: web.Request, presentation: Presentation) -> dict[str, str] | None:
    """What a page needs to draw the deck's previews in its kit: the mark of its previews and the stylesheet."""
    kit = await kit_of(request, presentation)
    if kit is None or not set(kit.id) <= _ID_CHARS:
        return None
    query = f"o={kit.organization_id}&v={version(kit)}"
    return {"id": kit.id, "href": f"/brand-kits/{kit.id}/preview.css?{query}"}


def font_stack(name: str) -> str:
    """A CSS font-family list for a kit's font: its name quoted (anything but letters, digits, spaces, dots and
    dashes escaped), the twin LibreOffice would draw, then a generic family."""
    quoted = "".join(ch if ch in _SAFE else f"\\{ord(ch):06X}" for ch in name)
    twin = _TWINS.get(name.strip().lower())
    return ", ".join(part for part in (f'"{quoted}"', twin, "sans-serif") if part)


def _hex(value: str) -> str:
    return "#" + hex_colour(value, "colour")  # only RRGGBB gets into the stylesheet


def properties(theme: Theme) -> dict[str, str]:
    """The custom properties of static/slides.css for a branded theme, as adapters/pptx masters draw them."""
    p = theme.palette
    found = {
        "--s-bg": _hex(p.background),
        "--s-surface": _hex(p.surface),
        "--s-text": _hex(p.text),
        "--s-muted": _hex(p.muted),
        "--s-accent": _hex(p.accent),
        "--s-on-accent": _hex(p.on_accent),
        "--s-section-bg": _hex(p.section_background),
        "--s-section-text": _hex(p.section_text),
        "--s-rule": _hex(p.rule),
        "--s-cover-panel": _hex(p.surface if theme.dark else p.section_background),
        "--s-heading-font": font_stack(theme.heading_font),
        "--s-body-font": font_stack(theme.body_font),
    }
    found.update({f"--s-c{i}": _hex(colour) for i, colour in enumerate(p.chart[:6])})
    return found


def stylesheet(kit: BrandKit) -> str:
    """The rules that restyle, in every built-in theme, the previews marked ``data-brand-kit`` with the kit."""
    rules = []
    for name, base in THEMES.items():
        theme = branded(BrandStyle.of(kit), base)
        body = "; ".join(f"{key}: {value}" for key, value in properties(theme).items())
        rules.append(f'[data-brand-kit="{kit.id}"].sl-theme-{name} {{ {body}; }}')
    return f"/* Brand kit {kit.id}: slide previews in its colours and fonts (pages/slides_brand.py). */\n" + (
        "\n".join(rules) + "\n"
    )


@routes.get("/brand-kits/{id}/preview.css")
async def preview_css(request: web.Request) -> web.StreamResponse:
    """The kit's preview stylesheet; 404 unless the organization, the kit and its current version match."""
    kit_id, organization_id = request.match_info["id"], request.query.get("o", "")
    if not (set(kit_id) <= _ID_CHARS and set(organization_id) <= _ID_CHARS and kit_id and organization_id):
        raise web.HTTPNotFound()
    try:
        kit = await request.app[CONTAINER].brand_kits().get(organization_id, kit_id)
        text = stylesheet(kit)
    except (NotFound, ValidationFailed):
        raise web.HTTPNotFound() from None
    if kit.template is not None or request.query.get("v", "") != version(kit):
        raise web.HTTPNotFound()
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
    return web.Response(text=text, content_type="text/css", charset="utf-8", headers=headers)
