"""The web UI in a real Chromium: sign-up to dashboard, projects, roles, tenants, escaping, languages."""

from __future__ import annotations

import pyotp
import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from presentai.domain.accounts import Role
from presentai.domain.projects import Project
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER
from tests.browser.conftest import (
    PASSWORD,
    NewPage,
    confirmation_link,
    join,
    make_user,
    shoot,
    sign_in,
    sign_up,
)

pytestmark = pytest.mark.slow


async def _force_post(page: Page, action: str, fields: dict[str, str]) -> None:
    """Submit a POST form the page does not offer, with the session's real CSRF token (what a curious user can do)."""
    await page.evaluate(
        """([action, fields]) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = action;
            const token = document.querySelector("input[name=csrf_token]").value;
            for (const [name, value] of Object.entries({...fields, csrf_token: token})) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }""",
        [action, fields],
    )
    await page.wait_for_load_state()


async def test_a_new_user_signs_up_confirms_and_sees_the_dashboard(app: web.Application, page: Page) -> None:
    await sign_up(page, "ann@example.com", "Ann Example")
    await expect(page.locator("h1")).to_have_text("Check your email")
    await expect(page.locator("main")).to_contain_text("ann@example.com")
    await shoot(page, "check-email")
    await page.goto(confirmation_link(app, "ann@example.com"))
    await expect(page.locator("h1")).to_have_text("Email address confirmed")
    await shoot(page, "email-confirmed")
    user = await app[CONTAINER].users().by_email("ann@example.com")
    assert user is not None
    assert user.email_verified_at is not None
    await page.get_by_role("button", name="Go to the dashboard").click()
    await expect(page.locator("h1")).to_have_text("Hello, Ann Example")
    await expect(page.locator("#orgs-heading + ul")).to_contain_text("Ann Example's workspace")
    cookies = {c["name"]: c for c in await page.context.cookies()}
    assert cookies["pa_access"]["httpOnly"]
    assert cookies["pa_refresh"]["httpOnly"]
    assert cookies["pa_access"]["sameSite"] == "Lax"


async def test_a_page_asks_for_sign_in_and_comes_back_after_but_never_to_another_site(
    app: web.Application, page: Page
) -> None:
    await make_user(app, "bo@example.com", "Bo")
    await page.goto("/projects")
    assert page.url.split("/", 3)[3] in ("sign-in?next=%2Fprojects", "sign-in?next=/projects")
    await page.locator("#field-email").fill("bo@example.com")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url("**/projects")
    await page.context.clear_cookies()
    await page.goto("/sign-in?next=//evil.example/x")
    await page.locator("#field-email").fill("bo@example.com")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url("**/dashboard")


async def test_a_wrong_password_is_refused_with_a_message(app: web.Application, page: Page) -> None:
    await make_user(app, "cy@example.com")
    await page.goto("/sign-in")
    await page.locator("#field-email").fill("cy@example.com")
    await page.locator("#field-password").fill("not the password at all")
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    await shoot(page, "sign-in-wrong-password")


async def test_an_account_with_two_factor_sign_in_asks_for_the_code(app: web.Application, page: Page) -> None:
    user_id = await make_user(app, "dee@example.com", "Dee")
    authenticator = app[AUTHENTICATOR]
    enrolment = await authenticator.begin_mfa(user_id, PASSWORD)
    await authenticator.confirm_mfa(user_id, pyotp.TOTP(enrolment.secret).now())
    await page.goto("/sign-in")
    await page.locator("#field-email").fill("dee@example.com")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url("**/sign-in/code**")
    await shoot(page, "sign-in-code")
    await page.locator("#field-code").fill("000000")
    await page.locator("form[action='/sign-in/code'] button[type=submit]").click()
    await expect(page.get_by_role("alert")).to_have_text("The code is wrong or was already used.")
    recovery = await _recovery_code(app, user_id)
    await page.locator("#field-code").fill(recovery)
    await page.locator("form[action='/sign-in/code'] button[type=submit]").click()
    await page.wait_for_url("**/dashboard")


async def _recovery_code(app: web.Application, user_id: str) -> str:
    """A fresh set of recovery codes for a user with MFA on (enrolling again hands new ones out)."""
    authenticator = app[AUTHENTICATOR]
    await authenticator.disable_mfa(user_id, PASSWORD)
    enrolment = await authenticator.begin_mfa(user_id, PASSWORD)
    return (await authenticator.confirm_mfa(user_id, pyotp.TOTP(enrolment.secret).now()))[0]


async def test_an_editor_creates_renames_archives_restores_and_deletes_a_project(
    app: web.Application, page: Page
) -> None:
    await make_user(app, "eve@example.com", "Eve")
    await sign_in(page, "eve@example.com")
    await page.goto("/projects")
    await expect(page.locator(".empty-state")).to_be_visible()
    await page.locator("#new-project-name").fill("Quarterly review")
    await page.get_by_role("button", name="Create project").click()
    await expect(page.locator(".flash-success")).to_have_text("The project was created.")
    row = page.locator(".project-row", has_text="Quarterly review")
    await row.get_by_text("Rename").click()
    await row.locator("input[name=name]").fill("Annual review")
    await row.get_by_role("button", name="Save").click()
    await expect(page.locator(".flash-success")).to_have_text("The project was renamed.")
    await shoot(page, "projects")
    row = page.locator(".project-row", has_text="Annual review")
    await row.get_by_role("button", name="Archive").click()
    await expect(page.locator(".flash-success")).to_have_text("The project was archived.")
    await page.locator("details.archived summary").click()
    await page.locator("details.archived").get_by_role("button", name="Restore").click()
    await expect(page.locator(".flash-success")).to_have_text("The project was restored from the archive.")
    page.on("dialog", lambda dialog: dialog.accept())
    await page.locator(".project-row", has_text="Annual review").get_by_role("button", name="Delete").click()
    await expect(page.locator(".flash-success")).to_have_text("The project was deleted.")
    await expect(page.locator(".project-row")).to_have_count(0)


async def test_a_project_with_presentations_is_not_deleted_and_lists_them_with_filters(
    app: web.Application, page: Page
) -> None:
    await make_user(app, "fay@example.com", "Fay")
    await sign_in(page, "fay@example.com")
    await page.goto("/projects")
    await page.locator("#new-project-name").fill("Board")
    await page.get_by_role("button", name="Create project").click()
    await page.get_by_role("link", name="Board", exact=True).click()
    for title in ("Revenue 2025", "Hiring plan"):
        await page.locator("#new-presentation-title").fill(title)
        await page.get_by_role("button", name="New presentation").click()
        await expect(page.locator(".flash-success")).to_have_text("The presentation was created.")
    await expect(page.locator("tbody tr")).to_have_count(2)
    await shoot(page, "project")
    await page.locator("#filter-q").fill("revenue")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).to_contain_text("Revenue 2025")
    await page.locator("#filter-status").select_option("ready")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator(".empty-state")).to_contain_text("Nothing matches")
    await page.goto("/projects")
    page.on("dialog", lambda dialog: dialog.accept())
    await page.locator(".project-row", has_text="Board").get_by_role("button", name="Delete").click()
    await expect(page.locator(".flash-error")).to_contain_text("Only an empty project can be deleted")
    await expect(page.locator(".project-row", has_text="Board")).to_have_count(1)


async def test_a_viewer_sees_no_write_controls_and_gets_403_when_forcing_them(app: web.Application, page: Page) -> None:
    owner = await make_user(app, "gus@example.com", "Gus")
    viewer = await make_user(app, "hal@example.com", "Hal")
    organization_id = await join(app, viewer, owner, Role.VIEWER)
    project = Project.start(organization_id, "Shared plans")
    await app[CONTAINER].projects().add(project)
    await sign_in(page, "hal@example.com")
    # The switch posts and comes back to the dashboard it left: wait for that navigation, not for the address.
    async with page.expect_navigation(url="**/dashboard"):
        await page.locator("#org-switcher").select_option(organization_id)
    await expect(page.locator("#org-switcher")).to_have_value(organization_id)
    await page.goto("/projects")
    await expect(page.locator(".project-row", has_text="Shared plans")).to_be_visible()
    await expect(page.locator("form[action='/projects']")).to_have_count(0)
    await expect(page.get_by_role("button", name="Archive")).to_have_count(0)
    await expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    await shoot(page, "projects-viewer")
    await page.goto(f"/projects/{project.id}")
    await expect(page.locator("#new-presentation-title")).to_have_count(0)
    await _force_post(page, f"/projects/{project.id}/delete", {})
    await expect(page.locator(".error-code")).to_have_text("403")
    await shoot(page, "error-403")
    await _force_post(page, "/projects", {"name": "Sneaky", "organization_id": organization_id})
    await expect(page.locator(".error-code")).to_have_text("403")
    assert [p.name for p in await app[CONTAINER].projects().list(organization_id, True)] == ["Shared plans"]


async def test_another_organizations_project_answers_404(app: web.Application, page: Page) -> None:
    stranger = await make_user(app, "ida@example.com", "Ida")
    await make_user(app, "jon@example.com", "Jon")
    organization_id = await join(app, stranger, stranger, Role.OWNER)
    project = Project.start(organization_id, "Secret merger")
    await app[CONTAINER].projects().add(project)
    await sign_in(page, "jon@example.com")
    response = await page.goto(f"/projects/{project.id}")
    assert response is not None
    assert response.status == 404
    await expect(page.locator(".error-code")).to_have_text("404")
    await expect(page.locator("main")).not_to_contain_text("Secret merger")
    await shoot(page, "error-404")
    response = await page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404
    await expect(page.locator("h1")).to_have_text("Page not found")


async def test_a_project_name_with_markup_renders_as_text(app: web.Application, page: Page) -> None:
    await make_user(app, "kim@example.com", "<img src=x onerror=alert(1)>")
    await sign_in(page, "kim@example.com")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    name = '<script>alert("x")</script><b>bold</b>'
    await page.goto("/projects")
    await page.locator("#new-project-name").fill(name)
    await page.get_by_role("button", name="Create project").click()
    await expect(page.locator(".project-row .card-title")).to_have_text(name)
    await expect(page.locator(".project-row b")).to_have_count(0)
    await page.locator(".project-row .card-title").click()
    await expect(page.locator("h1")).to_have_text(name)
    await page.goto("/dashboard")
    await expect(page.locator(".user-menu summary")).to_have_text("<img src=x onerror=alert(1)>")
    assert await page.locator("main img, header img").count() == 0
    assert dialogs == []


async def test_sign_out_everywhere_ends_the_session_in_every_browser(app: web.Application, new_page: NewPage) -> None:
    await make_user(app, "lea@example.com", "Lea")
    first, second = await new_page(), await new_page()
    await sign_in(first, "lea@example.com")
    await sign_in(second, "lea@example.com")
    await first.locator(".user-menu summary").click()
    await first.get_by_role("button", name="Sign out everywhere").click()
    await first.wait_for_url("**/sign-in")
    await expect(first.locator(".flash-info")).to_have_text("You have signed out on every device.")
    await second.goto("/dashboard")
    assert "/sign-in" in second.url
    await sign_in(second, "lea@example.com")
    await second.locator(".user-menu summary").click()
    await second.get_by_role("button", name="Sign out", exact=True).click()
    await second.wait_for_url("**/sign-in")
    await expect(second.locator(".flash-info")).to_have_text("You have signed out.")
    await second.goto("/dashboard")
    assert "/sign-in" in second.url


async def test_a_weak_password_is_explained_next_to_its_field_in_the_users_language(new_page: NewPage) -> None:
    page = await new_page("ru")
    await page.goto("/sign-up")
    await page.locator("#field-email").fill("nia@example.com")
    await page.locator("#field-password").fill("password12")
    await page.locator("form[action='/sign-up'] button[type=submit]").click()
    await expect(page.locator("#field-password")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#field-password-error")).to_contain_text("слишком легко угадать")
    await expect(page.locator("#field-email")).to_have_value("nia@example.com")
    await shoot(page, "sign-up-weak-password", "ru")


async def test_the_keyboard_reaches_the_content_first_and_every_control_has_a_name(
    app: web.Application, page: Page
) -> None:
    await make_user(app, "oli@example.com", "Oli")
    await sign_in(page, "oli@example.com")
    await page.goto("/projects")
    await page.keyboard.press("Tab")
    await expect(page.locator(".skip-link")).to_be_focused()
    unnamed = await page.evaluate(
        """() => [...document.querySelectorAll("input:not([type=hidden]), select, button")]
            .filter((el) => !(el.labels && el.labels.length))
            .filter((el) => !el.getAttribute("aria-label") && !el.textContent.trim())
            .map((el) => el.outerHTML)"""
    )
    assert unnamed == []
