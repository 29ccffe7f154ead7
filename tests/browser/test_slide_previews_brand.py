"""The slide previews in a brand kit, as the slide view and the share page draw them: the kit's colours and fonts
over the theme; screenshots beside the PPTX of the same deck in the same kit (out/screenshots/brand-kit-*)."""

from __future__ import annotations

import pytest
from aiohttp import web
from attrs import evolve
from playwright.async_api import expect

from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandKit, BrandStyle
from presentai.domain.deck import compose_deck
from presentai.domain.slides import Layout
from presentai.entrypoints.http.keys import CONTAINER
from tests.browser.conftest import SCREENSHOTS, NewPage, make_user, sign_in
from tests.browser.test_slide_previews import _deck, every_layout

pytestmark = pytest.mark.slow
SHOWN = (Layout.TITLE, Layout.SECTION, Layout.BULLETS, Layout.TABLE, Layout.KEY_FIGURES, Layout.CHART)


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


async def test_a_deck_s_kit_colours_and_fonts_its_previews(app: web.Application, new_page: NewPage) -> None:
    user_id = await make_user(app, "kit@example.com", "Kit Example")
    deck = await _deck(app, user_id, "en")
    colours = BrandColours.parse("#7A1F3D", "#C2410C", "#FFF8F0", "#2B1B12")
    kit = BrandKit.create(deck.organization_id, "Harbour", colours, BrandFonts.parse("DejaVu Serif", "Liberation Sans"))
    kit.is_default = True
    await app[CONTAINER].brand_kits().add(kit)
    page = await new_page()
    await sign_in(page, "kit@example.com")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    layouts = [c.layout for c in every_layout("en")]
    for layout in SHOWN:
        await page.goto(f"/presentations/{deck.id}/slides/{layouts.index(layout) + 1}")
        slide = page.locator(".slide-main .slide")
        await expect(slide).to_have_attribute("data-brand-kit", kit.id)
        if layout is Layout.BULLETS:
            await expect(slide).to_have_css("background-color", _rgb(colours.background))
            await expect(slide.locator("h2")).to_have_css("color", _rgb(colours.text))
            assert (await slide.locator("h2").evaluate("e => getComputedStyle(e).fontFamily")).startswith(
                '"DejaVu Serif"'
            )
        if layout is Layout.SECTION:
            await expect(slide).to_have_css("background-color", _rgb(colours.primary))
        await slide.screenshot(path=str(SCREENSHOTS / f"brand-kit-preview-{layout.value}.png"))
    await page.goto(f"/presentations/{deck.id}")
    await expect(page.locator(".slide-grid .slide").first).to_have_attribute("data-brand-kit", kit.id)
    stored = await app[CONTAINER].presentations().get(deck.organization_id, deck.id)
    pptx = DesignedDeckRenderer().render(evolve(compose_deck(stored, {}), brand=BrandStyle.of(kit)))
    (SCREENSHOTS / "brand-kit-deck.pptx").write_bytes(pptx)
