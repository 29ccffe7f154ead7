"""The WebSocket: a job's events replayed and live, resumed after the last id, never another tenant's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import aiohttp
import redis
from aiohttp.test_utils import TestClient

from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_files import service
from tests.e2e.test_api_presentations import add_source, generate, presentation, upload
from tests.waiting import DEADLINE_S

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def outlined_deck(client: TestClient, auth: str, slides: int = 4) -> dict[str, Any]:
    headers = {"Authorization": auth}
    deck = await presentation(client, auth, slides=slides)
    await add_source(client, headers, deck["id"], upload(SAMPLES / "annual-report-2025.pdf"))
    return await generate(client, headers, deck["id"], "outline")


async def start_slides(client: TestClient, auth: str, deck_id: str) -> str:
    response = await client.post(f"/api/v1/presentations/{deck_id}/generate/slides", headers={"Authorization": auth})
    assert response.status == 202
    return str((await response.json())["job_id"])


async def events_until(socket: aiohttp.ClientWebSocketResponse, last: str, limit: int = 100) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    while len(received) < limit:
        message = await socket.receive_json(timeout=DEADLINE_S)
        if message["type"] in ("subscribed", "authenticated"):
            continue
        received.append(message)
        if message["type"] == last:
            break
    return received


async def test_a_subscriber_gets_every_slide_then_the_end_each_with_an_id(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await outlined_deck(client, anna["auth"])
    job_id = await start_slides(client, anna["auth"], deck["id"])
    token = anna["auth"].removeprefix("Bearer ")
    async with client.ws_connect(f"/ws?token={token}") as socket:
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        events = await events_until(socket, "generation_done")
        await socket.send_json({"type": "ping"})
        assert (await socket.receive_json(timeout=DEADLINE_S)) == {"type": "pong"}
    slides = [e for e in events if e["type"] == "slide_completed"]
    assert [e["type"] for e in events][-1] == "generation_done"
    assert sorted(e["slide_number"] for e in slides) == [1, 2, 3, 4]
    assert [e["progress_pct"] for e in slides] == sorted(e["progress_pct"] for e in slides)
    assert slides[-1]["progress_pct"] == 100
    assert all(e["job_id"] == job_id and e["id"] and e["timestamp"] > 0 for e in slides)
    assert len({e["id"] for e in events}) == len(events)
    done = events[-1]
    assert (done["presentation_id"], done["total_slides"]) == (deck["id"], 4)
    stored = await (
        await client.get(f"/api/v1/presentations/{deck['id']}", headers={"Authorization": anna["auth"]})
    ).json()
    assert {e["slide_id"] for e in slides} == {s["id"] for s in stored["slides"]}


async def test_a_client_that_reconnects_with_its_last_id_gets_the_rest_exactly_once(client: TestClient) -> None:
    anna = await signed_up(client)
    deck = await outlined_deck(client, anna["auth"], slides=5)
    job_id = await start_slides(client, anna["auth"], deck["id"])
    async with client.ws_connect("/ws") as socket:  # authenticated by a first message this time
        await socket.send_json({"type": "auth", "token": anna["access_token"]})
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        first_two = await events_until(socket, "generation_done", limit=2)
    async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
        await socket.send_json({"type": "subscribe", "job_id": job_id, "last_event_id": first_two[-1]["id"]})
        rest = await events_until(socket, "generation_done")
    async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        everything = await events_until(socket, "generation_done")
    assert [e["id"] for e in first_two + rest] == [e["id"] for e in everything]
    assert everything[-1]["type"] == "generation_done"


async def test_another_organizations_job_cannot_be_watched(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    deck = await outlined_deck(client, anna["auth"], slides=2)
    job_id = await start_slides(client, anna["auth"], deck["id"])
    async with client.ws_connect(f"/ws?token={boris['access_token']}") as socket:
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        answers = [await socket.receive_json(timeout=DEADLINE_S) for _ in range(2)]
        await socket.send_json({"type": "subscribe", "job_id": "no-such-job"})
        unknown = await socket.receive_json(timeout=DEADLINE_S)
    assert answers[0]["type"] == "authenticated"
    assert (answers[1]["type"], answers[1]["error"], answers[1]["job_id"]) == ("error", "not_found", job_id)
    assert (unknown["error"], unknown["job_id"]) == ("not_found", "no-such-job")  # the same answer: nothing leaks


async def test_bad_tokens_and_bad_messages_get_clear_answers(client: TestClient) -> None:
    anna = await signed_up(client)
    async with client.ws_connect("/ws?token=not-a-token") as socket:
        refused = await socket.receive_json(timeout=DEADLINE_S)
        closing = await socket.receive(timeout=DEADLINE_S)
    assert (refused["type"], refused["error"]) == ("error", "unauthorized")
    assert closing.type is aiohttp.WSMsgType.CLOSE
    assert socket.close_code == 4401
    async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
        await socket.receive_json(timeout=DEADLINE_S)
        for bad in ("not json", "[1, 2]", '{"type": "dance"}', '{"type": "subscribe"}'):
            await socket.send_str(bad)
            answer = await socket.receive_json(timeout=DEADLINE_S)
            assert (answer["type"], answer["error"]) == ("error", "bad_request"), bad
        await socket.send_json({"type": "subscribe", "job_id": "x", "last_event_id": 5})
        assert (await socket.receive_json(timeout=DEADLINE_S))["error"] == "bad_request"


async def test_a_silent_connection_is_closed(tmp_path: Path) -> None:
    async with service(tmp_path, ws_idle_timeout_s=1) as client:
        anna = await signed_up(client)
        async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
            await socket.receive_json(timeout=DEADLINE_S)
            closing = await socket.receive(timeout=DEADLINE_S)
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert socket.close_code == 4408


async def test_events_go_through_redis_streams_when_redis_is_configured(tmp_path: Path) -> None:
    async with service(tmp_path, redis_url=REDIS_URL) as client:
        anna = await signed_up(client)
        deck = await outlined_deck(client, anna["auth"], slides=3)
        job_id = await start_slides(client, anna["auth"], deck["id"])
        async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
            await socket.send_json({"type": "subscribe", "job_id": job_id})
            first = await events_until(socket, "generation_done", limit=1)
        async with client.ws_connect(f"/ws?token={anna['access_token']}") as socket:
            await socket.send_json({"type": "subscribe", "job_id": job_id, "last_event_id": first[0]["id"]})
            rest = await events_until(socket, "generation_done")
    with redis.Redis.from_url(REDIS_URL, decode_responses=True) as plain:
        stored = plain.xrange(f"gen_progress:{job_id}")
        assert [i for i, _ in stored] == [e["id"] for e in first + rest]  # the spec's stream, read as is
        assert plain.hget(f"job:{job_id}", "organization_id") == deck["organization_id"]
