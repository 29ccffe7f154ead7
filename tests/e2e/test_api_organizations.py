"""Organizations over HTTP: settings, token usage against the plan's monthly limit, and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient

from presentai.domain.ids import new_id
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_files import service
from tests.e2e.test_api_members import organization
from tests.e2e.test_api_presentations import add_source, presentation, upload
from tests.e2e.test_quota_races import tokens_of


async def my_organization(client: TestClient, auth: str) -> str:
    me = await (await client.get("/api/v1/users/me", headers={"Authorization": auth})).json()
    return str(me["organizations"][0]["id"])


async def test_admins_rename_an_organization_and_slugs_stay_unique(client: TestClient) -> None:
    owner, stranger = await signed_up(client), await signed_up(client)
    team = await organization(client, owner)
    auth = {"Authorization": owner["auth"]}
    renamed = await client.patch(f"/api/v1/organizations/{team}", json={"name": "  Grid Ops  "}, headers=auth)
    assert (renamed.status, (await renamed.json())["name"]) == (200, "Grid Ops")
    slug = f"grid-{new_id()[-8:]}"
    assert (await client.patch(f"/api/v1/organizations/{team}", json={"slug": slug}, headers=auth)).status == 200
    other = await organization(client, owner)
    taken = await client.patch(f"/api/v1/organizations/{other}", json={"slug": slug}, headers=auth)
    assert (taken.status, (await taken.json())["error"]) == (409, "conflict")
    bad = await client.patch(f"/api/v1/organizations/{team}", json={"slug": "Not A Slug"}, headers=auth)
    assert (bad.status, (await bad.json())["fields"]) == (422, {"slug": "invalid"})
    empty = await client.patch(f"/api/v1/organizations/{team}", json={"name": " "}, headers=auth)
    assert empty.status == 422
    wrong_type = await client.patch(f"/api/v1/organizations/{team}", json={"name": 5}, headers=auth)
    assert (wrong_type.status, (await wrong_type.json())["error"]) == (400, "bad_request")

    foreign = await client.patch(
        f"/api/v1/organizations/{team}", json={"name": "Mine now"}, headers={"Authorization": stranger["auth"]}
    )
    assert (foreign.status, (await foreign.json())["error"]) == (404, "not_found")
    assert (
        await client.get(f"/api/v1/organizations/{team}/usage", headers={"Authorization": stranger["auth"]})
    ).status == 404
    assert (await (await client.get(f"/api/v1/organizations/{team}", headers=auth)).json())["name"] == "Grid Ops"


async def test_editors_may_not_change_settings_or_read_usage(client: TestClient) -> None:
    owner, editor = await signed_up(client), await signed_up(client)
    team = await organization(client, owner)
    invited = await client.post(
        f"/api/v1/organizations/{team}/members/invite",
        json={"email": editor["email"], "role": "editor"},
        headers={"Authorization": owner["auth"]},
    )
    await client.post(
        f"/api/v1/invitations/{(await invited.json())['id']}/accept", headers={"Authorization": editor["auth"]}
    )
    refused = await client.patch(
        f"/api/v1/organizations/{team}", json={"name": "Editors rule"}, headers={"Authorization": editor["auth"]}
    )
    body = await refused.json()
    assert (refused.status, body["error"], body["required"], body["current"]) == (
        403,
        "insufficient_role",
        "admin",
        "editor",
    )
    usage = await client.get(f"/api/v1/organizations/{team}/usage", headers={"Authorization": editor["auth"]})
    assert usage.status == 403


async def test_usage_counts_ingestion_tokens_and_a_spent_quota_stops_generation(tmp_path: Path) -> None:
    tokens = tokens_of((SAMPLES / "field-notes.md").read_bytes())
    async with service(tmp_path, plan_token_limits=f"free={tokens}") as client:  # the file spends it all
        anna = await signed_up(client)
        auth = {"Authorization": anna["auth"]}
        org = await my_organization(client, anna["auth"])
        before = await (await client.get(f"/api/v1/organizations/{org}/usage", headers=auth)).json()
        month = datetime.now(UTC).strftime("%Y-%m")
        assert (before["month"], before["total_tokens"], before["limit"], before["remaining"]) == (
            month,
            0,
            tokens,
            tokens,
        )
        deck = await presentation(client, anna["auth"])
        await add_source(client, auth, deck["id"], upload(SAMPLES / "field-notes.md"))
        after = await (await client.get(f"/api/v1/organizations/{org}/usage", headers=auth)).json()
        assert after["embedding_tokens"] == tokens
        assert (after["remaining"], [h["month"] for h in after["history"]]) == (0, [month])

        refused = await client.post(f"/api/v1/presentations/{deck['id']}/generate/outline", headers=auth)
        body = await refused.json()
        assert (refused.status, body["error"]) == (429, "token_limit_exceeded")
        assert body["retry_after"] == int(refused.headers["Retry-After"]) > 0
        unchanged = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json()
        assert unchanged["status"] == "draft"
        past = await (await client.get(f"/api/v1/organizations/{org}/usage?month=2020-01", headers=auth)).json()
        assert past["total_tokens"] == 0
        bad = await client.get(f"/api/v1/organizations/{org}/usage?month=2020-13", headers=auth)
        assert bad.status == 422


async def test_a_file_with_more_tokens_than_are_left_is_refused_and_spends_nothing(tmp_path: Path) -> None:
    tokens = tokens_of((SAMPLES / "field-notes.md").read_bytes())
    async with service(tmp_path, plan_token_limits=f"free={tokens - 1}") as client:
        anna = await signed_up(client)
        auth = {"Authorization": anna["auth"]}
        org = await my_organization(client, anna["auth"])
        deck = await presentation(client, anna["auth"])
        source = await add_source(client, auth, deck["id"], upload(SAMPLES / "field-notes.md"))
        assert (source["ingestion_status"], source["error_code"]) == ("failed", "token_limit_exceeded")
        after = await (await client.get(f"/api/v1/organizations/{org}/usage", headers=auth)).json()
        assert (after["embedding_tokens"], after["remaining"]) == (0, tokens - 1)


async def test_an_upload_past_the_plans_storage_is_refused_with_413_and_the_figures_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    async with service(tmp_path, plan_storage_limits="free=1000") as client:
        anna = await signed_up(client)
        auth = {"Authorization": anna["auth"]}
        org = await my_organization(client, anna["auth"])
        deck = await presentation(client, anna["auth"])
        first = await add_source(client, auth, deck["id"], upload(name="a.md", data=b"# Trees\n\n" + b"Oak. " * 120))
        assert first["size_bytes"] == 609
        refused = await client.post(
            "/api/v1/files/upload", data=upload(name="b.md", data=b"# Birds\n\n" + b"Owl. " * 80), headers=auth
        )
        body = await refused.json()
        assert (refused.status, body["error"]) == (413, "file_too_large")
        assert (body["limit"], body["stored"], body["size"]) == (1000, 609, 409)
        usage = await (await client.get(f"/api/v1/organizations/{org}/usage", headers=auth)).json()
        assert (usage["stored_bytes"], usage["storage_limit_bytes"]) == (609, 1000)
        sources = await (await client.get(f"/api/v1/presentations/{deck['id']}/sources", headers=auth)).json()
        assert [s["id"] for s in sources["data"]] == [first["id"]]
        fits = await client.post("/api/v1/files/upload", data=upload(name="c.md", data=b"# Fits\n\nYes."), headers=auth)
        assert fits.status == 202
