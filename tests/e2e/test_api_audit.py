"""The audit log over HTTP: every change recorded with its actor and request id, paged, filtered, exported."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from urllib.parse import quote

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


async def test_the_journal_and_its_export_are_filtered_by_since_and_until(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    org = (await (await client.get("/api/v1/users/me", headers=auth)).json())["organizations"][0]["id"]
    await client.post("/api/v1/presentations", json={"title": "Deck"}, headers=auth)
    logs = f"/api/v1/organizations/{org}/audit-logs"
    everything = (await (await client.get(logs, headers=auth)).json())["data"]
    stamp = datetime.fromisoformat(everything[0]["created_at"])
    after = (stamp + timedelta(microseconds=1)).isoformat()
    exactly, then = quote(stamp.isoformat()), quote(after)

    async def actions(query: str) -> list[str]:
        response = await client.get(f"{logs}?{query}", headers=auth)
        assert response.status == 200, await response.text()
        return [e["action"] for e in (await response.json())["data"]]

    assert await actions(f"since={exactly}&action=presentation.create") == ["presentation.create"]  # inclusive
    assert await actions(f"until={exactly}&action=presentation.create") == []  # exclusive
    assert await actions(f"since={then}&action=presentation.create") == []
    assert "presentation.create" in await actions(f"since={stamp.date()}&until={stamp.date() + timedelta(days=1)}")
    assert await actions("until=2000-01-01T00:00:00Z") == []
    exported = await client.post(f"{logs}/export?since={then}", headers=auth)
    assert exported.status == 200
    assert list(csv.reader(io.StringIO(await exported.text()))) == [list(everything[0])]  # the header row alone
    kept = await client.post(f"{logs}/export?until={then}&action=presentation.create", headers=auth)
    assert [r["action"] for r in csv.DictReader(io.StringIO(await kept.text()))] == ["presentation.create"]

    for query in (
        "since=yesterday",
        "until=2026-13-01",
        "since=2026-02-01&until=2026-01-01",
        f"since={exactly}&until={exactly}",
    ):
        for response in (
            await client.get(f"{logs}?{query}", headers=auth),
            await client.post(f"{logs}/export?{query}", headers=auth),
        ):
            body = await response.json()
            assert (response.status, body["error"]) == (422, "validation_error"), query
            assert set(body["fields"]) <= {"since", "until"}
    stranger = await client.get(f"{logs}?since=yesterday", headers={"Authorization": boris["auth"]})
    assert stranger.status == 404  # another organization's journal is not there, whatever the dates
