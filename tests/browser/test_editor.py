"""The editor in a real Chromium: sign-up to a downloaded PPTX with live progress, drag and drop, roles, tenants,
escaping."""

from __future__ import annotations

import asyncio
import base64
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from presentai.domain.accounts import Role
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.entrypoints.http.keys import CONTAINER, ORGANIZATIONS
from tests.browser.conftest import NewPage, confirmation_link, join, make_user, shoot, sign_in, sign_up
from tests.conftest import SAMPLES
from tests.waiting import DEADLINE_S

pytestmark = pytest.mark.slow
NOTES = SAMPLES / "field-notes.md"


def gate_slides(app: web.Application, monkeypatch: pytest.MonkeyPatch) -> asyncio.Semaphore:
    """Hold every slide the writer writes until the test lets it go (one release, one slide)."""
    kind = type(app[CONTAINER].writer())  # the jobs' container holds its own instance of it
    write = kind.write
    gate = asyncio.Semaphore(0)

    async def held(self: Any, *args: Any, **kwargs: Any) -> Any:
        await gate.acquire()  # taken for good: each release lets exactly one slide through
        return await write(self, *args, **kwargs)

    monkeypatch.setattr(kind, "write", held)
    return gate


async def drop_file(page: Page, name: str, data: bytes, media_type: str = "text/markdown") -> None:
    """Drop a file on the drop zone as a person dragging it from their desktop does (a DataTransfer)."""
    await page.evaluate(
        """([name, encoded, type]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            const zone = document.querySelector("[data-dropzone]");
            for (const kind of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
        }""",
        [name, base64.b64encode(data).decode(), media_type],
    )


async def deck_of(app: web.Application, user_id: str, title: str, slides: int = 3) -> Presentation:
    organization_id = (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    deck = Presentation.create(organization_id, title, GenerationParameters(slide_count=slides))
    await app[CONTAINER].presentations().add(deck)
    return deck


async def _force_post(page: Page, action: str) -> int:
    """Submit a POST the page does not offer, with the session's real CSRF token; the answer's status."""
    async with page.expect_response(lambda r: r.request.method == "POST") as answer:
        await page.evaluate(
            """(action) => {
                const form = document.createElement("form");
                form.method = "post"; form.action = action;
                const input = document.createElement("input");
                input.type = "hidden"; input.name = "csrf_token";
                input.value = document.querySelector("input[name=csrf_token]").value;
                form.appendChild(input); document.body.appendChild(form); form.submit();
            }""",
            action,
        )
    return (await answer.value).status


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(DEADLINE_S):
        while not condition():
            await asyncio.sleep(0.05)


async def test_sign_up_to_a_downloaded_pptx_with_live_progress(
    app: web.Application, new_page: NewPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = gate_slides(app, monkeypatch)
    page = await new_page()
    await sign_up(page, "ann@example.com", "Ann Example")
    await page.goto(confirmation_link(app, "ann@example.com"))
    await page.goto("/projects")
    await page.locator("#new-project-name").fill("Board meeting")
    await page.get_by_role("button", name="Create project").click()
    await page.get_by_role("link", name="Board meeting").first.click()
    await page.locator("#new-presentation-title").fill("Northwind field notes")
    await page.get_by_role("button", name="New presentation").click()
    await page.get_by_role("link", name="Northwind field notes").click()
    await expect(page.locator("h1")).to_have_text("Northwind field notes")
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
    await page.locator("#param-slide_count").fill("3")
    await page.get_by_role("button", name="Save parameters").click()
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")

    await drop_file(page, NOTES.name, NOTES.read_bytes())
    row = page.locator(".source-row", has_text=NOTES.name)
    await expect(row).to_have_attribute("data-status", "indexed")  # live: no reload asked for
    await expect(row).to_contain_text("Indexed")

    await page.get_by_role("button", name="Generate the outline").click()
    await expect(page.locator(".outline-item")).to_have_count(3)
    first = page.locator("#outline-title-0")
    await first.fill("What the field teams saw")
    await page.get_by_role("button", name="Save the outline").click()
    await expect(page.locator("#outline-title-0")).to_have_value("What the field teams saw")

    frames: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(str(frame))))
    await page.get_by_role("button", name="Generate the slides").click()
    await expect(page.locator("#generation-bar")).to_be_visible()
    await page.evaluate("window.stillTheSamePage = true")
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
    await _until(lambda: any('"subscribed"' in f for f in frames))
    gate.release()
    await expect(page.locator(".slide-card")).to_have_count(1)  # appeared as it was written, without a reload
    assert await page.evaluate("window.stillTheSamePage === true")
    assert int(await page.locator("#generation-bar").get_attribute("value") or 0) > 0 or any(
        "slide_completed" in f for f in frames
    )
    await shoot(page, "editor-generating")
    for _ in range(10):
        gate.release()
    await expect(page.locator("#editor-status")).to_have_attribute("data-status", "ready")
    await expect(page.locator(".slide-card")).to_have_count(3)
    assert any("slide_completed" in f for f in frames)
    assert any("generation_done" in f for f in frames)
    await expect(page.locator(".slide-card").first).to_contain_text("What the field teams saw")
    await shoot(page, "editor")

    await page.locator("#export-format").select_option("pptx")
    await page.get_by_role("button", name="Export", exact=True).click()
    link = page.locator(".download-link")
    await expect(link).to_be_visible()
    async with page.expect_download() as started:
        await link.click()
    download = await started.value
    assert download.suggested_filename.endswith(".pptx")
    with zipfile.ZipFile(await download.path()) as pptx:
        assert "ppt/presentation.xml" in pptx.namelist()
        assert sum(n.startswith("ppt/slides/slide") for n in pptx.namelist()) >= 3

    await page.get_by_label("Show attributions").check()
    await page.get_by_role("button", name="Create a link").click()
    shared = await page.locator("#new-share-url").input_value()
    assert "/share/" in shared
    await shoot(page, "editor-shared")
    anonymous = await new_page()  # someone with the link, not signed in, opens it
    token = shared.rsplit("/", 1)[1]
    person = {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
    }
    assert (await anonymous.request.get(f"/api/v1/share/{token}", headers=person)).status == 200  # headless: a robot
    deck_id = page.url.split("/presentations/", 1)[1].split("/", 1)[0]
    await page.goto(f"/presentations/{deck_id}")
    await expect(page.locator("[data-stat=views]")).to_have_text("1")


async def test_a_file_set_on_the_browse_button_is_uploaded_and_slides_reorder_by_drag(
    app: web.Application, new_page: NewPage
) -> None:
    page = await new_page("ru")  # in Russian this time: the same controls, by their forms
    user_id = await make_user(app, "bo@example.com", "Bo")
    await sign_in(page, "bo@example.com")
    deck = await deck_of(app, user_id, "Reorder me", slides=3)
    await page.goto(f"/presentations/{deck.id}")
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
    await page.locator("#source-file").set_input_files(str(NOTES))
    await expect(page.locator(".source-row")).to_have_attribute("data-status", "indexed")
    await page.locator("form[action$='/generate/outline'] button").click()
    await expect(page.locator(".outline-item")).to_have_count(3)
    await page.locator("form[action$='/generate/slides'] button").click()
    await expect(page.locator("#editor-status")).to_have_attribute("data-status", "ready")
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
    await expect(page.locator("#slides-heading")).to_contain_text("Слайды")
    await shoot(page, "editor", "ru")
    await page.set_viewport_size({"width": 820, "height": 1100})  # a tablet: one column
    await shoot(page, "editor-tablet", "ru")
    await page.set_viewport_size({"width": 1280, "height": 900})
    cards = page.locator(".slide-card")
    before = [await cards.nth(i).get_attribute("data-slide-id") for i in range(3)]
    await cards.nth(2).scroll_into_view_if_needed()
    source, target = await cards.nth(0).locator(".slide-meta").bounding_box(), await cards.nth(2).bounding_box()
    assert source
    assert target
    async with page.expect_response(lambda r: r.url.endswith("/slides/reorder")) as answer:
        await page.mouse.move(source["x"] + 10, source["y"] + 5)
        await page.mouse.down()
        for step in range(1, 21):
            x = source["x"] + 10 + (target["x"] + target["width"] - 20 - source["x"] - 10) * step / 20
            await page.mouse.move(x, target["y"] + target["height"] / 2)
        await page.mouse.up()
    assert (await answer.value).status == 200
    stored = await app[CONTAINER].presentations().get(deck.organization_id, deck.id)
    after = [s.id for s in stored.slides]
    assert after != before
    assert after[-1] == before[0]
    await expect(page.locator(".slide-card").last).to_have_attribute("data-slide-id", before[0] or "")


async def test_a_viewer_sees_the_deck_without_write_controls_and_forcing_one_is_refused(
    app: web.Application, new_page: NewPage
) -> None:
    owner = await make_user(app, "owner@example.com", "Owner")
    viewer = await make_user(app, "vi@example.com", "Vi")
    await join(app, viewer, owner, Role.VIEWER)
    deck = await deck_of(app, owner, "Quarterly review")
    for lang in ("en", "ru"):
        page = await new_page(lang)
        await sign_in(page, "vi@example.com")
        await page.goto(f"/presentations/{deck.id}")
        await expect(page.locator("h1")).to_have_text("Quarterly review")
        await expect(page.locator("[data-dropzone]")).to_have_count(0)
        await expect(page.locator("form[action*='/generate/']")).to_have_count(0)
        await expect(page.locator("form[action$='/shares']")).to_have_count(0)
        await expect(page.locator("form[action$='/exports']")).to_have_count(0)
        await expect(page.locator("#param-title")).to_be_disabled()
        await shoot(page, "editor-viewer", lang)
    assert await _force_post(page, f"/presentations/{deck.id}/generate/outline") == 403
    await expect(page.locator(".error-code")).to_have_text("403")


async def test_another_organizations_presentation_answers_the_not_found_page(
    app: web.Application, new_page: NewPage
) -> None:
    owner = await make_user(app, "owner@example.com", "Owner")
    await make_user(app, "other@example.com", "Other")
    deck = await deck_of(app, owner, "Secret plans")
    page = await new_page()
    await sign_in(page, "other@example.com")
    response = await page.goto(f"/presentations/{deck.id}")
    assert response is not None
    assert response.status == 404
    await expect(page.locator("main")).not_to_contain_text("Secret plans")


async def test_markup_in_a_title_and_a_file_name_is_shown_as_text(app: web.Application, new_page: NewPage) -> None:
    user_id = await make_user(app, "eve@example.com", "Eve")
    title = '<img src=x onerror="window.hacked=1">Deck'
    deck = await deck_of(app, user_id, title)
    for lang in ("en", "ru"):
        page = await new_page(lang)
        await sign_in(page, "eve@example.com")
        await page.goto(f"/presentations/{deck.id}")
        await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
        if lang == "en":
            name = "<svg onload=window.hacked=2>.md"
            await drop_file(page, name, b"# Notes\n\nThe grid grew by a third in 2025.\n")
            await expect(page.locator(".source-name")).to_have_text(name)
        await expect(page.locator("h1")).to_have_text(title)
        assert await page.evaluate("window.hacked === undefined")
        assert await page.locator("main img, main svg[onload]").count() == 0
        await shoot(page, "editor-escaped", lang)


async def test_without_a_websocket_the_editor_follows_the_jobs_by_polling(
    app: web.Application, new_page: NewPage
) -> None:
    page = await new_page()
    await page.add_init_script("delete window.WebSocket")  # a proxy that refuses WebSockets, say
    user_id = await make_user(app, "po@example.com", "Po")
    await sign_in(page, "po@example.com")
    deck = await deck_of(app, user_id, "Polled", slides=2)
    await page.goto(f"/presentations/{deck.id}")
    await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
    polled: list[str] = []
    page.on("request", lambda request: polled.append(request.url) if request.url.endswith("/status") else None)
    await drop_file(page, NOTES.name, NOTES.read_bytes())
    await expect(page.locator(".source-row")).to_have_attribute("data-status", "indexed")
    await page.locator("form[action$='/generate/outline'] button").click()
    await expect(page.locator(".outline-item")).to_have_count(2)
    await page.locator("form[action$='/generate/slides'] button").click()
    await expect(page.locator("#editor-status")).to_have_attribute("data-status", "ready")
    await expect(page.locator(".slide-card")).to_have_count(2)
    assert polled
