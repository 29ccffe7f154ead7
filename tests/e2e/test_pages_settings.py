"""The settings screens over HTTP (no browser): every screen answers, role rules hold, secrets show once."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer

from presentai.config import Settings
from presentai.domain.accounts import Membership, Role
from presentai.domain.audit import AuditQuery
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import API_KEYS, AUDIT, AUTHENTICATOR, CONTAINER, ORGANIZATIONS, USERS

HTML = {"Accept": "text/html"}
PASSWORD = "a long walk by the river at dawn"


@pytest.fixture
def app(tmp_path: Path) -> web.Application:
    return create_app(Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40))


@pytest.fixture
async def client(app: web.Application) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def _sign_in(client: TestClient, email: str) -> str:
    token = _csrf(await (await client.get("/sign-in", headers=HTML)).text())
    form = {"csrf_token": token, "email": email, "password": PASSWORD, "next": "/settings/profile"}
    response = await client.post("/sign-in", data=form, headers=HTML)
    assert response.status == 200
    return _csrf(await response.text())


async def _user(app: web.Application, email: str, name: str = "Member") -> str:
    user, _tokens = await app[AUTHENTICATOR].register(email, PASSWORD, name)
    return user.id


async def _organization_of(app: web.Application, user_id: str) -> str:
    return (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id


async def test_every_settings_screen_answers_an_owner(app: web.Application, client: TestClient) -> None:
    await _user(app, "owner@example.com", "Olga Owner")
    await _sign_in(client, "owner@example.com")
    for path, heading in [
        ("/settings/profile", "Profile"),
        ("/settings/organization", "Olga Owner"),
        ("/settings/brand-kits", "Brand kits"),
        ("/settings/audit-log", "Audit log"),
    ]:
        response = await client.get(path, headers=HTML)
        assert response.status == 200, path
        assert heading in await response.text(), path


async def test_a_signed_out_browser_is_sent_to_sign_in(client: TestClient) -> None:
    response = await client.get("/settings/organization", headers=HTML, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


async def test_a_viewer_gets_the_403_page_for_the_audit_log(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    viewer = await _user(app, "viewer@example.com")
    organization_id = await _organization_of(app, owner)
    await app[ORGANIZATIONS].put_member(Membership(organization_id, viewer, Role.VIEWER))
    await _sign_in(client, "viewer@example.com")
    client.session.cookie_jar.update_cookies({"pa_org": organization_id})
    for path in ("/settings/audit-log", "/settings/audit-log.csv", "/settings/brand-kits"):
        response = await client.get(path, headers=HTML)
        assert response.status == 403, path
        assert "text/html" in response.content_type
    page = await (await client.get("/settings/organization", headers=HTML)).text()
    assert "/settings/audit-log" not in page  # no link to what the role cannot open
    assert "/settings/organization/invite" not in page


async def test_a_forced_admin_form_of_a_viewer_is_refused(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    viewer = await _user(app, "viewer@example.com")
    organization_id = await _organization_of(app, owner)
    await app[ORGANIZATIONS].put_member(Membership(organization_id, viewer, Role.VIEWER))
    token = await _sign_in(client, "viewer@example.com")
    form = {"csrf_token": token, "organization_id": organization_id, "email": "x@example.com", "role": "admin"}
    response = await client.post("/settings/organization/invite", data=form, headers=HTML)
    assert response.status == 403
    assert await app[ORGANIZATIONS].invitations(organization_id) == []


async def test_a_settings_form_without_the_csrf_token_is_refused(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    response = await client.post(
        "/settings/organization/name", data={"organization_id": organization_id, "name": "Renamed"}, headers=HTML
    )
    assert response.status == 403
    assert (await app[ORGANIZATIONS].get(organization_id)).name != "Renamed"


async def test_an_api_key_secret_is_on_the_answer_to_the_form_only(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    form = [
        ("csrf_token", token), ("organization_id", organization_id), ("name", "CRM"),
        ("scopes", "presentations:read"), ("scopes", "exports:write"),
    ]  # fmt: skip
    response = await client.post("/settings/organization/api-keys", data=form, headers=HTML)
    assert response.status == 200
    secret = re.search(r'id="new-key-secret" class="secret-value" readonly value="(pai_[^"]+)"', await response.text())
    assert secret is not None
    caller = await app[API_KEYS].authenticate(secret.group(1))
    assert caller.scopes is not None
    assert {s.value for s in caller.scopes} == {"presentations:read", "exports:write"}
    again = await (await client.get("/settings/organization", headers=HTML)).text()
    assert secret.group(1) not in again
    assert "CRM" in again


async def test_the_audit_log_filters_and_downloads_csv(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    form = {"csrf_token": token, "organization_id": organization_id, "name": "Renamed Co"}
    assert (await client.post("/settings/organization/name", data=form, headers=HTML)).status == 200
    page = await (await client.get("/settings/audit-log?action=organization.update", headers=HTML)).text()
    assert "organization.update" in page
    assert "No entry matches" not in page
    empty = await (await client.get("/settings/audit-log?action=member.remove", headers=HTML)).text()
    assert "No entry matches" in empty
    future = await (await client.get("/settings/audit-log?from=2999-01-01", headers=HTML)).text()
    assert "No entry matches" in future
    response = await client.get("/settings/audit-log.csv?action=organization.update", headers=HTML)
    assert response.status == 200
    assert response.content_type == "text/csv"
    lines = (await response.text()).strip().splitlines()
    assert lines[0].startswith("id,actor_id,actor_kind,action")
    assert len(lines) == 2
    assert ",organization.update," in lines[1]


async def test_the_audit_log_dates_take_whole_days_from_and_to(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    form = {"csrf_token": token, "organization_id": organization_id, "name": "Renamed Co"}
    assert (await client.post("/settings/organization/name", data=form, headers=HTML)).status == 200
    [entry] = await app[AUDIT].query(AuditQuery(organization_id, action="organization.update"))
    day = entry.created_at.date()  # the entry's own UTC day, so the test holds across midnight
    one = timedelta(days=1)
    for dates, shown in (
        (f"from={day}&to={day}", True),
        (f"from={day - one}&to={day}", True),
        (f"to={day - one}", False),
        (f"from={day + one}", False),
        (f"from={day}&to={day - one}", False),
        ("from=not-a-day", True),  # an unreadable date is no filter
    ):
        page = await (await client.get(f"/settings/audit-log?action=organization.update&{dates}", headers=HTML)).text()
        assert ("No entry matches" not in page) is shown, dates
        csv_text = await (
            await client.get(f"/settings/audit-log.csv?action=organization.update&{dates}", headers=HTML)
        ).text()
        assert len(csv_text.strip().splitlines()) == (2 if shown else 1), dates


async def test_brand_kits_on_the_free_plan_say_which_plan_offers_them(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    page = await (await client.get("/settings/brand-kits", headers=HTML)).text()
    assert "Brand kits are part of the Pro plan and above." in page
    colours = {"primary": "#112233", "accent": "#223344", "background": "#ffffff", "text": "#111111", "body": "B"}
    form = {"csrf_token": token, "organization_id": organization_id, "name": "K", "heading": "A", **colours}
    response = await client.post("/settings/brand-kits", data=form, headers=HTML)
    assert response.status == 402
    assert "Brand kits are part of the Pro plan and above." in await response.text()


async def test_markup_in_a_member_name_is_text(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    other = await _user(app, "other@example.com", "<script>alert(1)</script><b>Bold</b>")
    await app[ORGANIZATIONS].put_member(Membership(await _organization_of(app, owner), other, Role.EDITOR))
    await _sign_in(client, "owner@example.com")
    page = await (await client.get("/settings/organization", headers=HTML)).text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in page


async def _pro_kit(app: web.Application, owner: str) -> tuple[str, str]:
    organization_id = await _organization_of(app, owner)
    organization = await app[ORGANIZATIONS].get(organization_id)
    organization.plan = "pro"
    await app[ORGANIZATIONS].save(organization)
    kit = await app[CONTAINER].brand_kit_service().create(organization_id, "House")
    return organization_id, kit.id


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#0f766e").save(out, format="PNG")
    return out.getvalue()


def _pptx() -> bytes:
    from pptx import Presentation

    out = io.BytesIO()
    Presentation().save(out)
    return out.getvalue()


async def _upload(client: TestClient, path: str, token: str, name: str, data: bytes) -> tuple[int, str]:
    form = FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", data, filename=name)
    response = await client.post(path, data=form, headers=HTML)
    return response.status, await response.text()


async def test_an_admin_uploads_a_logo_and_a_template_and_a_wrong_file_is_explained(
    app: web.Application, client: TestClient
) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id, kit_id = await _pro_kit(app, owner)
    base = f"/settings/brand-kits/{kit_id}"
    assert (await _upload(client, base + "/logo", token, "logo.png", _png()))[0] == 200
    assert (await _upload(client, base + "/template", token, "brand.pptx", _pptx()))[0] == 200
    kit = await app[CONTAINER].brand_kits().get(organization_id, kit_id)
    assert kit.logo is not None
    assert kit.logo.media_type == "image/png"
    assert kit.template is not None
    status, page = await _upload(client, base + "/logo", token, "logo.png", b"not an image at all")
    assert status == 422
    assert "The logo was refused: upload a PNG or JPEG image" in page
    status, page = await _upload(client, base + "/template", token, "x.pptx", b"PK not a deck")
    assert status == 422
    assert "The template was refused" in page
    response = await client.post(base + "/template/remove", data={"csrf_token": token}, headers=HTML)
    assert response.status == 200
    assert (await app[CONTAINER].brand_kits().get(organization_id, kit_id)).template is None


async def test_unreadable_kit_colours_are_explained_not_saved(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id, kit_id = await _pro_kit(app, owner)
    colours = {"primary": "#112233", "accent": "#223344", "background": "#ffffff", "text": "#fefefe"}
    form = {"csrf_token": token, "name": "Pale", "heading": "Inter", "body": "Inter", **colours}
    response = await client.post(f"/settings/brand-kits/{kit_id}", data=form, headers=HTML)
    assert response.status == 422
    assert "contrast of at least 4.5:1" in await response.text()
    assert (await app[CONTAINER].brand_kits().get(organization_id, kit_id)).name == "House"


async def test_the_last_owner_cannot_be_demoted_from_the_page(app: web.Application, client: TestClient) -> None:
    owner = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    organization_id = await _organization_of(app, owner)
    form = {"csrf_token": token, "organization_id": organization_id, "role": "viewer"}
    response = await client.post(f"/settings/organization/members/{owner}/role", data=form, headers=HTML)
    assert response.status == 200
    assert "last owner cannot be removed or demoted" in await response.text()
    membership = await app[ORGANIZATIONS].membership(organization_id, owner)
    assert membership is not None
    assert membership.role is Role.OWNER


async def test_a_new_password_ends_the_login_and_signs_in_after(app: web.Application, client: TestClient) -> None:
    await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    wrong = {"csrf_token": token, "current_password": "not it at all", "password": "another long river walk"}
    response = await client.post("/settings/profile/password", data=wrong, headers=HTML)
    assert response.status == 422
    assert "The current password is wrong." in await response.text()
    right = {**wrong, "current_password": PASSWORD}
    response = await client.post("/settings/profile/password", data=right, headers=HTML, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/sign-in"
    answer = await app[AUTHENTICATOR].login("owner@example.com", "another long river walk")
    assert answer is not None


async def test_mfa_is_turned_off_with_the_password(app: web.Application, client: TestClient) -> None:
    user_id = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    right = {"csrf_token": token, "password": PASSWORD}
    response = await client.post("/settings/profile/mfa", data=right, headers=HTML)
    assert response.status == 200
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', await response.text())
    assert secret is not None
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
    response = await client.post(
        "/settings/profile/mfa/confirm", data={"csrf_token": token, "code": code}, headers=HTML
    )
    assert response.status == 200
    assert len(re.findall(r"<li><code>", await response.text())) == 10
    assert (await app[CONTAINER].users().get(user_id)).mfa_enabled
    wrong = {"csrf_token": token, "password": "not my password"}
    response = await client.post("/settings/profile/mfa/disable", data=wrong, headers=HTML)
    assert response.status == 422
    assert (await app[CONTAINER].users().get(user_id)).mfa_enabled
    response = await client.post("/settings/profile/mfa/disable", data=right, headers=HTML)
    assert response.status == 200
    assert "Two-factor sign-in is off." in await response.text()
    assert not (await app[CONTAINER].users().get(user_id)).mfa_enabled


def test_the_settings_catalogue_translates_no_other_screens_message_differently() -> None:
    from babel.messages.pofile import read_po

    from presentai.entrypoints.http.pages import i18n

    folder = i18n.LOCALE / "ru" / "LC_MESSAGES"
    with (folder / "settings.po").open("rb") as handle:
        mine = {m.id: m.string for m in read_po(handle) if m.id}
    clashes = []
    for path in sorted(folder.glob("*.po")):
        if path.name != "settings.po":
            with path.open("rb") as handle:
                clashes += [(path.name, m.id) for m in read_po(handle) if m.id in mine and m.string != mine[m.id]]
    assert clashes == []


def _forget_the_language_cookie(client: TestClient) -> None:
    client.session.cookie_jar.clear(lambda cookie: cookie.key == "lang")


async def test_a_profile_in_russian_gets_russian_pages_whatever_the_browser_says(
    app: web.Application, client: TestClient
) -> None:
    user_id = await _user(app, "olga@example.com")
    olga = await app[USERS].get(user_id)
    olga.language = "ru"
    await app[USERS].save(olga)
    await _sign_in(client, "olga@example.com")
    _forget_the_language_cookie(client)
    english = {**HTML, "Accept-Language": "en-GB,en;q=0.9"}
    response = await client.get("/settings/profile", headers=english)
    html = await response.text()
    assert '<html lang="ru">' in html
    assert "Профиль" in html
    client.session.cookie_jar.update_cookies({"lang": "en"})  # an older choice of this browser: the profile wins
    assert '<html lang="ru">' in await (await client.get("/settings/profile", headers=english)).text()


async def test_the_header_switch_saves_the_language_to_the_profile(app: web.Application, client: TestClient) -> None:
    user_id = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    refused = await client.post("/language", data={"lang": "ru", "next": "/projects"}, headers=HTML)
    assert refused.status == 403  # no CSRF token: nothing changes
    assert (await app[USERS].get(user_id)).language == ""
    form = {"csrf_token": token, "lang": "ru", "next": "/settings/profile"}
    response = await client.post("/language", data=form, headers=HTML, allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (302, "/settings/profile")
    assert (await app[USERS].get(user_id)).language == "ru"
    _forget_the_language_cookie(client)  # another browser, say: the profile still decides
    page = await client.get("/settings/profile", headers={**HTML, "Accept-Language": "en"})
    assert '<html lang="ru">' in await page.text()


async def test_the_profile_language_select_saves_clears_and_refuses_an_unknown_language(
    app: web.Application, client: TestClient
) -> None:
    user_id = await _user(app, "owner@example.com")
    token = await _sign_in(client, "owner@example.com")
    english = {**HTML, "Accept-Language": "en"}
    saved = await client.post("/settings/profile/language", data={"csrf_token": token, "lang": "ru"}, headers=english)
    html = await saved.text()
    assert (await app[USERS].get(user_id)).language == "ru"
    assert '<html lang="ru">' in html
    assert "Язык сохранён в вашем профиле." in html
    assert re.search(r'<option value="ru" lang="ru" selected>', html)

    unknown = await client.post("/settings/profile/language", data={"csrf_token": token, "lang": "de"}, headers=english)
    assert unknown.status == 422
    assert "Выберите один из предложенных языков." in await unknown.text()
    assert (await app[USERS].get(user_id)).language == "ru"

    cleared = await client.post("/settings/profile/language", data={"csrf_token": token, "lang": ""}, headers=english)
    assert (await app[USERS].get(user_id)).language == ""
    assert '<html lang="en">' in await cleared.text()  # none chosen, the cookie gone: Accept-Language decides
