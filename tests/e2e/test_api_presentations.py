"""The main flow over HTTP: presentation, upload, outline, slides, edit, versions, restore, reorder; tenancy."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from presentai.entrypoints.http.keys import CONTAINER
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up


def upload(path: Path | None = None, *, name: str = "", data: bytes = b"") -> aiohttp.FormData:
    form = aiohttp.FormData()
    content = io.BytesIO(path.read_bytes() if path else data)
    form.add_field("file", content, filename=name or (path.name if path else "f"))
    return form


async def settle(client: TestClient, response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The body of a 202, once its job has run (the test service runs jobs in-process)."""
    assert response.status == 202, await response.text()
    body: dict[str, Any] = await response.json()
    await client.server.app[CONTAINER].jobs().drain()
    return body


async def add_source(
    client: TestClient, headers: dict[str, str], deck_id: str, form: aiohttp.FormData
) -> dict[str, Any]:
    """Upload into a presentation and wait for the ingestion; the file as /files/{id} then shows it."""
    posted = await client.post(f"/api/v1/presentations/{deck_id}/sources", data=form, headers=headers)
    accepted = await settle(client, posted)
    return await (await client.get(f"/api/v1/files/{accepted['id']}", headers=headers)).json()  # type: ignore[no-any-return]


async def generate(client: TestClient, headers: dict[str, str], deck_id: str, what: str) -> dict[str, Any]:
    """Run generate/outline or generate/slides to its end; the presentation as it then is."""
    await settle(client, await client.post(f"/api/v1/presentations/{deck_id}/generate/{what}", headers=headers))
    return await (await client.get(f"/api/v1/presentations/{deck_id}", headers=headers)).json()  # type: ignore[no-any-return]


async def presentation(client: TestClient, auth: str, slides: int = 3) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        "/api/v1/presentations", json={"title": "Grid 2025", "slide_count": slides}, headers={"Authorization": auth}
    )
    assert response.status == 201
    return await response.json()  # type: ignore[no-any-return]


async def test_the_main_flow_from_upload_to_edited_slides(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"])
    assert deck["status"] == "draft"
    source = await add_source(client, auth, deck["id"], upload(SAMPLES / "field-notes.md"))
    assert source["ingestion_status"] == "indexed"
    assert source["chunks_created"] > 0
    outlined = await generate(client, auth, deck["id"], "outline")
    assert outlined["status"] == "outline_ready"
    assert len(outlined["outline"]["items"]) == 3
    ready = await generate(client, auth, deck["id"], "slides")
    assert ready["status"] == "ready"
    assert [s["number"] for s in ready["slides"]] == [1, 2, 3]
    first = ready["slides"][0]
    attribution = first["bullets"][0]["attributions"][0]
    assert attribution["source_document_id"] == source["id"]
    assert first["bullets"][0]["supported"] is True

    edited = await client.patch(
        f"/api/v1/slides/{first['id']}",
        json={"title": "What we saw", "bullets": [{"text": first["bullets"][0]["text"]}, {"text": "A new point"}]},
        headers=auth,
    )
    body = await edited.json()
    assert (edited.status, body["version"], body["title"]) == (200, 2, "What we saw")
    assert (
        body["bullets"][0]["attributions"] == first["bullets"][0]["attributions"]
    )  # unchanged bullet keeps its source
    assert body["bullets"][1]["attributions"] == []
    versions = await (await client.get(f"/api/v1/slides/{first['id']}/versions", headers=auth)).json()
    assert [(v["number"], v["reason"]) for v in versions["data"]] == [(1, "generated"), (2, "edited")]
    restored = await (await client.post(f"/api/v1/slides/{first['id']}/restore/1", headers=auth)).json()
    assert (restored["version"], restored["title"]) == (3, first["title"])
    await settle(client, await client.post(f"/api/v1/slides/{first['id']}/regenerate", headers=auth))
    regenerated = await (await client.get(f"/api/v1/slides/{first['id']}", headers=auth)).json()
    assert regenerated["version"] == 4

    order = [s["id"] for s in reversed(ready["slides"])]
    reordered = await client.post(
        f"/api/v1/presentations/{deck['id']}/slides/reorder", json={"slide_ids": order}, headers=auth
    )
    assert [s["id"] for s in (await reordered.json())["slides"]] == order
    listed = await (await client.get("/api/v1/presentations", headers=auth)).json()
    assert [p["id"] for p in listed["data"]] == [deck["id"]]
    assert listed["next_cursor"] is None


async def test_another_tenant_gets_404_everywhere_and_changes_nothing(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    deck = await presentation(client, anna["auth"], slides=1)
    own = {"Authorization": anna["auth"]}
    await add_source(client, own, deck["id"], upload(SAMPLES / "field-notes.md"))
    await generate(client, own, deck["id"], "outline")
    ready = await generate(client, own, deck["id"], "slides")
    slide = ready["slides"][0]["id"]
    other = {"Authorization": boris["auth"]}
    calls = [
        ("GET", f"/api/v1/presentations/{deck['id']}", None),
        ("GET", f"/api/v1/presentations/{deck['id']}/sources", None),
        ("POST", f"/api/v1/presentations/{deck['id']}/generate/outline", None),
        ("POST", f"/api/v1/presentations/{deck['id']}/slides/reorder", {"slide_ids": [slide]}),
        ("GET", f"/api/v1/slides/{slide}", None),
        ("PATCH", f"/api/v1/slides/{slide}", {"title": "Hijacked"}),
        ("GET", f"/api/v1/slides/{slide}/versions", None),
        ("POST", f"/api/v1/slides/{slide}/restore/1", None),
        ("POST", f"/api/v1/slides/{slide}/regenerate", None),
        ("GET", f"/api/v1/presentations?organization_id={deck['organization_id']}", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body, headers=other)
        assert response.status == 404, (method, path, response.status)
        assert (await response.json())["error"] == "not_found"
    upload_attempt = await client.post(
        f"/api/v1/presentations/{deck['id']}/sources", data=upload(SAMPLES / "field-notes.md"), headers=other
    )
    assert upload_attempt.status == 404
    after = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=own)).json()
    assert after["slides"][0]["version"] == 1
    assert len(after["source_ids"]) == 1


async def test_uploads_over_the_limit_or_of_unknown_type_are_refused_with_the_spec_codes(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"])
    too_big = await client.post(
        f"/api/v1/presentations/{deck['id']}/sources",
        data=upload(name="big.txt", data=b"a" * (2**20 + 1)),
        headers=auth,
    )
    assert (too_big.status, (await too_big.json())["error"]) == (413, "file_too_large")
    image = await client.post(
        f"/api/v1/presentations/{deck['id']}/sources",
        data=upload(name="notes.txt", data=b"\x89PNG\r\n\x1a\n" + b"\0" * 99),
        headers=auth,
    )
    assert (image.status, (await image.json())["error"]) == (415, "unsupported_file_type")
    neither = await client.post(f"/api/v1/presentations/{deck['id']}/sources", json={"file": "x"}, headers=auth)
    body = await neither.json()  # not a file, and not a file_id to attach either
    assert (neither.status, body["error"], "file_id" in body["fields"]) == (400, "bad_request", True)
    sources = await (await client.get(f"/api/v1/presentations/{deck['id']}/sources", headers=auth)).json()
    assert sources["data"] == []


async def test_a_broken_file_is_accepted_and_reported_failed_with_its_reason(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"])
    source = await add_source(client, auth, deck["id"], upload(name="broken.pdf", data=b"%PDF-1.7\n" + b"\1" * 500))
    assert (source["ingestion_status"], source["error_code"]) == ("failed", "corrupt_document")
    refused = await client.post(f"/api/v1/presentations/{deck['id']}/generate/outline", headers=auth)
    assert (refused.status, (await refused.json())["error"]) == (422, "validation_error")


async def test_slide_count_outside_the_plan_is_a_validation_error_naming_the_field(client: TestClient) -> None:
    anna = await signed_up(client)
    response = await client.post(
        "/api/v1/presentations", json={"slide_count": 0}, headers={"Authorization": anna["auth"]}
    )
    body = await response.json()
    assert (response.status, body["error"]) == (422, "validation_error")
    assert "slide_count" in body["fields"]


async def test_lists_page_with_limit_and_cursor_and_filter_by_text(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    made = []
    for title in ("Grid one", "Wind two", "Grid three"):
        made.append(
            (await (await client.post("/api/v1/presentations", json={"title": title}, headers=auth)).json())["id"]
        )
    first = await (await client.get("/api/v1/presentations?limit=2", headers=auth)).json()
    assert [p["id"] for p in first["data"]] == [made[2], made[1]]
    rest = await (await client.get(f"/api/v1/presentations?limit=2&cursor={first['next_cursor']}", headers=auth)).json()
    assert [p["id"] for p in rest["data"]] == [made[0]]
    assert rest["next_cursor"] is None
    grid = await (await client.get("/api/v1/presentations?q=grid", headers=auth)).json()
    assert [p["title"] for p in grid["data"]] == ["Grid three", "Grid one"]


async def test_update_duplicate_add_and_delete_slides_detach_sources_and_soft_delete(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"], slides=2)
    source = await add_source(client, auth, deck["id"], upload(SAMPLES / "field-notes.md"))
    await generate(client, auth, deck["id"], "outline")
    ready = await generate(client, auth, deck["id"], "slides")

    patched = await (
        await client.patch(
            f"/api/v1/presentations/{deck['id']}", json={"title": "Renamed", "tone": "formal"}, headers=auth
        )
    ).json()
    assert (patched["title"], patched["parameters"]["tone"], patched["parameters"]["slide_count"]) == (
        "Renamed",
        "formal",
        2,
    )
    too_many = await client.patch(f"/api/v1/presentations/{deck['id']}", json={"slide_count": 500}, headers=auth)
    assert too_many.status == 422

    added = await client.post(
        f"/api/v1/presentations/{deck['id']}/slides", json={"title": "Questions?", "position": 1}, headers=auth
    )
    new_slide = await added.json()
    assert (added.status, new_slide["number"], new_slide["bullets"]) == (201, 1, [])
    copy = await (await client.post(f"/api/v1/presentations/{deck['id']}/duplicate", json={}, headers=auth)).json()
    assert copy["title"] == "Renamed (copy)"
    assert [s["title"] for s in copy["slides"]] == ["Questions?"] + [s["title"] for s in ready["slides"]]
    assert {s["id"] for s in copy["slides"]}.isdisjoint({s["id"] for s in ready["slides"]})

    assert (await client.delete(f"/api/v1/slides/{new_slide['id']}", headers=auth)).status == 204
    assert (await client.get(f"/api/v1/slides/{new_slide['id']}", headers=auth)).status == 404
    assert (
        await client.delete(f"/api/v1/presentations/{deck['id']}/sources/{source['id']}", headers=auth)
    ).status == 204
    assert (await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json())["source_ids"] == []

    assert (await client.delete(f"/api/v1/presentations/{deck['id']}", headers=auth)).status == 204
    gone = await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)
    assert (gone.status, (await gone.json())["error"]) == (410, "gone")
    listed = await (await client.get("/api/v1/presentations", headers=auth)).json()
    assert [p["id"] for p in listed["data"]] == [copy["id"]]


async def test_concurrent_slide_additions_either_land_or_answer_409_never_vanish(client: TestClient) -> None:
    import asyncio

    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"])
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": f"S{i}"}, headers=auth)
            for i in range(8)
        )
    )
    created = [r for r in responses if r.status == 201]
    assert {r.status for r in responses} <= {201, 409}
    stored = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json()
    assert len(stored["slides"]) == len(created) >= 1
