"""Browser tests: the real app on a free port, driven by Debian's Chromium through Playwright (never a download)."""

from __future__ import annotations

import email
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, async_playwright

from presentai.config import Settings
from presentai.domain.accounts import Membership, Role
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import AUTHENTICATOR, ORGANIZATIONS

CHROMIUM = Path(os.environ.get("PRESENTAI_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
PASSWORD = "a long walk by the river at dawn"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
pytestmark = pytest.mark.slow


@pytest.fixture
def app(tmp_path: Path) -> web.Application:
    """The service with its embedded defaults (SQLite, outbox mailer) in a fresh workspace."""
    return create_app(Settings(workspace=tmp_path / "ws", jwt_secret="b" * 40))


@pytest.fixture
async def base_url(app: web.Application) -> AsyncIterator[str]:
    """Where the app answers: a real socket on a port the system picked, serving before this returns."""
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install-system-packages")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


NewPage = Callable[..., Awaitable[Page]]


@pytest.fixture
async def new_page(browser: Browser, base_url: str) -> AsyncIterator[NewPage]:
    """Opens a page in a fresh browser (own cookies) speaking ``lang``; ``width`` for tablet layouts."""
    contexts = []

    async def opened(lang: str = "en", width: int = 1280) -> Page:
        context = await browser.new_context(
            base_url=base_url, locale=lang, viewport={"width": width, "height": 900}, extra_http_headers={}
        )
        contexts.append(context)
        return await context.new_page()

    yield opened
    for context in contexts:
        await context.close()


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    """A page in an English-speaking browser of its own."""
    return await new_page()


async def shoot(page: Page, name: str, lang: str = "en") -> Path:
    """A full-page screenshot into out/screenshots/<name>-<lang>.png (the artefacts CI keeps)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{lang}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def sign_up(page: Page, email_address: str, name: str = "Ann Example") -> None:
    """Create an account through the sign-up form (ends on the check-your-email page)."""
    await page.goto("/sign-up")
    await page.locator("#field-name").fill(name)
    await page.locator("#field-email").fill(email_address)
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form[action='/sign-up'] button[type=submit]").click()
    await page.wait_for_url("**/check-email")


async def sign_in(page: Page, email_address: str, password: str = PASSWORD) -> None:
    """Sign in through the form (ends on the dashboard)."""
    await page.goto("/sign-in")
    await page.locator("#field-email").fill(email_address)
    await page.locator("#field-password").fill(password)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url("**/dashboard")


async def make_user(app: web.Application, email_address: str, name: str = "Member") -> str:
    """An account made through the Authenticator (faster than the form); its id."""
    user, _tokens = await app[AUTHENTICATOR].register(email_address, PASSWORD, name)
    return user.id


async def join(app: web.Application, user_id: str, organization_of: str, role: Role) -> str:
    """Make ``user_id`` a ``role`` member of the (first) organization of user ``organization_of``; its id."""
    organizations = app[ORGANIZATIONS]
    organization_id = (await organizations.memberships(organization_of))[0].organization_id
    await organizations.put_member(Membership(organization_id, user_id, role))
    return organization_id


def confirmation_link(app: web.Application, email_address: str) -> str:
    """The path of the confirmation link in the last email sent to ``email_address`` (the outbox folder)."""
    from presentai.entrypoints.http.keys import CONTAINER

    outbox = Path(app[CONTAINER].settings().workspace) / "outbox"
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes())
        if email_address in str(message["To"]):
            body = message.get_payload(decode=True)
            text = body.decode() if isinstance(body, bytes) else str(message.get_payload())
            found = re.search(r"https?://[^/\s]+(/verify-email\?token=\S+)", text)
            if found:
                return found.group(1)
    raise AssertionError(f"no confirmation email to {email_address}")
