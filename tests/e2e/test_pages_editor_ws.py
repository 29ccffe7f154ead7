"""The editor's WebSocket: a page of this site follows jobs by its session cookie; another site's page cannot."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.e2e.test_pages_editor import JSON, client, deck_of, drain, outlined, signed_in
from tests.waiting import DEADLINE_S

__all__ = ["client"]


async def test_a_page_of_this_site_is_known_by_its_session_cookie_and_follows_its_job(client: TestClient) -> None:
    user_id, token = await signed_in(client, "ed@example.com")
    deck = await outlined(client, await deck_of(client, user_id, slides=2), token)
    answer = await client.post(f"/presentations/{deck.id}/generate/slides", data={"csrf_token": token}, headers=JSON)
    job_id = (await answer.json())["job_id"]
    origin = str(client.make_url("/")).rstrip("/")
    async with client.ws_connect("/ws", headers={"Origin": origin}) as socket:
        assert (await socket.receive_json(timeout=DEADLINE_S))["user_id"] == user_id
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "subscribed"
        await drain(client)
        seen = []
        while not seen or seen[-1] != "generation_done":
            seen.append((await socket.receive_json(timeout=DEADLINE_S))["type"])
        assert "slide_completed" in seen


async def test_another_sites_page_cannot_use_the_cookie(client: TestClient) -> None:
    await signed_in(client, "ed@example.com")
    async with client.ws_connect("/ws", headers={"Origin": "https://evil.example"}) as socket:
        await socket.send_json({"type": "ping"})  # not an auth message: the socket is refused
        message = await socket.receive_json(timeout=DEADLINE_S)
        assert message["error"] == "unauthorized"
    async with client.ws_connect("/ws") as socket:  # no Origin (not a browser page): the token ways only
        await socket.send_json({"type": "ping"})
        assert (await socket.receive_json(timeout=DEADLINE_S))["error"] == "unauthorized"
