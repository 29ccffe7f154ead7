"""The slide view in a real Chromium: a statement's passage on click or key, unsupported statements flagged,
an edit and a restore, markup in a slide shown as text."""

from __future__ import annotations

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from presentai.domain.slides import Bullet, Layout, SlideContent
from presentai.entrypoints.http.keys import CONTAINER, ORGANIZATIONS
from tests.browser.conftest import NewPage, make_user, shoot, sign_in
from tests.e2e.test_pages_slides import QUOTE, seeded_deck

pytestmark = pytest.mark.slow


async def _signed_in_with_deck(app: web.Application, page: Page, email: str = "ann@example.com") -> str:
    user_id = await make_user(app, email, "Ann Example")
    deck = await seeded_deck(app, user_id)
    await sign_in(page, email)
    return deck.id


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_clicking_a_statement_shows_its_quoted_passage_highlighted_with_its_page(
    app: web.Application, new_page: NewPage, lang: str
) -> None:
    page = await new_page(lang=lang)
    deck_id = await _signed_in_with_deck(app, page)
    await page.goto(f"/presentations/{deck_id}/slides/1")
    passage = page.locator("#attribution-0")
    await expect(passage).to_be_hidden()
    await page.locator(".slide [data-bullet='0']").click()  # the statement on the slide itself
    await expect(passage).to_be_visible()
    await expect(passage.locator("mark")).to_have_text(QUOTE)
    await expect(passage.locator(".passage-where")).to_have_text("page 7" if lang == "en" else "страница 7")
    await expect(passage.locator(".passage-source")).to_have_text("grid-report.pdf")
    await expect(passage.locator(".passage-text")).to_contain_text("up from 610 MW")  # the passage around it
    await shoot(page, "slide-view", lang)


async def test_the_keyboard_opens_a_statement_s_passage(app: web.Application, new_page: NewPage) -> None:
    page = await new_page(width=820)  # a tablet: the passage under the slide
    deck_id = await _signed_in_with_deck(app, page)
    await page.goto(f"/presentations/{deck_id}/slides/1")
    await page.locator(".statement-list [data-bullet='0']").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#attribution-0 mark")).to_have_text(QUOTE)
    await expect(page.locator("#attribution-0")).to_be_focused()
    await shoot(page, "slide-view-tablet")


async def test_an_unsupported_statement_is_flagged(app: web.Application, page: Page) -> None:
    deck_id = await _signed_in_with_deck(app, page)
    await page.goto(f"/presentations/{deck_id}/slides/1")
    unsupported = page.locator(".slide li.sl-unsupported")
    await expect(unsupported).to_have_count(1)
    await expect(unsupported).to_contain_text("Storage will triple by 2030")
    await expect(unsupported.locator(".sl-flag")).to_be_visible()
    await expect(page.locator(".statement.is-unsupported .badge")).to_have_text("Not supported by its sources")
    await expect(page.locator(".slide li:not(.sl-unsupported)")).to_have_count(1)  # the cited one is not
    await page.locator(".statement.is-unsupported a").click()
    await expect(page.locator("#attribution-1 .unsupported-note")).to_be_visible()


async def test_an_editor_edits_a_slide_and_restores_an_earlier_version(app: web.Application, page: Page) -> None:
    deck_id = await _signed_in_with_deck(app, page)
    await page.goto(f"/presentations/{deck_id}/slides/1")
    await page.get_by_text("Edit this slide").click()
    await page.locator("#edit-title").fill("Capacity grew fast")
    await page.locator("#edit-bullet-2").fill("Storage doubled")
    await page.get_by_role("button", name="Save as a new version").click()
    await expect(page.locator(".flash-success")).to_have_text("The slide was saved as a new version.")
    await expect(page.locator("h1")).to_have_text("Capacity grew fast")
    await expect(page.locator(".slide .sl-title")).to_have_text("Capacity grew fast")
    await expect(page.locator(".slide")).to_contain_text("Storage doubled")
    await expect(page.locator(".statement-list .badge-ready")).to_have_count(1)  # the kept statement, still cited
    await shoot(page, "slide-view-edited")
    await page.get_by_role("button", name="Restore version 1").click()
    await expect(page.locator(".flash-success")).to_have_text("The earlier version is the current one again.")
    await expect(page.locator("h1")).to_have_text("Capacity grew by a third")
    await expect(page.locator(".slide-versions li")).to_have_count(3)
    await expect(page.locator(".slide-versions li.is-current")).to_contain_text("Restored")


async def test_markup_in_a_slide_renders_as_text(app: web.Application, page: Page) -> None:
    deck_id = await _signed_in_with_deck(app, page)
    presentations = app[CONTAINER].presentations()
    user = await app[CONTAINER].users().by_email("ann@example.com")
    assert user is not None
    organization_id = (await app[ORGANIZATIONS].memberships(user.id))[0].organization_id
    deck = await presentations.get(organization_id, deck_id)
    attack = "<img src=x onerror=\"document.title='owned'\">"
    deck.slides[0].revise(
        SlideContent(Layout.BULLETS, "<script>document.title='owned'</script>", (Bullet(attack), Bullet("</li>ok")))
    )
    await presentations.save(deck)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.goto(f"/presentations/{deck_id}/slides/1")
    await expect(page.locator(".slide .sl-title")).to_have_text("<script>document.title='owned'</script>")
    await expect(page.locator(".slide li .sl-link").first).to_have_text(attack)
    await expect(page.locator(".slide img")).to_have_count(0)
    await expect(page.locator(".slide script")).to_have_count(0)
    assert "owned" not in await page.title()
    assert dialogs == []
