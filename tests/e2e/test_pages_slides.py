"""The slide view and the public share view without a browser: attribution passages, edits, versions, roles,
tenants, the share page and its JSON, the gone page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from presentai.config import Settings
from presentai.domain.accounts import Membership, Role
from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table
from presentai.domain.sources import Chunk, SourceDocument
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
PASSWORD = "a long walk by the river at dawn"
PASSAGE = (
    "Section 4 reviews the year. Installed capacity reached 842 MW by December, up from 610 MW a year "
    "earlier. Storage stayed below 40 MWh & no new plant <opened> in the north."
)
QUOTE = "Installed capacity reached 842 MW by December"


async def seeded_deck(app: web.Application, user_id: str, title: str = "Grid 2025") -> Presentation:
    """A presentation of the user's first organization with a source, its chunk and slides citing it."""
    organization_id = (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    container = app[CONTAINER]
    source = SourceDocument.from_upload(organization_id, "grid-report.pdf", b"%PDF-1.7 grid")
    await container.sources().add(source)
    chunk = Chunk(new_id(), source.id, organization_id, 0, PASSAGE, 0, len(PASSAGE), 30, page=7, section="Capacity")
    await container.chunks().replace_for_document(organization_id, source.id, [chunk])
    start = PASSAGE.index(QUOTE)
    cited = Attribution(source.id, chunk.id, QUOTE, start, start + len(QUOTE), 7, "Capacity", 0.92)
    deck = Presentation.create(organization_id, title, GenerationParameters(slide_count=3))
    deck.source_ids = [source.id]
    deck.add_slide(
        SlideContent(
            Layout.BULLETS,
            "Capacity grew by a third",
            (
                Bullet("Capacity reached 842 MW in December", 0, (cited,), True),
                Bullet("Storage will triple by 2030", 0, (), False),
            ),
            notes="Open with the capacity figure.",
        )
    )
    deck.add_slide(
        SlideContent(Layout.TABLE, "By region", table=Table(("Region", "MW"), (("North", "300"), ("South", "542"))))
    )
    deck.add_slide(
        SlideContent(
            Layout.CHART,
            "Capacity by year",
            chart=Chart(ChartKind.COLUMN, ("2024", "2025"), (Series("MW", (610.0, 842.0)),), "MW"),
        )
    )
    await container.presentations().add(deck)
    return deck


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def signed_in(client: TestClient, email: str) -> tuple[str, str]:
    user, _tokens = await client.server.app[AUTHENTICATOR].register(email, PASSWORD, email.split("@", maxsplit=1)[0])
    token = csrf(await (await client.get("/sign-in", headers=HTML)).text())
    response = await client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD, "next": ""}, headers=HTML
    )
    assert response.status == 200, await response.text()
    return user.id, csrf(await response.text())


async def test_the_slide_view_marks_the_quote_in_its_passage_with_the_page(client: TestClient) -> None:
    user_id, _token = await signed_in(client, "ann@example.com")
    deck = await seeded_deck(client.server.app, user_id)
    response = await client.get(f"/presentations/{deck.id}/slides/1", headers=HTML)
    html = await response.text()
    assert response.status == 200, html
    assert f"<mark>{QUOTE}</mark>" in html
    assert "MWh &amp; no new plant &lt;opened&gt; in the north" in html  # the passage's text, escaped
    assert "page 7" in html
    assert "grid-report.pdf" in html
    assert "Not supported by its sources" in html
    assert 'href="/presentations/' + deck.id + '/slides/2"' in html


async def test_an_edit_is_a_new_version_and_an_earlier_one_comes_back(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    form = {
        "csrf_token": token,
        "title": "Capacity grew fast",
        "bullet": ["Capacity reached 842 MW in December", "A new point"],
        "level": ["0", "1"],
        "notes": "",
    }
    data = [(k, v) for k, values in form.items() for v in (values if isinstance(values, list) else [values])]
    response = await client.post(f"/presentations/{deck.id}/slides/1", data=data, headers=HTML)
    assert response.status == 200
    assert "The slide was saved as a new version." in await response.text()
    slide = (await app[CONTAINER].presentations().get(deck.organization_id, deck.id)).slides[0]
    assert slide.version == 2
    assert slide.content.title == "Capacity grew fast"
    assert slide.content.bullets[0].attributions, "an unchanged statement keeps its sources"
    assert slide.content.bullets[1] == Bullet("A new point", 1)
    response = await client.post(
        f"/presentations/{deck.id}/slides/1/versions/1/restore", data={"csrf_token": token}, headers=HTML
    )
    assert response.status == 200
    slide = (await app[CONTAINER].presentations().get(deck.organization_id, deck.id)).slides[0]
    assert slide.version == 3
    assert slide.content.title == "Capacity grew by a third"


async def test_a_viewer_reads_but_may_not_edit_and_another_tenant_sees_nothing(client: TestClient) -> None:
    owner_id, _ = await signed_in(client, "owner@example.com")
    deck = await seeded_deck(client.server.app, owner_id)
    client.session.cookie_jar.clear()
    viewer_id, token = await signed_in(client, "viewer@example.com")
    await client.server.app[ORGANIZATIONS].put_member(Membership(deck.organization_id, viewer_id, Role.VIEWER))
    page = await client.get(f"/presentations/{deck.id}/slides/1", headers=HTML)
    html = await page.text()
    assert page.status == 200
    assert "Edit this slide" not in html
    assert "Restore version" not in html
    forced = await client.post(f"/presentations/{deck.id}/slides/1", data={"csrf_token": token, "title": "x"},
                               headers=HTML)  # fmt: skip
    assert forced.status == 403
    for action in ("regenerate", "versions/1/restore"):
        refused = await client.post(
            f"/presentations/{deck.id}/slides/1/{action}", data={"csrf_token": token}, headers=HTML
        )
        assert refused.status == 403
    client.session.cookie_jar.clear()
    await signed_in(client, "stranger@example.com")
    assert (await client.get(f"/presentations/{deck.id}/slides/1", headers=HTML)).status == 404
    assert (await client.get(f"/presentations/{deck.id}/slides/9", headers=HTML)).status == 404


async def test_a_share_link_shows_the_page_to_browsers_json_to_clients_and_410_once_revoked(
    client: TestClient,
) -> None:
    user_id, _ = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    link, secret = await app[CONTAINER].share_service().create(deck, by=user_id, show_attributions=True)
    client.session.cookie_jar.clear()
    response = await client.get(f"/share/{secret}", headers=HTML)
    html = await response.text()
    assert response.status == 200, html
    assert "Capacity grew by a third" in html
    assert QUOTE in html
    assert "data-view-token=" in html
    assert "Open with the capacity figure." not in html  # speaker notes stay private
    answer = await client.get(f"/share/{secret}", headers=JSON)
    assert answer.status == 200
    assert (await answer.json())["slides"][0]["title"] == "Capacity grew by a third"
    link.revoke()
    await app[CONTAINER].shares().save(link)
    gone = await client.get(f"/share/{secret}", headers=HTML)
    assert gone.status == 410
    assert "This link no longer works" in await gone.text()
    assert (await client.get(f"/share/{secret}", headers=JSON)).status == 410
    assert (await client.get("/share/no-such-token", headers=JSON)).status == 404


async def test_slides_are_drawn_in_the_presentation_s_theme_unless_another_is_asked_for(client: TestClient) -> None:
    user_id, _ = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    deck.theme = "dark"
    await app[CONTAINER].presentations().save(deck)
    own = await (await client.get(f"/presentations/{deck.id}/slides/1", headers=HTML)).text()
    assert "sl-theme-dark" in own
    asked = await (await client.get(f"/presentations/{deck.id}/slides/1?theme=corporate", headers=HTML)).text()
    assert "sl-theme-corporate" in asked
    assert f'href="/presentations/{deck.id}/slides/2?theme=corporate"' in asked  # the next slide in it too
    _link, secret = await app[CONTAINER].share_service().create(deck, by=user_id)
    client.session.cookie_jar.clear()
    assert "sl-theme-dark" in await (await client.get(f"/share/{secret}", headers=HTML)).text()


@pytest.mark.parametrize("attributions", [True, False])
async def test_a_share_page_draws_every_layout_with_or_without_its_sources(
    client: TestClient, attributions: bool
) -> None:
    from tests.browser.test_slide_previews import every_layout

    user_id, _ = await signed_in(client, "ann@example.com")
    app = client.server.app
    deck = await seeded_deck(app, user_id)
    for content in every_layout("en"):
        deck.add_slide(content)
    await app[CONTAINER].presentations().save(deck)
    _link, secret = await app[CONTAINER].share_service().create(deck, by=user_id, show_attributions=attributions)
    client.session.cookie_jar.clear()
    response = await client.get(f"/share/{secret}", headers=HTML)
    html = await response.text()
    assert response.status == 200, html
    for layout in Layout:
        assert f"sl-layout-{layout.value}" in html
    assert ("Sources of this slide" in html) is attributions


async def test_regenerating_a_slide_starts_its_job(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ann@example.com")
    deck = await seeded_deck(client.server.app, user_id)
    response = await client.post(
        f"/presentations/{deck.id}/slides/1/regenerate", data={"csrf_token": token}, headers=HTML
    )
    assert response.status == 200
    assert "The slide is being written again" in await response.text()
    assert str(response.url).endswith(f"/presentations/{deck.id}/slides/1")


async def test_opening_links_too_often_from_one_address_shows_a_page_saying_when_to_retry(tmp_path: Path) -> None:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40, rate_limit_per_minute=2)
    async with TestClient(TestServer(create_app(settings))) as limited:
        user_id, _ = await signed_in(limited, "ann@example.com")
        deck = await seeded_deck(limited.server.app, user_id)
        _link, secret = await limited.server.app[CONTAINER].share_service().create(deck, by=user_id)
        statuses = [(await limited.get(f"/share/{secret}", headers=HTML)).status for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = await limited.get(f"/share/{secret}", headers=HTML)
        assert "Too many openings" in await refused.text()
        assert int(refused.headers["Retry-After"]) > 0
