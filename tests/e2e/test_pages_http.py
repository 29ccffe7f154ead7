"""The web UI's HTTP contract without a browser: CSRF, cookies, redirects, languages, HTML errors beside JSON ones."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from presentai.config import Settings
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.pages.sessions import local_path

HTML = {"Accept": "text/html"}
PASSWORD = "a long walk by the river at dawn"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="p" * 40)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def _signed_up(client: TestClient) -> str:
    token = _csrf(await (await client.get("/sign-up", headers=HTML)).text())
    form = {"csrf_token": token, "name": "Pat", "email": "pat@example.com", "password": PASSWORD}
    response = await client.post("/sign-up", data=form, headers=HTML)
    assert response.status == 200
    return _csrf(await response.text())


async def test_a_form_posted_without_the_sessions_csrf_token_is_refused(client: TestClient) -> None:
    await _signed_up(client)
    response = await client.post("/projects", data={"name": "x", "csrf_token": "forged"}, headers=HTML)
    assert response.status == 403
    assert "text/html" in response.content_type
    response = await client.post("/projects", data={"name": "x"}, headers=HTML)
    assert response.status == 403


async def test_session_cookies_are_httponly_and_samesite(client: TestClient) -> None:
    token = _csrf(await (await client.get("/sign-up", headers=HTML)).text())
    form = {"csrf_token": token, "name": "Pat", "email": "pat@example.com", "password": PASSWORD}
    response = await client.post("/sign-up", data=form, headers=HTML, allow_redirects=False)
    assert response.status == 302
    cookies = response.headers.getall("Set-Cookie")
    for name in ("pa_access", "pa_refresh", "pa_csrf"):
        cookie = next(c for c in cookies if c.startswith(f"{name}="))
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


async def test_an_expired_access_cookie_is_refreshed_without_the_user_noticing(client: TestClient) -> None:
    await _signed_up(client)
    site = URL(str(client.make_url("/")))
    client.session.cookie_jar.update_cookies({"pa_access": "expired.or.broken"}, site)
    assert client.session.cookie_jar.filter_cookies(site)["pa_access"].value == "expired.or.broken"
    response = await client.get("/dashboard", headers=HTML, allow_redirects=False)
    assert response.status == 200
    assert any(c.startswith("pa_access=") for c in response.headers.getall("Set-Cookie"))
    assert (await client.get("/dashboard", headers=HTML, allow_redirects=False)).status == 200


async def test_pages_opened_together_with_an_expired_access_cookie_keep_the_login(client: TestClient) -> None:
    await _signed_up(client)
    site = URL(str(client.make_url("/")))
    client.session.cookie_jar.update_cookies({"pa_access": "expired.or.broken"}, site)
    answers = await asyncio.gather(*(client.get("/dashboard", headers=HTML, allow_redirects=False) for _ in range(4)))
    assert [a.status for a in answers] == [200, 200, 200, 200]
    assert (await client.get("/projects", headers=HTML, allow_redirects=False)).status == 200


async def test_a_page_needing_a_user_sends_the_browser_to_sign_in_and_back(client: TestClient) -> None:
    response = await client.get("/projects?x=1", headers=HTML, allow_redirects=False)
    assert response.status == 302
    location = URL(response.headers["Location"])
    assert location.path == "/sign-in"
    assert location.query["next"] == "/projects?x=1"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:x", ""])
def test_only_a_local_path_is_a_place_to_return_to(target: str) -> None:
    assert local_path(target) == "/dashboard"


def test_a_local_path_is_kept() -> None:
    assert local_path("/projects/1?q=a") == "/projects/1?q=a"


async def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    response = await client.get("/sign-in", headers=HTML)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert "<script>" not in html
    assert " style=" not in html


async def test_the_language_follows_accept_language_then_the_switch(client: TestClient) -> None:
    response = await client.get("/sign-in", headers={**HTML, "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in await response.text()
    token = _csrf(await response.text())
    await client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/sign-in"}, headers=HTML)
    response = await client.get("/sign-in", headers={**HTML, "Accept-Language": "ru"})
    assert '<html lang="en">' in await response.text()


async def test_browsers_get_html_errors_and_api_clients_keep_json(client: TestClient) -> None:
    page = await client.get("/no-such-page", headers=HTML)
    assert page.status == 404
    assert "text/html" in page.content_type
    api = await client.get("/api/v1/no-such-thing", headers=HTML)
    assert api.status == 404
    assert api.content_type == "application/json"
    plain = await client.get("/no-such-page")
    assert plain.content_type == "application/json"


async def test_the_emailed_link_opened_in_a_browser_shows_the_designed_page(client: TestClient) -> None:
    response = await client.get("/verify-email?token=broken", headers=HTML, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/confirm-email?token=broken"
    response = await client.get("/confirm-email?token=broken", headers=HTML)
    assert response.status == 400
    assert "This link does not work" in await response.text()
