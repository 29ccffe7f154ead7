"""Projects over HTTP: create, list, archive, file presentations in them, delete only an empty one."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.e2e.test_api import signed_up


async def test_a_project_holds_presentations_and_is_deleted_only_when_empty(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    project = await (await client.post("/api/v1/projects", json={"name": "Board pack"}, headers=auth)).json()
    deck = await (
        await client.post("/api/v1/presentations", json={"title": "Q4", "project_id": project["id"]}, headers=auth)
    ).json()
    assert deck["project_id"] == project["id"]
    await client.post("/api/v1/presentations", json={"title": "Loose"}, headers=auth)
    filed = await (await client.get(f"/api/v1/presentations?project_id={project['id']}", headers=auth)).json()
    assert [p["title"] for p in filed["data"]] == ["Q4"]

    busy = await client.delete(f"/api/v1/projects/{project['id']}", headers=auth)
    assert (busy.status, (await busy.json())["error"]) == (409, "conflict")
    archived = await (
        await client.patch(f"/api/v1/projects/{project['id']}", json={"archived": True}, headers=auth)
    ).json()
    assert archived["archived"] is True
    assert (await (await client.get("/api/v1/projects", headers=auth)).json())["data"] == []
    assert len((await (await client.get("/api/v1/projects?archived=true", headers=auth)).json())["data"]) == 1

    assert (
        await client.get(f"/api/v1/projects/{project['id']}", headers={"Authorization": boris["auth"]})
    ).status == 404
    foreign = await client.post(
        "/api/v1/presentations",
        json={"title": "Sneaky", "project_id": project["id"]},
        headers={"Authorization": boris["auth"]},
    )
    assert foreign.status == 404
    await client.delete(f"/api/v1/presentations/{deck['id']}", headers=auth)
    assert (await client.delete(f"/api/v1/projects/{project['id']}", headers=auth)).status == 204
    nameless = await client.post("/api/v1/projects", json={"name": "  "}, headers=auth)
    assert (nameless.status, (await nameless.json())["error"]) == (422, "validation_error")
