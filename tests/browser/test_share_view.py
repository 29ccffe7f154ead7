"""The public view of a share link in a real Chromium: an anonymous visitor's view reaches the analytics; a
revoked link shows the gone page."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import APIRequestContext, Browser, expect

from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER
from tests.browser.conftest import PASSWORD, NewPage, shoot
from tests.e2e.test_pages_slides import QUOTE, seeded_deck
from tests.waiting import until

pytestmark = pytest.mark.slow


async def _owner_api(app: web.Application, browser: Browser, base_url: str) -> tuple[APIRequestContext, str]:
    """An API client of a new account (its bearer token), and the account's id."""
    user, tokens = await app[AUTHENTICATOR].register("owner@example.com", PASSWORD, "Owner")
    headers = {"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"}
    context = await browser.new_context(base_url=base_url, extra_http_headers=headers)  # closed with the browser
    return context.request, user.id


async def _json(api: APIRequestContext, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    answer = await api.fetch(path, method=method, data=body)
    assert answer.ok, await answer.text()
    return await answer.json() if answer.status != 204 else None


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_an_anonymous_visitor_views_a_share_link_and_the_view_appears_in_the_analytics(
    app: web.Application, browser: Browser, base_url: str, new_page: NewPage, lang: str
) -> None:
    api, user_id = await _owner_api(app, browser, base_url)
    deck = await seeded_deck(app, user_id)
    link = await _json(api, "POST", f"/api/v1/presentations/{deck.id}/shares", {"show_attributions": True})
    page = await new_page(lang=lang)
    response = await page.goto(f"/share/{link['token']}")
    assert response is not None
    assert response.status == 200
    await expect(page.locator("h1")).to_have_text("Grid 2025")
    await expect(page.locator(".share-slide .slide")).to_have_count(3)
    await expect(page.get_by_text("Open with the capacity figure.")).to_have_count(0)  # notes stay private
    await page.locator(".share-sources summary").first.click()
    await expect(page.locator(".share-sources mark").first).to_have_text(QUOTE)
    await shoot(page, "share-view", lang)
    for number in (2, 3):  # the visitor reads on, slide by slide
        await page.locator(f"#slide-{number}").scroll_into_view_if_needed()
        await expect(page.locator(".share-index a.is-current")).to_have_text(str(number))
    await page.goto("about:blank")  # leaving the page sends its report (pagehide → sendBeacon)

    async def reported() -> bool:
        summary = await _json(api, "GET", f"/api/v1/presentations/{deck.id}/analytics")
        slides = {s["number"]: s["views"] for s in summary["slides"]}
        return summary["views"] == 1 and all(slides.get(n, 0) >= 1 for n in (1, 2, 3))

    await until(reported, "the view and the slides it saw in the analytics")
    summary = await _json(api, "GET", f"/api/v1/presentations/{deck.id}/analytics")
    assert summary["unique_viewers"] == 1
    assert summary["completion_rate"] == 1.0


async def test_a_link_without_attributions_shows_the_slides_only(
    app: web.Application, browser: Browser, base_url: str, new_page: NewPage
) -> None:
    api, user_id = await _owner_api(app, browser, base_url)
    deck = await seeded_deck(app, user_id)
    link = await _json(api, "POST", f"/api/v1/presentations/{deck.id}/shares", {"show_attributions": False})
    page = await new_page()
    await page.goto(f"/share/{link['token']}")
    await expect(page.locator(".share-slide .slide")).to_have_count(3)
    await expect(page.locator(".share-sources")).to_have_count(0)
    await expect(page.get_by_text(QUOTE)).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_a_revoked_link_shows_the_gone_page(
    app: web.Application, browser: Browser, base_url: str, new_page: NewPage, lang: str
) -> None:
    api, user_id = await _owner_api(app, browser, base_url)
    deck = await seeded_deck(app, user_id)
    link = await _json(api, "POST", f"/api/v1/presentations/{deck.id}/shares", {})
    await _json(api, "DELETE", f"/api/v1/presentations/{deck.id}/shares/{link['id']}")
    page = await new_page(lang=lang)
    response = await page.goto(f"/share/{link['token']}")
    assert response is not None
    assert response.status == 410
    heading = {"en": "This link no longer works", "ru": "Эта ссылка больше не работает"}[lang]
    await expect(page.locator("h1")).to_have_text(heading)
    await expect(page.locator(".slide")).to_have_count(0)
    await shoot(page, "share-gone", lang)
    assert app[CONTAINER]  # the app served every request above
