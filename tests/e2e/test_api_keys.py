"""API keys over HTTP: shown once, stored hashed, scoped, pinned to their organization, rotated and revoked."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from presentai.config import Settings
from presentai.entrypoints.http.app import create_app
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


async def new_key(client: TestClient, auth: str, scopes: list[str]) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        "/api/v1/api-keys", json={"name": "CI", "scopes": scopes}, headers={"Authorization": auth}
    )
    assert response.status == 201
    return await response.json()  # type: ignore[no-any-return]


async def test_a_key_is_shown_once_and_listed_without_its_secret(client: TestClient) -> None:
    anna = await signed_up(client)
    key = await new_key(client, anna["auth"], ["presentations:read"])
    assert key["key"].startswith(key["prefix"] + "_")
    listed = await (await client.get("/api/v1/api-keys", headers={"Authorization": anna["auth"]})).json()
    assert [k["id"] for k in listed["data"]] == [key["id"]]
    assert "key" not in listed["data"][0]
    assert key["key"] not in str(listed)


async def test_a_key_does_what_its_scopes_allow_and_no_more(client: TestClient) -> None:
    anna = await signed_up(client)
    reader = {"X-API-Key": (await new_key(client, anna["auth"], ["presentations:read"]))["key"]}
    writer = {"X-API-Key": (await new_key(client, anna["auth"], ["presentations:write"]))["key"]}
    created = await client.post("/api/v1/presentations", json={"title": "Via key"}, headers=writer)
    assert created.status == 201
    deck = await created.json()
    assert (await client.get(f"/api/v1/presentations/{deck['id']}", headers=reader)).status == 200
    refused = await client.post("/api/v1/presentations", json={"title": "Nope"}, headers=reader)
    body = await refused.json()
    assert (refused.status, body["error"], body["required"]) == (403, "insufficient_scope", "presentations:write")
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO((SAMPLES / "field-notes.md").read_bytes()), filename="notes.md")
    upload = await client.post(f"/api/v1/presentations/{deck['id']}/sources", data=form, headers=writer)
    assert (await upload.json())["required"] == "sources:write"
    assert (
        await client.post("/api/v1/api-keys", json={"name": "x", "scopes": ["audit:read"]}, headers=writer)
    ).status == 403


async def test_rotating_stops_the_old_secret_and_revoking_stops_the_key(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    key = await new_key(client, anna["auth"], ["presentations:read"])
    rotated = await (await client.post(f"/api/v1/api-keys/{key['id']}/rotate", headers=auth)).json()
    old = await client.get("/api/v1/presentations", headers={"X-API-Key": key["key"]})
    assert (old.status, (await old.json())["error"]) == (401, "unauthorized")
    assert (await client.get("/api/v1/presentations", headers={"X-API-Key": rotated["key"]})).status == 200
    assert (await client.delete(f"/api/v1/api-keys/{key['id']}", headers=auth)).status == 204
    assert (await client.get("/api/v1/presentations", headers={"X-API-Key": rotated["key"]})).status == 401


async def test_keys_are_pinned_to_their_organization_and_need_an_admin(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    anna_key = {
        "X-API-Key": (await new_key(client, anna["auth"], ["presentations:read", "presentations:write"]))["key"]
    }
    boris_deck = await (
        await client.post("/api/v1/presentations", json={"title": "Boris"}, headers={"Authorization": boris["auth"]})
    ).json()
    assert (await client.get(f"/api/v1/presentations/{boris_deck['id']}", headers=anna_key)).status == 404
    for bad in ("pai_nothing_here", "garbage", ""):
        response = await client.get("/api/v1/presentations", headers={"X-API-Key": bad} if bad else {})
        assert response.status == 401
    unknown_scope = await client.post(
        "/api/v1/api-keys", json={"name": "x", "scopes": ["everything"]}, headers={"Authorization": anna["auth"]}
    )
    assert (unknown_scope.status, (await unknown_scope.json())["error"]) == (422, "validation_error")


async def test_a_key_cannot_read_members_or_its_creators_profile(client: TestClient) -> None:
    anna = await signed_up(client)
    key = {"X-API-Key": (await new_key(client, anna["auth"], ["exports:write"]))["key"]}
    org = (await (await client.get("/api/v1/users/me", headers={"Authorization": anna["auth"]})).json())[
        "organizations"
    ][0]["id"]
    for path in (f"/api/v1/organizations/{org}/members", "/api/v1/users/me", f"/api/v1/organizations/{org}"):
        response = await client.get(path, headers=key)
        body = await response.json()
        assert (response.status, body["error"]) == (403, "insufficient_scope"), path
