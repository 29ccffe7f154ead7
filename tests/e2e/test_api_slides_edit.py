"""PATCH /api/v1/slides/{id} and the slide page share one edit rule: kept sources, a new version, the journal."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from presentai.entrypoints.http.keys import CONTAINER
from tests.e2e.test_api import signed_up
from tests.e2e.test_pages_slides import seeded_deck


async def test_a_bullet_moved_a_level_keeps_its_sources_and_an_edited_one_loses_them(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    me = await (await client.get("/api/v1/users/me", headers=auth)).json()
    app = client.server.app
    deck = await seeded_deck(app, me["id"])
    slide = deck.slides[0]
    kept, edited = (b.text for b in slide.content.bullets)
    body = {"bullets": [{"text": kept, "level": 1}, {"text": edited + " (revised)"}]}
    response = await client.patch(f"/api/v1/slides/{slide.id}", json=body, headers=auth)
    answer = await response.json()
    assert response.status == 200, answer
    assert answer["version"] == 2
    assert answer["title"] == "Capacity grew by a third", "a field not sent stays as it was"
    assert answer["notes"] == "Open with the capacity figure."
    stored = (await app[CONTAINER].presentations().get(deck.organization_id, deck.id)).slides[0]
    first, second = stored.content.bullets
    assert (first.level, first.attributions, first.supported) == (1, slide.content.bullets[0].attributions, True)
    assert (second.text, second.attributions) == (edited + " (revised)", ())
    journal = await (await client.get(f"/api/v1/organizations/{deck.organization_id}/audit-logs", headers=auth)).json()
    assert any(e["action"] == "slide.edit" and e["target_id"] == slide.id for e in journal["data"]), journal


async def test_an_invalid_edit_is_a_422_naming_the_field_and_changes_nothing(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    me = await (await client.get("/api/v1/users/me", headers=auth)).json()
    app = client.server.app
    deck = await seeded_deck(app, me["id"])
    slide = deck.slides[0]
    response = await client.patch(f"/api/v1/slides/{slide.id}", json={"title": "  "}, headers=auth)
    answer = await response.json()
    assert response.status == 422, answer
    assert "title" in str(answer)
    stored = (await app[CONTAINER].presentations().get(deck.organization_id, deck.id)).slides[0]
    assert (stored.version, stored.content) == (1, slide.content)
