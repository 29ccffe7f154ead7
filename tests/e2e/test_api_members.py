"""Members over HTTP: invitations, roles that decide what each member may do, and the last owner."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from presentai.domain.ids import new_id
from tests.e2e.test_api import signed_up


async def organization(client: TestClient, owner: dict[str, str]) -> str:
    response = await client.post(
        "/api/v1/organizations",
        json={"name": "Team", "slug": f"t-{new_id()[-12:]}"},
        headers={"Authorization": owner["auth"]},
    )
    return str((await response.json())["id"])


async def test_an_invited_viewer_reads_but_cannot_write_and_gets_the_spec_body(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    email = f"vera-{new_id()}@example.com"
    invited = await client.post(
        f"/api/v1/organizations/{org}/members/invite",
        json={"email": email, "role": "viewer"},
        headers={"Authorization": owner["auth"]},
    )
    assert (await invited.json())["status"] == "invited"
    vera = await signed_up(client, email)
    waiting = await (await client.get("/api/v1/invitations", headers={"Authorization": vera["auth"]})).json()
    assert [i["organization_id"] for i in waiting["data"]] == [org]
    accept = f"/api/v1/invitations/{waiting['data'][0]['id']}/accept"
    joined = await client.post(accept, headers={"Authorization": vera["auth"]})
    assert (await joined.json())["role"] == "viewer"
    deck = await client.post(
        "/api/v1/presentations",
        json={"organization_id": org, "title": "Plan"},
        headers={"Authorization": owner["auth"]},
    )
    deck_id = (await deck.json())["id"]
    assert (await client.get(f"/api/v1/presentations/{deck_id}", headers={"Authorization": vera["auth"]})).status == 200
    refused = await client.post(
        f"/api/v1/presentations/{deck_id}/generate/outline", headers={"Authorization": vera["auth"]}
    )
    body = await refused.json()
    assert refused.status == 403
    assert (body["error"], body["required"], body["current"]) == ("insufficient_role", "editor", "viewer")
    assert body["message"] == "This action requires editor role or higher"


async def test_roles_change_and_the_last_owner_is_kept(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    admin = await signed_up(client)
    auth = {"Authorization": owner["auth"]}
    added = await (
        await client.post(
            f"/api/v1/organizations/{org}/members/invite", json={"email": admin["email"], "role": "admin"}, headers=auth
        )
    ).json()
    assert added["status"] == "invited"  # an existing account joins only by accepting
    accepted = await client.post(f"/api/v1/invitations/{added['id']}/accept", headers={"Authorization": admin["auth"]})
    added = await accepted.json()
    assert added["role"] == "admin"
    members = await (await client.get(f"/api/v1/organizations/{org}/members", headers=auth)).json()
    owner_id = next(m["user_id"] for m in members["data"] if m["role"] == "owner")
    demote_owner = await client.patch(
        f"/api/v1/organizations/{org}/members/{owner_id}",
        json={"role": "admin"},
        headers={"Authorization": admin["auth"]},
    )
    assert (demote_owner.status, (await demote_owner.json())["error"]) == (403, "insufficient_role")
    last = await client.delete(f"/api/v1/organizations/{org}/members/{owner_id}", headers=auth)
    assert (last.status, (await last.json())["error"]) == (409, "conflict")
    promoted = await client.patch(
        f"/api/v1/organizations/{org}/members/{added['user_id']}", json={"role": "owner"}, headers=auth
    )
    assert (await promoted.json())["role"] == "owner"
    assert (await client.delete(f"/api/v1/organizations/{org}/members/{owner_id}", headers=auth)).status == 204
    gone = await client.get(f"/api/v1/organizations/{org}", headers=auth)
    assert gone.status == 404


async def test_members_of_another_organization_are_out_of_reach(client: TestClient) -> None:
    owner, stranger = await signed_up(client), await signed_up(client)
    org = await organization(client, owner)
    for method, path, body in [
        ("GET", f"/api/v1/organizations/{org}/members", None),
        ("POST", f"/api/v1/organizations/{org}/members/invite", {"email": "x@example.com"}),
        ("PATCH", f"/api/v1/organizations/{org}/members/{new_id()}", {"role": "admin"}),
        ("DELETE", f"/api/v1/organizations/{org}/members/{new_id()}", None),
    ]:
        response = await client.request(method, path, json=body, headers={"Authorization": stranger["auth"]})
        assert response.status == 404, (method, path)
    bad_role = await client.post(
        f"/api/v1/organizations/{org}/members/invite",
        json={"email": "x@example.com", "role": "god"},
        headers={"Authorization": owner["auth"]},
    )
    assert (bad_role.status, (await bad_role.json())["error"]) == (422, "validation_error")


async def test_nobody_is_pulled_into_an_organization_and_others_cannot_accept_for_them(client: TestClient) -> None:
    owner, victim, thief = await signed_up(client), await signed_up(client), await signed_up(client)
    org = await organization(client, owner)
    invited = await (
        await client.post(
            f"/api/v1/organizations/{org}/members/invite",
            json={"email": victim["email"], "role": "editor"},
            headers={"Authorization": owner["auth"]},
        )
    ).json()
    me = await (await client.get("/api/v1/users/me", headers={"Authorization": victim["auth"]})).json()
    assert org not in [o["id"] for o in me["organizations"]]
    stolen = await client.post(f"/api/v1/invitations/{invited['id']}/accept", headers={"Authorization": thief["auth"]})
    assert stolen.status == 404


async def test_an_invitation_is_accepted_only_from_a_confirmed_email_address(client: TestClient) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    email = f"ceo-{new_id()}@example.com"
    invited = await client.post(
        f"/api/v1/organizations/{org}/members/invite",
        json={"email": email, "role": "admin"},
        headers={"Authorization": owner["auth"]},
    )
    impostor = await signed_up(client, email, verify=False)  # anyone can type someone else's address
    accept = f"/api/v1/invitations/{(await invited.json())['id']}/accept"
    refused = await client.post(accept, headers={"Authorization": impostor["auth"]})
    body = await refused.json()
    assert (refused.status, body["fields"]) == (422, {"email": "unverified"})
    members = await (
        await client.get(f"/api/v1/organizations/{org}/members", headers={"Authorization": owner["auth"]})
    ).json()
    assert [m["user_id"] for m in members["data"]] == [owner["user"]["id"]]


async def test_inviting_a_lookalike_address_is_flagged_in_the_audit_log_and_a_bad_one_is_refused(
    client: TestClient,
) -> None:
    owner = await signed_up(client)
    org = await organization(client, owner)
    auth = {"Authorization": owner["auth"]}
    plain = await client.post(
        f"/api/v1/organizations/{org}/members/invite", json={"email": "anna@example.com"}, headers=auth
    )
    lookalike = await client.post(
        f"/api/v1/organizations/{org}/members/invite", json={"email": "\u0430nna@Example.com"}, headers=auth
    )
    bad = await client.post(
        f"/api/v1/organizations/{org}/members/invite", json={"email": "anna\u0007@example.com"}, headers=auth
    )
    assert (plain.status, lookalike.status) == (201, 201)
    assert (await lookalike.json())["email"] == "\u0430nna@example.com"
    assert (bad.status, (await bad.json())["fields"]) == (422, {"email": "invalid"})
    log = await (await client.get(f"/api/v1/organizations/{org}/audit-logs", headers=auth)).json()
    actions = [e["action"] for e in log["data"]]
    assert actions.count("member.invite") == 2
    assert actions.count("member.invite_confusable_email") == 1
