"""Share links over HTTP: made by editors, opened by anyone with the link, counted in the analytics,
410 ``gone`` once revoked or expired, out of reach of other tenants, viewers and keys without the scope."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymongo
import redis
from aiohttp.test_utils import TestClient, TestServer

from presentai.adapters.analytics.sinks import COLLECTION, MongoViewAnalytics
from presentai.adapters.limits.limiters import InProcessRateLimiter
from presentai.config import Settings
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import CONTAINER, LIMITER
from tests.conftest import MongoServer
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_exports import ready_deck
from tests.e2e.test_api_keys import new_key
from tests.e2e.test_api_members import organization
from tests.e2e.test_api_presentations import presentation
from tests.waiting import until

REDIS_URL = "redis://127.0.0.1:6379/15"
FIREFOX = {"User-Agent": "Mozilla/5.0 Firefox/140.0"}


async def a_deck(client: TestClient, auth: str, slides: int = 2) -> dict[str, Any]:
    """A presentation with ``slides`` hand-written slides; the first has speaker notes."""
    deck = await presentation(client, auth, slides=slides)
    headers = {"Authorization": auth}
    for n in range(1, slides + 1):
        added = await client.post(
            f"/api/v1/presentations/{deck['id']}/slides",
            json={"title": f"Slide {n}", "bullets": [{"text": f"Point {n}"}]},
            headers=headers,
        )
        assert added.status == 201, await added.text()
        if n == 1:
            slide_id = (await added.json())["id"]
            await client.patch(f"/api/v1/slides/{slide_id}", json={"notes": "for the speaker only"}, headers=headers)
    return deck


async def share(client: TestClient, headers: dict[str, str], deck_id: str, **body: Any) -> dict[str, Any]:
    made = await client.post(f"/api/v1/presentations/{deck_id}/shares", json=body, headers=headers)
    assert made.status == 201, await made.text()
    return await made.json()  # type: ignore[no-any-return]


async def analytics(client: TestClient, auth: str, deck_id: str, query: str = "") -> dict[str, Any]:
    answer = await client.get(f"/api/v1/presentations/{deck_id}/analytics{query}", headers={"Authorization": auth})
    assert answer.status == 200, await answer.text()
    return await answer.json()  # type: ignore[no-any-return]


async def test_a_shared_deck_opens_without_signing_in_and_its_view_shows_in_the_analytics(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await a_deck(client, anna["auth"])
    link = await share(client, {"Authorization": anna["auth"]}, deck["id"])
    assert len(base64.urlsafe_b64decode(link["token"] + "=")) * 8 >= 128
    assert link["url"] == f"http://localhost:8080/share/{link['token']}"
    assert (link["status"], link["show_attributions"], link["expires_at"]) == ("active", False, None)

    opened = await client.get(f"/api/v1/share/{link['token']}?referrer=https://mail.example.com/", headers=FIREFOX)
    assert opened.status == 200
    assert opened.headers["Cache-Control"] == "private, no-store"
    body = await opened.json()
    assert (body["title"], [s["title"] for s in body["slides"]]) == ("Grid 2025", ["Slide 1", "Slide 2"])
    assert [s["bullets"][0]["text"] for s in body["slides"]] == ["Point 1", "Point 2"]
    assert "for the speaker only" not in await opened.text()
    assert "notes" not in body["slides"][0]
    assert "attributions" not in body["slides"][0]["bullets"][0]
    assert "sources" not in body
    assert (await analytics(client, anna["auth"], deck["id"]))["views"] == 1  # the opening is a view

    report = {"view_token": body["view"]["token"], "slides_seen": [1, 2], "seconds_per_slide": [12.5, 7.5]}
    reported = await client.post(body["view"]["report_url"], json=report, headers=FIREFOX)
    assert reported.status == 204
    summary = await analytics(client, anna["auth"], deck["id"])
    assert (summary["views"], summary["unique_viewers"], summary["completion_rate"]) == (1, 1, 1.0)
    assert summary["average_seconds_per_slide"] == 10.0
    assert [(s["number"], s["views"]) for s in summary["slides"]] == [(1, 1), (2, 1)]

    unfurled = await client.get(f"/api/v1/share/{link['token']}", headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
    assert (unfurled.status, (await unfurled.json())["view"]) == (200, None)  # a chat app's preview is no view
    assert (await client.head(f"/api/v1/share/{link['token']}", headers=FIREFOX)).status == 200  # nor a link check
    again = await (await client.get(f"/api/v1/share/{link['token']}", headers=FIREFOX)).json()
    await client.post(again["view"]["report_url"], json={"view_token": again["view"]["token"], "slides_seen": [1]})
    summary = await analytics(client, anna["auth"], deck["id"], f"?share_id={link['id']}")
    assert (summary["views"], summary["unique_viewers"], summary["completion_rate"]) == (2, 1, 0.5)

    listed = await (
        await client.get(f"/api/v1/presentations/{deck['id']}/shares", headers={"Authorization": anna["auth"]})
    ).json()
    assert [s["id"] for s in listed["data"]] == [link["id"]]
    assert "token" not in listed["data"][0]
    assert link["token"] not in str(listed)
    journal = await (
        await client.get(
            f"/api/v1/organizations/{deck['organization_id']}/audit-logs?action=share.create",
            headers={"Authorization": anna["auth"]},
        )
    ).json()
    assert [(e["target_type"], e["target_id"]) for e in journal["data"]] == [("share_link", link["id"])]


async def test_attributions_are_shown_only_when_the_link_allows(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await ready_deck(client, anna["auth"], slides=2)
    headers = {"Authorization": anna["auth"]}
    plain = await share(client, headers, deck["id"])
    quoted = await share(client, headers, deck["id"], show_attributions=True)
    hidden = await (await client.get(f"/api/v1/share/{plain['token']}")).json()
    shown = await (await client.get(f"/api/v1/share/{quoted['token']}")).json()
    assert [s["title"] for s in hidden["slides"]] == [s["title"] for s in deck["slides"]]
    assert all("attributions" not in b for s in hidden["slides"] for b in s["bullets"])
    quotes = [a["quote"] for s in shown["slides"] for b in s["bullets"] for a in b["attributions"]]
    assert quotes
    assert all(quote not in str(hidden) for quote in quotes)
    quoted_ids = {a["source_document_id"] for s in shown["slides"] for b in s["bullets"] for a in b["attributions"]}
    assert [(s["id"], s["name"]) for s in shown["sources"]] == [
        (quoted_ids.pop(), "BrightMeter Field Notes: Fellside and Harrow Vale Visit")  # the document's own title
    ]


async def test_a_revoked_or_expired_link_answers_410_gone(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await a_deck(client, anna["auth"], slides=1)
    headers = {"Authorization": anna["auth"]}
    revoked = await share(client, headers, deck["id"])
    view = await (await client.get(f"/api/v1/share/{revoked['token']}")).json()
    gone = await client.delete(f"/api/v1/presentations/{deck['id']}/shares/{revoked['id']}", headers=headers)
    assert gone.status == 204
    for answer in (
        await client.get(f"/api/v1/share/{revoked['token']}"),
        await client.post(view["view"]["report_url"], json={"view_token": view["view"]["token"]}),
    ):
        assert (answer.status, (await answer.json())["error"]) == (410, "gone")
    assert (
        await client.delete(f"/api/v1/presentations/{deck['id']}/shares/{revoked['id']}", headers=headers)
    ).status == 204  # revoking again changes nothing

    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    expiring = await share(client, headers, deck["id"], expires_at=soon)
    assert expiring["expires_at"] == soon
    assert (await client.get(f"/api/v1/share/{expiring['token']}")).status == 200
    shares = client.server.app[CONTAINER].shares()
    stored = await shares.get(deck["organization_id"], expiring["id"])
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)  # the hour has passed
    await shares.save(stored)
    expired = await client.get(f"/api/v1/share/{expiring['token']}")
    assert (expired.status, (await expired.json())["error"]) == (410, "gone")
    listed = await (await client.get(f"/api/v1/presentations/{deck['id']}/shares", headers=headers)).json()
    assert {s["id"]: s["status"] for s in listed["data"]} == {revoked["id"]: "revoked", expiring["id"]: "expired"}

    past = await client.post(
        f"/api/v1/presentations/{deck['id']}/shares", json={"expires_at": "2020-01-01T00:00:00Z"}, headers=headers
    )
    assert (past.status, (await past.json())["fields"]) == (422, {"expires_at": "in the past"})
    unknown = await client.get("/api/v1/share/not-a-token-we-gave")
    assert (unknown.status, (await unknown.json())["error"]) == (404, "not_found")
    fresh = await share(client, headers, deck["id"])
    assert (await client.delete(f"/api/v1/presentations/{deck['id']}", headers=headers)).status == 204
    deleted = await client.get(f"/api/v1/share/{fresh['token']}")
    assert (deleted.status, (await deleted.json())["error"]) == (410, "gone")  # its deck was deleted


async def test_another_tenant_gets_404_for_the_links_and_the_analytics(client: TestClient) -> None:
    anna, mallory = await signed_up(client), await signed_up(client)
    deck = await a_deck(client, anna["auth"], slides=1)
    link = await share(client, {"Authorization": anna["auth"]}, deck["id"])
    theirs = {"Authorization": mallory["auth"]}
    base = f"/api/v1/presentations/{deck['id']}"
    for answer in (
        await client.post(f"{base}/shares", json={}, headers=theirs),
        await client.get(f"{base}/shares", headers=theirs),
        await client.delete(f"{base}/shares/{link['id']}", headers=theirs),
        await client.get(f"{base}/analytics", headers=theirs),
    ):
        assert (answer.status, (await answer.json())["error"]) == (404, "not_found")
    own = await a_deck(client, mallory["auth"], slides=1)
    crossed = await client.delete(f"/api/v1/presentations/{own['id']}/shares/{link['id']}", headers=theirs)
    assert crossed.status == 404
    assert (await client.get(f"/api/v1/share/{link['token']}")).status == 200  # still open


async def test_a_viewer_reads_links_and_analytics_but_cannot_make_or_revoke_links(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    email = "vera-shares@example.com"
    await client.post(
        f"/api/v1/organizations/{org}/members/invite",
        json={"email": email, "role": "viewer"},
        headers={"Authorization": owner["auth"]},
    )
    vera = await signed_up(client, email)
    waiting = await (await client.get("/api/v1/invitations", headers={"Authorization": vera["auth"]})).json()
    await client.post(f"/api/v1/invitations/{waiting['data'][0]['id']}/accept", headers={"Authorization": vera["auth"]})
    made = await client.post(
        "/api/v1/presentations",
        json={"organization_id": org, "title": "Plan"},
        headers={"Authorization": owner["auth"]},
    )
    deck_id = (await made.json())["id"]
    link = await share(client, {"Authorization": owner["auth"]}, deck_id)
    hers = {"Authorization": vera["auth"]}
    for answer in (
        await client.post(f"/api/v1/presentations/{deck_id}/shares", json={}, headers=hers),
        await client.delete(f"/api/v1/presentations/{deck_id}/shares/{link['id']}", headers=hers),
    ):
        body = await answer.json()
        assert (answer.status, body["error"], body["required"], body["current"]) == (
            403, "insufficient_role", "editor", "viewer",
        )  # fmt: skip
    assert (await client.get(f"/api/v1/presentations/{deck_id}/shares", headers=hers)).status == 200
    assert (await analytics(client, vera["auth"], deck_id))["views"] == 0


async def test_api_keys_need_shares_write_to_make_links_and_analytics_read_for_the_numbers(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await a_deck(client, anna["auth"], slides=1)
    reader = {"X-API-Key": (await new_key(client, anna["auth"], ["presentations:read"]))["key"]}
    sharer = {"X-API-Key": (await new_key(client, anna["auth"], ["shares:write"]))["key"]}
    counter = {"X-API-Key": (await new_key(client, anna["auth"], ["analytics:read"]))["key"]}
    base = f"/api/v1/presentations/{deck['id']}"
    refused = await client.post(f"{base}/shares", json={}, headers=reader)
    body = await refused.json()
    assert (refused.status, body["error"], body["required"]) == (403, "insufficient_scope", "shares:write")
    link = await share(client, sharer, deck["id"])
    assert (await client.delete(f"{base}/shares/{link['id']}", headers=reader)).status == 403
    numbers = await client.get(f"{base}/analytics", headers=reader)
    assert ((await numbers.json())["error"], (await numbers.json())["required"]) == (
        "insufficient_scope", "analytics:read",
    )  # fmt: skip
    assert (await client.get(f"{base}/analytics", headers=counter)).status == 200
    assert (await client.get(f"{base}/shares", headers=reader)).status == 200


async def test_view_reports_are_bounded_checked_and_signed(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await a_deck(client, anna["auth"], slides=2)
    link = await share(client, {"Authorization": anna["auth"]}, deck["id"])
    view = (await (await client.get(f"/api/v1/share/{link['token']}")).json())["view"]
    url, token = view["report_url"], view["token"]
    huge = await client.post(url, json={"view_token": token, "slides_seen": [1] * 20_000})
    assert (huge.status, (await huge.json())["error"]) == (413, "file_too_large")
    outside = await client.post(url, json={"view_token": token, "slides_seen": [3]})
    assert (outside.status, (await outside.json())["fields"]) == (422, {"slides_seen": "slide numbers run from 1 to 2"})
    forged = await client.post(url, json={"view_token": token.split(".")[0] + ".0000", "slides_seen": [1]})
    assert forged.status == 404
    malformed = await client.post(url, json={"view_token": token, "seconds_per_slide": "a lot"})
    assert malformed.status == 400
    assert (await analytics(client, anna["auth"], deck["id"]))["slides"] == []  # none of those counted


@asynccontextmanager
async def limited(tmp_path: Path, per_minute: int) -> AsyncIterator[TestClient]:
    """The API with a rate limiter whose clock stands still (all requests fall in one window)."""
    app = create_app(Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40, rate_limit_per_minute=per_minute))
    app[LIMITER] = InProcessRateLimiter(clock=lambda: 1_000_000.0)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_anonymous_opens_and_reports_are_rate_limited_per_address(tmp_path: Path) -> None:
    async with limited(tmp_path, per_minute=30) as client:
        anna = await signed_up(client)
        deck = await a_deck(client, anna["auth"], slides=1)
        link = await share(client, {"Authorization": anna["auth"]}, deck["id"])
        statuses = [(await client.get(f"/api/v1/share/{link['token']}")).status for _ in range(31)]
        report = await client.post(f"/api/v1/share/{link['token']}/views", json={"view_token": "x"})
        assert statuses == [200] * 30 + [429]
        assert (report.status, (await report.json())["error"]) == (429, "rate_limit_exceeded")


async def test_views_while_mongodb_is_down_wait_in_redis_and_all_reach_it(tmp_path: Path) -> None:
    mongo = MongoServer(tmp_path / "mongo", in_memory=True)
    mongo.start()
    database = f"shares{tmp_path.name[-8:]}"
    settings = Settings(
        workspace=tmp_path / "ws", jwt_secret="s" * 40, mongo_url=mongo.url, mongo_database=database,
        redis_url=REDIS_URL,
    )  # fmt: skip
    plain = redis.Redis.from_url(REDIS_URL)
    try:
        async with TestClient(TestServer(create_app(settings))) as client:
            sink = client.server.app[CONTAINER].view_analytics()
            assert isinstance(sink, MongoViewAnalytics)
            plain.delete(sink.buffer_key)
            anna = await signed_up(client)
            deck = await a_deck(client, anna["auth"], slides=1)
            link = await share(client, {"Authorization": anna["auth"]}, deck["id"])
            mongo.kill()  # MongoDB goes away
            for agent in ("Firefox", "Chrome"):
                opened = await client.get(f"/api/v1/share/{link['token']}", headers={"User-Agent": agent})
                assert opened.status == 200  # a view never waits for MongoDB to come back
                view = (await opened.json())["view"]
                report = {"view_token": view["token"], "slides_seen": [1], "seconds_per_slide": [4]}
                assert (await client.post(view["report_url"], json=report)).status == 204
            assert plain.llen(sink.buffer_key) == 4
            down = await client.get(
                f"/api/v1/presentations/{deck['id']}/analytics", headers={"Authorization": anna["auth"]}
            )
            assert (down.status, (await down.json())["error"]) == (503, "service_unavailable")
            mongo.start()  # back (empty): what reaches it now is the buffer

            async def counted() -> bool:
                answer = await client.get(
                    f"/api/v1/presentations/{deck['id']}/analytics", headers={"Authorization": anna["auth"]}
                )
                return answer.status == 200 and (await answer.json())["views"] == 2

            await until(counted, "the analytics counting the views kept while MongoDB was down")
            summary = await analytics(client, anna["auth"], deck["id"])
            assert (summary["unique_viewers"], summary["completion_rate"]) == (2, 1.0)
            await sink.flush()  # what the next view does once the outage window has passed
            assert plain.llen(sink.buffer_key) == 0
            stored: Any = pymongo.MongoClient(mongo.url)
            assert stored[database][COLLECTION].count_documents({"share_id": link["id"]}) == 4  # each once
            stored.close()
            assert (await analytics(client, anna["auth"], deck["id"]))["views"] == 2
            await sink.close()
    finally:
        plain.close()
        mongo.stop()
