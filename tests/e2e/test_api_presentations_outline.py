"""Editing the outline over HTTP: PATCH /presentations/{id} with ``outline``, for editors of the organization only."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from presentai.domain.ids import new_id
from presentai.entrypoints.http.keys import CONTAINER
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_presentations import add_source, generate, upload


async def planned(client: TestClient, auth: dict[str, str], body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A presentation with an outline of three items, planned from the field notes."""
    created = await client.post(
        "/api/v1/presentations", json={"title": "Grid", "slide_count": 3, **(body or {})}, headers=auth
    )
    assert created.status == 201, await created.text()
    deck_id = (await created.json())["id"]
    await add_source(client, auth, deck_id, upload(SAMPLES / "field-notes.md"))
    outlined = await generate(client, auth, deck_id, "outline")
    assert len(outlined["outline"]["items"]) == 3
    return outlined


async def an_editors_plan(client: TestClient) -> tuple[dict[str, str], dict[str, Any]]:
    """A new account's headers and its presentation with an outline of three items."""
    auth = {"Authorization": (await signed_up(client))["auth"]}
    return auth, await planned(client, auth)


async def held_by_a_job(client: TestClient, deck: dict[str, Any]) -> None:
    """``deck`` as a worker elsewhere leaves it while it writes the slides (a job here would finish at once)."""
    repository = client.server.app[CONTAINER].presentations()
    stored = await repository.get(deck["organization_id"], deck["id"])
    stored.start_generating("job-in-another-worker")
    await repository.save(stored)


async def test_an_editor_retitles_reorders_removes_and_adds_items_and_kept_ones_keep_their_passages(
    client: TestClient,
) -> None:
    auth, deck = await an_editors_plan(client)
    first, _second, third = deck["outline"]["items"]
    edited = [
        {"title": "Third, first", "key_points": ["what the crews found"], "from_index": 2},
        {"title": first["title"], "key_points": first["key_points"], "from_index": 0},
        {"title": "What we ask for", "key_points": ["a budget"]},
    ]
    answer = await client.patch(f"/api/v1/presentations/{deck['id']}", json={"outline": edited}, headers=auth)
    assert answer.status == 200, await answer.text()
    items = (await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json())["outline"]["items"]
    assert [(i["title"], i["key_points"]) for i in items] == [
        ("Third, first", ["what the crews found"]),
        (first["title"], first["key_points"]),
        ("What we ask for", ["a budget"]),
    ]
    assert [i["chunk_ids"] for i in items] == [third["chunk_ids"], first["chunk_ids"], []]
    assert (await answer.json())["outline"]["items"] == items
    journal = await client.get(
        f"/api/v1/organizations/{deck['organization_id']}/audit-logs?action=presentation.update", headers=auth
    )
    assert [e["target_id"] for e in (await journal.json())["data"]] == [deck["id"]]
    ready = await generate(client, auth, deck["id"], "slides")
    assert ready["status"] == "ready"
    assert ready["slides"][0]["title"]


async def test_an_invalid_outline_is_422_naming_the_field_and_nothing_changes(client: TestClient) -> None:
    auth, deck = await an_editors_plan(client)
    path = f"/api/v1/presentations/{deck['id']}"
    keep = {"title": "Kept", "from_index": 0}
    for outline, field in [
        ([], "outline"),
        ([keep, {"title": "  ", "from_index": 1}], "outline[1].title"),
        ([keep, {"title": "t" * 501}], "outline[1].title"),
        ([keep, {"title": "Copy", "from_index": 0}], "outline[1].from_index"),
        ([{"title": "Gone", "from_index": 9}], "outline[0].from_index"),
        ([keep, {"title": "Empty point", "key_points": [""]}], "outline[1].key_points[0]"),
        ([{"title": f"T{i}"} for i in range(4)], "outline"),
    ]:
        answer = await client.patch(path, json={"title": "Renamed", "outline": outline}, headers=auth)
        body = await answer.json()
        assert (answer.status, body["error"]) == (422, "validation_error"), outline
        assert field in body["fields"], (field, body)
    after = await (await client.get(path, headers=auth)).json()
    assert (after["title"], after["outline"]) == (deck["title"], deck["outline"])
    wrong_type = await client.patch(path, json={"outline": [{"title": "T", "from_index": "0"}]}, headers=auth)
    assert wrong_type.status == 400


async def test_the_outline_is_not_edited_while_the_slides_are_being_written_or_before_it_exists(
    client: TestClient,
) -> None:
    auth, deck = await an_editors_plan(client)
    await held_by_a_job(client, deck)
    busy = await client.patch(
        f"/api/v1/presentations/{deck['id']}", json={"outline": [{"title": "T", "from_index": 0}]}, headers=auth
    )
    assert (busy.status, (await busy.json())["error"]) == (409, "conflict")
    after = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json()
    assert (after["status"], after["outline"]) == ("generating", deck["outline"])
    draft = await (await client.post("/api/v1/presentations", json={"title": "Draft"}, headers=auth)).json()
    none_yet = await client.patch(
        f"/api/v1/presentations/{draft['id']}", json={"outline": [{"title": "T"}]}, headers=auth
    )
    assert none_yet.status == 409


async def test_another_tenant_gets_404_and_a_viewer_403_and_neither_changes_the_outline(client: TestClient) -> None:
    owner, boris = await signed_up(client), await signed_up(client)
    own = {"Authorization": owner["auth"]}
    made = await client.post("/api/v1/organizations", json={"name": "Team", "slug": f"t-{new_id()[-12:]}"}, headers=own)
    org = (await made.json())["id"]
    deck = await planned(client, own, {"organization_id": org})
    email = f"vera-{new_id()}@example.com"
    await client.post(
        f"/api/v1/organizations/{org}/members/invite", json={"email": email, "role": "viewer"}, headers=own
    )
    vera = await signed_up(client, email)
    viewer = {"Authorization": vera["auth"]}
    waiting = await (await client.get("/api/v1/invitations", headers=viewer)).json()
    await client.post(f"/api/v1/invitations/{waiting['data'][0]['id']}/accept", headers=viewer)
    change = {"outline": [{"title": "Hijacked", "from_index": 0}]}
    path = f"/api/v1/presentations/{deck['id']}"
    refused = await client.patch(path, json=change, headers=viewer)
    assert (refused.status, (await refused.json())["error"]) == (403, "insufficient_role")
    hidden = await client.patch(path, json=change, headers={"Authorization": boris["auth"]})
    assert (hidden.status, (await hidden.json())["error"]) == (404, "not_found")
    assert (await (await client.get(path, headers=own)).json())["outline"] == deck["outline"]


async def test_the_openapi_document_describes_the_outline_field(client: TestClient) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert schemas["UpdatePresentationBody"]["properties"]["outline"]["items"] == {
        "$ref": "#/components/schemas/OutlineItemBody"
    }
    assert set(schemas["OutlineItemBody"]["properties"]) == {"title", "key_points", "from_index"}
    assert schemas["OutlineItemBody"]["required"] == ["title"]
