"""The settings screens in a real Chromium: brand kits, members and roles, API keys, the audit log, MFA."""

from __future__ import annotations

import re

import pyotp
import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from presentai.domain.accounts import Role
from presentai.entrypoints.http.keys import API_KEYS, CONTAINER, ORGANIZATIONS
from tests.browser.conftest import NewPage, join, make_user, shoot, sign_in

pytestmark = pytest.mark.slow


async def _pro(app: web.Application, organization_id: str) -> None:
    """Brand kits are a pro feature: put the organization on that plan (as billing would)."""
    organization = await app[ORGANIZATIONS].get(organization_id)
    organization.plan = "pro"
    await app[ORGANIZATIONS].save(organization)


async def _organization(app: web.Application, user_id: str) -> str:
    return (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id


async def test_an_admin_creates_a_brand_kit_and_sets_it_as_the_default(app: web.Application, new_page: NewPage) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    organization_id = await _organization(app, owner)
    await _pro(app, organization_id)
    for lang in ("en", "ru"):
        page = await new_page(lang)
        await sign_in(page, "olga@example.com")
        await page.goto("/settings/brand-kits")
        if lang == "en":
            await page.locator("summary", has_text="New brand kit").click()
            await page.locator("#new-kit-name").fill("Northwind")
            await page.locator("#new-kit-primary").fill("#0f766e")
            await page.locator("#new-kit-accent").fill("#f59e0b")
            await page.locator("#new-kit-heading").fill("Georgia")
            await page.get_by_role("button", name="Create brand kit").click()
            await expect(page.locator(".flash-success")).to_have_text("The brand kit was created.")
            card = page.locator(".kit-card", has_text="Northwind")
            await expect(card.locator(".badge", has_text="Default")).to_have_count(0)
            await card.get_by_role("button", name="Set as default").click()
            await expect(page.locator(".flash-success")).to_contain_text("now the organization's default")
            await expect(card.locator(".badge", has_text="Default")).to_be_visible()
            kits = await app[CONTAINER].brand_kits().list(organization_id)
            assert [(k.name, k.is_default, k.colours.primary, k.fonts.heading) for k in kits] == [
                ("Northwind", True, "0F766E", "Georgia")
            ]
        await page.locator(".kit-card summary", has_text="Edit" if lang == "en" else "Изменить").click()
        await shoot(page, "settings-brand-kits", lang)


async def test_the_free_plan_is_told_brand_kits_are_a_pro_feature(app: web.Application, page: Page) -> None:
    await make_user(app, "fay@example.com", "Fay")
    await sign_in(page, "fay@example.com")
    response = await page.goto("/settings/brand-kits")
    assert response is not None
    assert response.status == 200
    await expect(page.locator(".plan-note")).to_contain_text("Brand kits are part of the Pro plan and above.")
    await expect(page.get_by_role("button", name="Create brand kit")).to_have_count(0)
    await shoot(page, "settings-brand-kits-free")


async def test_an_editor_sees_brand_kits_without_manage_controls(app: web.Application, page: Page) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    organization_id = await _organization(app, owner)
    await _pro(app, organization_id)
    await app[CONTAINER].brand_kit_service().create(organization_id, "House style", is_default=True)
    editor = await make_user(app, "ed@example.com", "Ed Editor")
    await join(app, editor, owner, Role.EDITOR)
    await sign_in(page, "ed@example.com")
    await page.goto(f"/settings/brand-kits?org={organization_id}")
    await expect(page.locator(".kit-card")).to_contain_text("House style")
    await expect(page.locator(".read-only-note")).to_be_visible()
    for name in ("Create brand kit", "Set as default", "Delete", "Upload logo"):
        await expect(page.get_by_role("button", name=name)).to_have_count(0)
    await expect(page.locator(".settings-nav")).not_to_contain_text("Audit log")
    await shoot(page, "settings-brand-kits-editor")


async def test_an_admin_invites_a_member_and_changes_a_role(app: web.Application, new_page: NewPage) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    editor = await make_user(app, "ed@example.com", "Ed Editor")
    organization_id = await join(app, editor, owner, Role.EDITOR)
    for lang in ("en", "ru"):
        page = await new_page(lang)
        await sign_in(page, "olga@example.com")
        await page.goto("/settings/organization")
        if lang == "en":
            await page.locator("#invite-email").fill("newcomer@example.com")
            await page.locator("#invite-role").select_option("viewer")
            await page.get_by_role("button", name="Invite", exact=True).click()
            await expect(page.locator(".flash-success")).to_contain_text("The invitation was sent.")
            await expect(page.locator(".invitation-list")).to_contain_text("newcomer@example.com")
            await expect(page.locator(".invitation-list")).to_contain_text("Viewer")
            row = page.locator("tr[data-member='ed@example.com']")
            await row.locator("select").select_option("admin")
            await row.get_by_role("button", name="Change").click()
            await expect(page.locator(".flash-success")).to_have_text("The role was changed.")
            await expect(page.locator("tr[data-member='ed@example.com'] select")).to_have_value("admin")
            membership = await app[ORGANIZATIONS].membership(organization_id, editor)
            assert membership is not None
            assert membership.role is Role.ADMIN
            invitations = await app[ORGANIZATIONS].invitations(organization_id)
            assert [(i.email, i.role) for i in invitations] == [("newcomer@example.com", Role.VIEWER)]
            sole = page.locator("tr[data-member='olga@example.com']")
            await expect(sole).to_contain_text("the only owner")
            await expect(sole.get_by_role("button", name="Remove")).to_have_count(0)
        await shoot(page, "settings-organization", lang)


async def test_an_api_key_secret_is_shown_once(app: web.Application, new_page: NewPage) -> None:
    await make_user(app, "olga@example.com", "Olga Owner")
    for lang in ("en", "ru"):
        page = await new_page(lang)
        await sign_in(page, "olga@example.com")
        await page.goto("/settings/organization#api-keys")
        await page.locator(".key-form summary").click()
        await page.locator("#key-name").fill(f"CRM {lang}")
        await page.locator("input[name=scopes][value='presentations:read']").check()
        await page.locator("input[name=scopes][value='shares:write']").check()
        await page.locator(".key-form button[type=submit]").click()
        secret = await page.locator("#new-key-secret").input_value()
        assert re.fullmatch(r"pai_\S{20,}", secret)
        caller = await app[API_KEYS].authenticate(secret)
        assert caller.scopes is not None
        assert {s.value for s in caller.scopes} == {"presentations:read", "shares:write"}
        await shoot(page, "settings-api-key-secret", lang)
        await page.goto("/settings/organization")
        await expect(page.locator(".keys-table")).to_contain_text(f"CRM {lang}")
        assert secret not in await page.content()
        await expect(page.locator("#new-key-secret")).to_have_count(0)


async def test_a_viewer_is_refused_the_audit_log(app: web.Application, new_page: NewPage) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    viewer = await make_user(app, "vic@example.com", "Vic Viewer")
    organization_id = await join(app, viewer, owner, Role.VIEWER)
    page = await new_page()
    await sign_in(page, "vic@example.com")
    await page.goto(f"/settings/organization?org={organization_id}")
    await expect(page.locator(".settings-nav")).not_to_contain_text("Audit log")
    await expect(page.locator("#invite-email")).to_have_count(0)
    await expect(page.locator("#api-keys")).to_have_count(0)
    await shoot(page, "settings-organization-viewer")
    response = await page.goto(f"/settings/audit-log?org={organization_id}")
    assert response is not None
    assert response.status == 403
    await shoot(page, "settings-audit-log-403")
    for lang in ("en", "ru"):
        admin_page = await new_page(lang)
        await sign_in(admin_page, "olga@example.com")
        await admin_page.goto("/settings/organization")
        await admin_page.locator("#org-name").fill("Northwind Traders")
        await admin_page.locator("form[action='/settings/organization/name'] button").click()
        await admin_page.goto("/settings/audit-log?action=organization.update")
        await expect(admin_page.locator(".audit-table")).to_contain_text("organization.update")
        await expect(admin_page.locator(".audit-table")).to_contain_text("Olga Owner")
        async with admin_page.expect_download() as download_info:
            await admin_page.locator("a[href^='/settings/audit-log.csv']").click()
        download = await download_info.value
        assert download.suggested_filename == f"audit-log-{organization_id}.csv"
        await shoot(admin_page, "settings-audit-log", lang)


async def test_a_user_enrols_in_mfa_and_sees_recovery_codes(app: web.Application, new_page: NewPage) -> None:
    for lang in ("en", "ru"):
        email = f"mia-{lang}@example.com"
        await make_user(app, email, "Mia")
        page = await new_page(lang)
        await sign_in(page, email)
        await page.goto("/settings/profile")
        await shoot(page, "settings-profile", lang)
        await page.locator("#field-mfa_password").fill("not my password")
        await page.locator("form[action='/settings/profile/mfa'] button").click()
        await expect(page.locator("#mfa-error")).to_be_visible()
        await page.locator("#field-mfa_password").fill("a long walk by the river at dawn")
        await page.locator("form[action='/settings/profile/mfa'] button").click()
        await page.wait_for_url("**/settings/profile/mfa")
        qr = page.locator(".mfa-qr img")
        assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml")
        assert await qr.evaluate("img => img.naturalWidth") > 0
        secret = (await page.locator("#mfa-secret").inner_text()).replace(" ", "")
        await shoot(page, "settings-mfa-enrol", lang)
        await page.locator("#field-code").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
        await page.locator("form[action='/settings/profile/mfa/confirm'] button").click()
        await expect(page.locator(".flash-error")).to_be_visible()
        await page.locator("#field-code").fill(pyotp.TOTP(secret).now())
        await page.locator("form[action='/settings/profile/mfa/confirm'] button").click()
        codes = page.locator(".recovery-codes code")
        await expect(codes).to_have_count(10)
        await shoot(page, "settings-recovery-codes", lang)
        user = await app[CONTAINER].users().by_email(email)
        assert user is not None
        assert user.mfa_enabled
        await page.goto("/settings/profile")
        await expect(page.locator("#two-factor .badge-ready")).to_be_visible()
        assert await codes.count() == 0


async def test_a_member_name_with_markup_renders_as_text(app: web.Application, page: Page) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    hostile = "<img src=x onerror=\"document.title='owned'\"><b>Bold</b>"
    other = await make_user(app, "mal@example.com", hostile)
    await join(app, other, owner, Role.EDITOR)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await sign_in(page, "olga@example.com")
    await page.goto("/settings/organization")
    await expect(page.locator("tr[data-member='mal@example.com'] .member-name")).to_have_text(hostile)
    await expect(page.locator(".members-table b")).to_have_count(0)
    await expect(page.locator(".members-table img")).to_have_count(0)
    assert await page.title() != "owned"
    assert dialogs == []


async def test_the_settings_screens_fit_a_tablet(app: web.Application, new_page: NewPage) -> None:
    owner = await make_user(app, "olga@example.com", "Olga Owner")
    editor = await make_user(app, "ed@example.com", "Ed Editor")
    await join(app, editor, owner, Role.EDITOR)
    await _pro(app, await _organization(app, owner))
    for lang in ("en", "ru"):
        page = await new_page(lang, width=768)
        await sign_in(page, "olga@example.com")
        for path, name in (("/settings/organization", "organization"), ("/settings/profile", "profile")):
            await page.goto(path)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 768, f"{path} scrolls sideways ({width}px)"
            await shoot(page, f"settings-{name}-tablet", lang)


async def test_the_language_chosen_in_one_browser_follows_the_user_to_another(
    app: web.Application, new_page: NewPage
) -> None:
    await make_user(app, "vera@example.com", "Vera")
    laptop = await new_page("en")
    await sign_in(laptop, "vera@example.com")
    await laptop.get_by_role("button", name="RU").click()
    await expect(laptop.locator("html")).to_have_attribute("lang", "ru")
    phone = await new_page("en")  # another browser: English Accept-Language, no cookie
    await sign_in(phone, "vera@example.com")
    await expect(phone.locator("html")).to_have_attribute("lang", "ru")
    await phone.goto("/settings/profile")
    await expect(phone.locator("#profile-language")).to_have_value("ru")
    await phone.locator("#profile-language").select_option("en")
    await phone.locator("form[action='/settings/profile/language'] button").click()
    await expect(phone.locator("html")).to_have_attribute("lang", "en")
    await expect(phone.locator(".flash, [role=status], [role=alert]").first).to_contain_text("saved to your profile")
    await laptop.reload()
    await expect(laptop.locator("html")).to_have_attribute("lang", "en")  # the profile wins over its ru cookie
    await shoot(laptop, "settings-profile-language", "en")
