"""The audit log over HTTP: every change recorded with its actor and request id, paged, filtered, exported."""

from __future__ import annotations

import csv
import io

from aiohttp.test_utils import TestClient

from tests.e2e.test_api import signed_up


async def test_changes_are_journaled_newest_first_with_actor_request_id_and_pages(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    me = await (await client.get("/api/v1/users/me", headers=auth)).json()
    org = me["organizations"][0]["id"]
    request_ids = []
    for i in range(3):
        response = await client.post("/api/v1/presentations", json={"title": f"Deck {i}"}, headers=auth)
        request_ids.append(response.headers["X-Request-Id"])
    key = await client.post("/api/v1/api-keys", json={"name": "CI", "scopes": ["audit:read"]}, headers=auth)
    first = await (await client.get(f"/api/v1/organizations/{org}/audit-logs?limit=2", headers=auth)).json()
    assert [e["action"] for e in first["data"]] == ["api_key.create", "presentation.create"]
    assert first["data"][1]["request_id"] == request_ids[2]
    assert first["data"][0]["actor_id"] == me["id"]
    second = await (
        await client.get(f"/api/v1/organizations/{org}/audit-logs?limit=2&cursor={first['next_cursor']}", headers=auth)
    ).json()
    assert [e["request_id"] for e in second["data"]] == [request_ids[1], request_ids[0]]
    only = await (
        await client.get(f"/api/v1/organizations/{org}/audit-logs?action=api_key.create", headers=auth)
    ).json()
    assert len(only["data"]) == 1
    assert only["next_cursor"] is None
    by_key = await client.get(
        f"/api/v1/organizations/{org}/audit-logs", headers={"X-API-Key": (await key.json())["key"]}
    )
    assert by_key.status == 200


async def test_the_journal_exports_as_csv_and_is_for_admins_only(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    org = (await (await client.get("/api/v1/users/me", headers=auth)).json())["organizations"][0]["id"]
    await client.post("/api/v1/presentations", json={"title": "Deck"}, headers=auth)
    exported = await client.post(f"/api/v1/organizations/{org}/audit-logs/export", headers=auth)
    assert exported.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await exported.text())))
    assert [r["action"] for r in rows] == ["presentation.create"]
    assert (
        await client.get(f"/api/v1/organizations/{org}/audit-logs", headers={"Authorization": boris["auth"]})
    ).status == 404
    bad = await client.get(f"/api/v1/organizations/{org}/audit-logs?limit=500", headers=auth)
    assert (bad.status, (await bad.json())["error"]) == (400, "bad_request")
    forged = await client.get(f"/api/v1/organizations/{org}/audit-logs?cursor=%%%", headers=auth)
    assert forged.status == 400
