"""The editor's pages without a browser: sources, outline, slides, exports and links through its forms, as the API."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from presentai.config import Settings
from presentai.domain.accounts import Membership, Role
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS
from tests.conftest import SAMPLES

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
PASSWORD = "a long walk by the river at dawn"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="e" * 40)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def signed_in(client: TestClient, email: str) -> tuple[str, str]:
    """A new account signed in through the form in ``client``'s cookies; its user id and CSRF token."""
    user, _tokens = await client.server.app[AUTHENTICATOR].register(email, PASSWORD, email.split("@", maxsplit=1)[0])
    token = csrf(await (await client.get("/sign-in", headers=HTML)).text())
    form = {"csrf_token": token, "email": email, "password": PASSWORD, "next": ""}
    response = await client.post("/sign-in", data=form, headers=HTML)
    assert response.status == 200, await response.text()
    return user.id, csrf(await response.text())


async def deck_of(client: TestClient, user_id: str, title: str = "Grid 2025", slides: int = 3) -> Presentation:
    """A draft presentation in the user's first organization."""
    organizations = client.server.app[ORGANIZATIONS]
    organization_id = (await organizations.memberships(user_id))[0].organization_id
    deck = Presentation.create(organization_id, title, GenerationParameters(slide_count=slides))
    await client.server.app[CONTAINER].presentations().add(deck)
    return deck


async def drain(client: TestClient) -> None:
    await client.server.app[CONTAINER].jobs().drain()


async def stored(client: TestClient, deck: Presentation) -> Presentation:
    found: Presentation = await client.server.app[CONTAINER].presentations().get(deck.organization_id, deck.id)
    return found


def upload(path: Path, token: str, name: str = "") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", io.BytesIO(path.read_bytes()), filename=name or path.name)
    return form


async def outlined(client: TestClient, deck: Presentation, token: str) -> Presentation:
    await client.post(f"/presentations/{deck.id}/sources", data=upload(SAMPLES / "field-notes.md", token), headers=HTML)
    await drain(client)
    response = await client.post(f"/presentations/{deck.id}/generate/outline", data={"csrf_token": token}, headers=HTML)
    assert response.status == 200
    await drain(client)
    return await stored(client, deck)


async def test_an_editor_uploads_plans_edits_the_outline_and_writes_the_slides(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await deck_of(client, user_id)
    page = await (await client.get(f"/presentations/{deck.id}", headers=HTML)).text()
    assert "Grid 2025" in page
    assert "data-dropzone" in page
    answer = await client.post(
        f"/presentations/{deck.id}/sources", data=upload(SAMPLES / "field-notes.md", token), headers=JSON
    )
    assert answer.status == 200
    assert (await answer.json())["sources"][0]["job_id"]
    await drain(client)
    status = await (await client.get(f"/presentations/{deck.id}/status", headers=JSON)).json()
    assert list(status["sources"].values()) == ["indexed"]
    response = await client.post(f"/presentations/{deck.id}/generate/outline", data={"csrf_token": token}, headers=HTML)
    assert "The outline is being planned." in await response.text()
    await drain(client)
    deck = await stored(client, deck)
    assert deck.outline is not None
    assert len(deck.outline.items) >= 2
    first, second = deck.outline.items[0], deck.outline.items[1]
    rows = {"csrf_token": token}
    form = aiohttp.FormData(rows)
    for index, item in enumerate(deck.outline.items):
        form.add_field("item", str(index))
        form.add_field("title", "Renamed first" if index == 0 else item.title)
        form.add_field("points", "one point\ntwo points" if index == 0 else "\n".join(item.key_points))
    form.add_field("move", "down:0")
    await client.post(f"/presentations/{deck.id}/outline", data=form, headers=HTML)
    edited = (await stored(client, deck)).outline
    assert edited is not None
    assert [i.title for i in edited.items[:2]] == [second.title, "Renamed first"]
    assert edited.items[1].key_points == ("one point", "two points")
    assert edited.items[1].chunk_ids == first.chunk_ids
    await client.post(f"/presentations/{deck.id}/generate/slides", data={"csrf_token": token}, headers=HTML)
    await drain(client)
    deck = await stored(client, deck)
    assert deck.status.value == "ready"
    assert deck.slides
    page = await (await client.get(f"/presentations/{deck.id}", headers=HTML)).text()
    assert f"/presentations/{deck.id}/slides/1" in page
    part = await (await client.get(f"/presentations/{deck.id}/parts/slides", headers=HTML)).text()
    assert part.lstrip().startswith('<section id="slides"')


async def test_slides_are_reordered_moved_deleted_and_added_through_the_forms(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await outlined(client, await deck_of(client, user_id), token)
    await client.post(f"/presentations/{deck.id}/generate/slides", data={"csrf_token": token}, headers=HTML)
    await drain(client)
    ids = [s.id for s in (await stored(client, deck)).slides]
    order = list(reversed(ids))
    form = aiohttp.FormData([("csrf_token", token), *(("slide_id", i) for i in order)])
    answer = await client.post(f"/presentations/{deck.id}/slides/reorder", data=form, headers=JSON)
    assert (await answer.json())["slide_ids"] == order
    move = {"csrf_token": token, "direction": "down"}
    await client.post(f"/presentations/{deck.id}/slides/{order[0]}/move", data=move, headers=HTML)
    assert [s.id for s in (await stored(client, deck)).slides][:2] == [order[1], order[0]]
    await client.post(f"/presentations/{deck.id}/slides/{order[0]}/delete", data={"csrf_token": token}, headers=HTML)
    await client.post(f"/presentations/{deck.id}/slides", data={"csrf_token": token}, headers=HTML)
    slides = (await stored(client, deck)).slides
    assert order[0] not in [s.id for s in slides]
    assert slides[-1].content.title == "New slide"
    assert len(slides) == len(ids)


async def test_an_export_runs_and_offers_its_download_and_a_link_is_shared_then_revoked(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await outlined(client, await deck_of(client, user_id, slides=2), token)
    await client.post(f"/presentations/{deck.id}/generate/slides", data={"csrf_token": token}, headers=HTML)
    await drain(client)
    answer = await client.post(
        f"/presentations/{deck.id}/exports", data={"csrf_token": token, "format": "pptx"}, headers=JSON
    )
    export_id = (await answer.json())["export_id"]
    await drain(client)
    part = await (await client.get(f"/presentations/{deck.id}/parts/exports", headers=HTML)).text()
    link = re.search(r'href="(/api/v1/presentations/[^"]+/download\?token=[^"]+)"', part)
    assert link
    assert export_id in link.group(1)
    download = await client.get(link.group(1).replace("&amp;", "&"))
    assert download.status == 200
    assert (await download.read())[:2] == b"PK"
    page = await client.post(
        f"/presentations/{deck.id}/shares", data={"csrf_token": token, "show_attributions": "on"}, headers=HTML
    )
    shown = re.search(r'id="new-share-url"[^>]*value="([^"]+)"', await page.text())
    assert shown
    assert "/share/" in shown.group(1)
    share_token = shown.group(1).rsplit("/", 1)[1]
    assert (await client.get(f"/api/v1/share/{share_token}")).status == 200
    links = await client.server.app[CONTAINER].share_service().list(await stored(client, deck))
    await client.post(f"/presentations/{deck.id}/shares/{links[0].id}/revoke", data={"csrf_token": token}, headers=HTML)
    assert (await client.get(f"/api/v1/share/{share_token}")).status == 410


async def test_a_viewer_sees_no_write_controls_and_a_forced_post_is_refused(client: TestClient) -> None:
    owner_id, _token = await signed_in(client, "owner@example.com")
    deck = await deck_of(client, owner_id)
    client.session.cookie_jar.clear()
    viewer_id, token = await signed_in(client, "viewer@example.com")
    await client.server.app[ORGANIZATIONS].put_member(Membership(deck.organization_id, viewer_id, Role.VIEWER))
    page = await (await client.get(f"/presentations/{deck.id}", headers=HTML)).text()
    assert "Grid 2025" in page
    assert "data-dropzone" not in page
    assert "/generate/" not in page
    assert '/shares"' not in page
    for action in ("generate/outline", "slides", "exports", "shares", "parameters"):
        response = await client.post(f"/presentations/{deck.id}/{action}", data={"csrf_token": token}, headers=HTML)
        assert response.status == 403, action
    form = upload(SAMPLES / "field-notes.md", token)
    assert (await client.post(f"/presentations/{deck.id}/sources", data=form, headers=HTML)).status == 403


async def test_another_organizations_presentation_is_not_found(client: TestClient) -> None:
    owner_id, _token = await signed_in(client, "owner@example.com")
    deck = await deck_of(client, owner_id)
    client.session.cookie_jar.clear()
    await signed_in(client, "stranger@example.com")
    for path in ("", "/status", "/parts/slides"):
        response = await client.get(f"/presentations/{deck.id}{path}", headers=HTML)
        assert response.status == 404, path


async def test_markup_in_a_title_and_a_file_name_is_shown_as_text(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await deck_of(client, user_id, title="<script>alert(1)</script>")
    evil = "<img src=x onerror=alert(2)>.md"  # sent as a browser sends it (aiohttp's client would quote it)
    body = (
        f'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--b\r\nContent-Disposition: form-data; name="file"; filename="{evil}"\r\n'
        "Content-Type: text/markdown\r\n\r\n# Notes\n\nThe grid grew by a third.\r\n--b--\r\n"
    ).encode()
    headers = {**HTML, "Content-Type": "multipart/form-data; boundary=b"}
    await client.post(f"/presentations/{deck.id}/sources", data=body, headers=headers)
    page = await (await client.get(f"/presentations/{deck.id}", headers=HTML)).text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;.md" in page


async def test_an_editor_chooses_the_decks_theme_and_the_previews_follow_it(client: TestClient) -> None:
    user_id, token = await signed_in(client, "theme@example.com")
    deck = await deck_of(client, user_id)
    page = await (await client.get(f"/presentations/{deck.id}", headers=HTML)).text()
    assert '<option value="light" selected>' in page
    form = {"csrf_token": token, "title": deck.title, "theme": "dark", "slide_count": "3", "tone": "", "audience": ""}
    form |= {"topic": "", "language": "", "brand_kit_id": ""}
    response = await client.post(f"/presentations/{deck.id}/parameters", data=form, headers=HTML)
    assert response.status == 200
    assert (await stored(client, deck)).theme == "dark"
    assert '<option value="dark" selected>' in await response.text()

    form["theme"] = "neon"
    refused = await client.post(f"/presentations/{deck.id}/parameters", data=form, headers=HTML)
    assert refused.status == 400
    assert "Choose a theme from the list." in await refused.text()
    assert (await stored(client, deck)).theme == "dark"


def outline_form(token: str, rows: list[tuple[str, str, str]], *, remove: tuple[str, ...] = ()) -> aiohttp.FormData:
    """The outline form as the browser sends it: one (item, title, points) per row, and the removed rows."""
    form = aiohttp.FormData({"csrf_token": token})
    for item, title, points in rows:
        form.add_field("item", item)
        form.add_field("title", title)
        form.add_field("points", points)
    for item in remove:
        form.add_field("remove", item)
    return form


async def test_a_removed_outline_item_is_left_out_and_an_invalid_edit_changes_nothing(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await outlined(client, await deck_of(client, user_id), token)
    assert deck.outline is not None
    items = deck.outline.items
    rows = [(str(i), item.title, "\n".join(item.key_points)) for i, item in enumerate(items)]
    saved = await client.post(f"/presentations/{deck.id}/outline", data=outline_form(token, rows, remove=("0",)))
    assert "The outline was saved." in await saved.text()
    kept = (await stored(client, deck)).outline
    assert kept is not None
    assert [(i.title, i.chunk_ids) for i in kept.items] == [(i.title, i.chunk_ids) for i in items[1:]]

    blank = [("0", "   ", "a point"), *((str(i), item.title, "") for i, item in enumerate(kept.items) if i)]
    refused = await client.post(f"/presentations/{deck.id}/outline", data=outline_form(token, blank))
    assert "Some values were not accepted" in await refused.text()
    too_long = [("0", "t" * 501, "")]
    await client.post(f"/presentations/{deck.id}/outline", data=outline_form(token, too_long))
    nul = [("0", "Title", "a\x00point")]
    await client.post(f"/presentations/{deck.id}/outline", data=outline_form(token, nul))
    assert (await stored(client, deck)).outline == kept


async def test_the_outline_form_is_refused_while_the_slides_are_being_written(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await outlined(client, await deck_of(client, user_id), token)
    assert deck.outline is not None
    held = await stored(client, deck)
    held.start_generating("job-in-another-worker")  # as a worker elsewhere leaves it (one here finishes at once)
    await client.server.app[CONTAINER].presentations().save(held)
    rows = [("0", "Renamed while busy", "")]
    busy = await client.post(f"/presentations/{deck.id}/outline", data=outline_form(token, rows), headers=HTML)
    assert "The presentation is busy" in await busy.text()
    assert (await stored(client, deck)).outline == deck.outline
