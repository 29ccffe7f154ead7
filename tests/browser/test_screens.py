"""Every screen of the web UI in English and Russian, on a desktop and a tablet, saved as screenshots."""

from __future__ import annotations

import pytest
from aiohttp import web
from playwright.async_api import expect

from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.projects import Project
from presentai.entrypoints.http.keys import CONTAINER, ORGANIZATIONS
from tests.browser.conftest import NewPage, make_user, shoot, sign_in

pytestmark = pytest.mark.slow
_HEADINGS = {
    "en": {"sign-in": "Sign in", "dashboard": "Hello, Mia", "projects": "Projects", "404": "Page not found"},
    "ru": {"sign-in": "Войти", "dashboard": "Здравствуйте, Mia", "projects": "Проекты", "404": "Страница не найдена"},
}


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_every_screen_speaks_the_browsers_language(app: web.Application, new_page: NewPage, lang: str) -> None:
    user_id = await make_user(app, "mia@example.com", "Mia")
    organization_id = (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    container = app[CONTAINER]
    project = Project.start(organization_id, "Northwind board pack")
    await container.projects().add(project)
    await container.projects().add(Project.start(organization_id, "Wind farm report"))
    for title in ("Annual results 2025", "Strategy 2026", "Field notes"):
        deck = Presentation.create(organization_id, title, GenerationParameters())
        deck.project_id = project.id
        await container.presentations().add(deck)
    page = await new_page(lang)
    headings = _HEADINGS[lang]
    await page.goto("/sign-in")
    await expect(page.locator("h1")).to_have_text(headings["sign-in"])
    await shoot(page, "sign-in", lang)
    await page.goto("/sign-up")
    await shoot(page, "sign-up", lang)
    await page.goto("/confirm-email?token=broken")
    await shoot(page, "email-link-broken", lang)
    await sign_in(page, "mia@example.com")
    await expect(page.locator("h1")).to_have_text(headings["dashboard"])
    await shoot(page, "dashboard", lang)
    await page.goto("/projects")
    await expect(page.locator("h1")).to_have_text(headings["projects"])
    await shoot(page, "projects-list", lang)
    await page.goto(f"/projects/{project.id}")
    await shoot(page, "project-detail", lang)
    tablet = await new_page(lang, width=820)
    await sign_in(tablet, "mia@example.com")
    await tablet.goto(f"/projects/{project.id}")
    await shoot(tablet, "project-detail-tablet", lang)
    await tablet.goto("/projects")
    await shoot(tablet, "projects-list-tablet", lang)
    await page.goto("/projects/nope")
    await expect(page.locator("h1")).to_have_text(headings["404"])
    await shoot(page, "error-404-page", lang)


async def test_the_language_switch_changes_the_language_and_stays(app: web.Application, new_page: NewPage) -> None:
    page = await new_page("en")
    await page.goto("/sign-in")
    await page.get_by_role("button", name="RU").click()
    await expect(page.locator("h1")).to_have_text("Войти")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await page.goto("/sign-up")
    await expect(page.locator("h1")).to_have_text("Создать учётную запись")
    await page.get_by_role("button", name="EN").click()
    await expect(page.locator("h1")).to_have_text("Create an account")
