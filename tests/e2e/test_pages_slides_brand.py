"""Slide previews in the deck's brand kit: the editor, the slide view and the share page link a stylesheet of
our origin that sets the kit's colours and fonts; it answers only for the kit's organization and version."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from attrs import evolve

from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandKit, StoredFile
from presentai.entrypoints.http.keys import CONTAINER
from presentai.entrypoints.http.pages.slides_brand import font_stack
from tests.e2e.test_pages_slides import HTML, client, seeded_deck, signed_in

__all__ = ["client"]
LINK = re.compile(r'<link rel="stylesheet" href="(/brand-kits/[^"]+)">')


async def _kit(client: TestClient, organization_id: str, *, default: bool = False) -> BrandKit:
    colours = BrandColours.parse("#7A1F3D", "#C2410C", "#FFF8F0", "#2B1B12")
    kit = BrandKit.create(
        organization_id, "Harbour", colours, BrandFonts.parse("Georgia", "Verdana"), is_default=default
    )
    await client.server.app[CONTAINER].brand_kits().add(kit)
    return kit


async def test_the_deck_s_kit_restyles_its_previews_on_every_page(client: TestClient) -> None:
    user_id, _token = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    kit = await _kit(client, deck.organization_id)
    await _kit(client, deck.organization_id, default=True)  # the deck's own kit wins over the default
    deck.parameters = evolve(deck.parameters, brand_kit_id=kit.id)
    await app[CONTAINER].presentations().save(deck)
    link, secret = await app[CONTAINER].share_service().create(deck, by=user_id)
    hrefs = set()
    for path in (f"/presentations/{deck.id}", f"/presentations/{deck.id}/slides/1", f"/share/{secret}"):
        if path.startswith("/share/"):
            client.session.cookie_jar.clear()  # the share page is public
        html = await (await client.get(path, headers=HTML)).text()
        found = LINK.findall(html)
        assert len(found) == 1, (path, html[:400])
        assert f'data-brand-kit="{kit.id}"' in html, path
        hrefs.add(found[0].replace("&amp;", "&"))
    assert len(hrefs) == 1, "every page links the same stylesheet"
    response = await client.get(hrefs.pop())
    css = await response.text()
    assert response.status == 200, css
    assert response.content_type == "text/css"
    assert f'[data-brand-kit="{kit.id}"].sl-theme-light' in css
    assert "--s-bg: #FFF8F0" in css
    assert "--s-text: #2B1B12" in css
    assert "--s-section-bg: #7A1F3D" in css
    assert '--s-heading-font: "Georgia", sans-serif' in css
    assert '--s-body-font: "Verdana", sans-serif' in css
    assert link.id


async def test_the_default_kit_applies_and_a_template_kit_or_none_leaves_the_theme(client: TestClient) -> None:
    user_id, _token = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    path = f"/presentations/{deck.id}/slides/1"
    assert not LINK.findall(await (await client.get(path, headers=HTML)).text()), "no kit: the theme as it is"
    kit = await _kit(client, deck.organization_id, default=True)
    html = await (await client.get(path, headers=HTML)).text()
    assert f'href="/brand-kits/{kit.id}/preview.css' in html
    kit.use_template(StoredFile(f"kits/{kit.id}/template.pptx", "application/pptx", 10))
    await app[CONTAINER].brand_kits().save(kit)
    assert not LINK.findall(await (await client.get(path, headers=HTML)).text()), "a template kit draws its own"


async def test_the_stylesheet_answers_only_for_the_kit_s_organization_and_current_version(client: TestClient) -> None:
    user_id, _token = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    kit = await _kit(client, deck.organization_id, default=True)
    html = await (await client.get(f"/presentations/{deck.id}/slides/1", headers=HTML)).text()
    href = LINK.findall(html)[0].replace("&amp;", "&")
    other = (await _kit(client, "org-of-someone-else")).organization_id
    refused = [
        href.replace(f"o={deck.organization_id}", f"o={other}"),  # another organization's id
        re.sub(r"v=[0-9a-f]+", "v=" + "0" * 32, href),  # a guessed version
        href.split("&v=")[0],  # no version
        href.replace(kit.id, "no-such-kit"),
    ]
    for wrong in refused:
        assert (await client.get(wrong)).status == 404, wrong
    kit.restyle(BrandColours.parse("#000000", "#111111", "#FFFFFF", "#222222"), None)  # the old address goes stale
    await app[CONTAINER].brand_kits().save(kit)
    assert (await client.get(href)).status == 404


def test_a_font_name_never_leaves_its_css_string() -> None:
    stack = font_stack('Evil"; } body { display: none } /*\\')
    quoted = stack.split(", ")[0]
    assert quoted.startswith('"')
    assert quoted.endswith('"')
    assert not set(quoted[1:-1]) & set('";{}/*'), quoted
    assert font_stack("Calibri") == '"Calibri", "Carlito", sans-serif'
