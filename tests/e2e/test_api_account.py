"""The caller's account over HTTP: two-factor sign-in (TOTP) and erasure of the account (GDPR)."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from aiohttp.test_utils import TestClient

from presentai.entrypoints.http.keys import CONTAINER
from tests.conftest import SAMPLES
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_exports import export, link, stored_export
from tests.e2e.test_api_members import organization
from tests.e2e.test_api_presentations import add_source, generate, presentation, upload

PASSWORD = "correct horse battery"


async def login(client: TestClient, email: str) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status == 200, await response.text()
    return await response.json()  # type: ignore[no-any-return]


async def test_two_factor_sign_in_from_enrolment_to_recovery_codes(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    refused = await client.post("/api/v1/users/me/mfa", json={"password": "not the password"}, headers=auth)
    assert (refused.status, (await refused.json())["fields"]) == (422, {"password": "wrong"})
    started = await client.post("/api/v1/users/me/mfa", json={"password": PASSWORD}, headers=auth)
    enrolment = await started.json()
    assert started.status == 201
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/")
    assert enrolment["secret"] in enrolment["otpauth_uri"]
    totp = pyotp.TOTP(enrolment["secret"])
    assert "access_token" in await login(client, anna["email"])  # not on until confirmed

    wrong = await client.post("/api/v1/users/me/mfa/confirm", json={"code": "000000"}, headers=auth)
    assert (wrong.status, (await wrong.json())["error"]) == (422, "validation_error")
    confirmed = await (
        await client.post("/api/v1/users/me/mfa/confirm", json={"code": totp.now()}, headers=auth)
    ).json()
    assert confirmed["mfa_enabled"] is True
    assert len(confirmed["recovery_codes"]) == 10
    assert (await (await client.get("/api/v1/users/me", headers=auth)).json())["mfa_enabled"] is True

    challenge = await login(client, anna["email"])
    assert challenge["mfa_required"] is True
    assert "access_token" not in challenge
    as_access = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {challenge['mfa_token']}"})
    assert as_access.status == 401  # half a sign-in opens nothing
    next_code = totp.at(time.time() + 30)
    verified = await client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": next_code}
    )
    tokens = await verified.json()
    assert verified.status == 200
    assert (await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})).ok
    replayed = await client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": next_code}
    )
    assert (replayed.status, (await replayed.json())["error"]) == (401, "unauthorized")

    recovery = confirmed["recovery_codes"][0]
    by_recovery = await client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": recovery}
    )
    assert by_recovery.status == 200
    again = await client.post("/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": recovery})
    assert again.status == 401
    forged = await client.post("/api/v1/auth/mfa/verify", json={"mfa_token": tokens["access_token"], "code": "123456"})
    assert forged.status == 401  # an access token is not a challenge

    off = await client.post("/api/v1/users/me/mfa/disable", json={"password": PASSWORD}, headers=auth)
    assert off.status == 204
    assert "access_token" in await login(client, anna["email"])


async def test_guessing_codes_is_stopped_after_five_tries_a_minute(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    secret = (await (await client.post("/api/v1/users/me/mfa", json={"password": PASSWORD}, headers=auth)).json())[
        "secret"
    ]
    await client.post("/api/v1/users/me/mfa/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=auth)
    challenge = await login(client, anna["email"])
    statuses = []
    for guess in range(7):
        response = await client.post(
            "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": f"{guess:06d}"}
        )
        statuses.append(response.status)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    limited = await client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": challenge["mfa_token"], "code": pyotp.TOTP(secret).now()}
    )
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) > 0


async def test_erasing_an_account_deletes_its_own_workspace_only_when_confirmed(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"], slides=1)
    source = await add_source(client, auth, deck["id"], upload(SAMPLES / "field-notes.md"))
    await generate(client, auth, deck["id"], "outline")
    await generate(client, auth, deck["id"], "slides")
    exported = await export(client, anna["auth"], deck["id"], "pptx")
    container = client.server.app[CONTAINER]
    stored = await stored_export(client, exported)
    original = await container.sources().get(stored.organization_id, source["id"])
    wrong = await client.delete("/api/v1/users/me", json={"password": "not the password"}, headers=auth)
    assert wrong.status == 422
    unconfirmed = await client.delete("/api/v1/users/me", json={"password": PASSWORD}, headers=auth)
    body = await unconfirmed.json()
    assert (unconfirmed.status, body["fields"]) == (422, {"delete_sole_organizations": "required"})
    assert (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).status == 200  # nothing lost

    erased = await client.delete(
        "/api/v1/users/me", json={"password": PASSWORD, "delete_sole_organizations": True}, headers=auth
    )
    report = await erased.json()
    assert (erased.status, report["deleted"], len(report["organizations_deleted"])) == (200, True, 1)
    assert (await client.get(link(exported))).status == 404  # the export's link died with it
    assert not await container.store().exists(stored.storage_key)
    assert not await container.store().exists(original.storage_key)
    assert (await client.get("/api/v1/users/me", headers=auth)).status == 401  # every login ended
    gone = await client.post("/api/v1/auth/login", json={"email": anna["email"], "password": PASSWORD})
    assert gone.status == 401
    again = await signed_up(client, anna["email"])  # the address is free: nothing personal was kept
    assert (
        await client.get(f"/api/v1/presentations/{deck['id']}", headers={"Authorization": again["auth"]})
    ).status == 404


async def test_an_only_owner_hands_over_first_and_a_leaving_member_keeps_the_teams_record(client: TestClient) -> None:
    owner, member = await signed_up(client), await signed_up(client)
    team = await organization(client, owner)
    invited = await client.post(
        f"/api/v1/organizations/{team}/members/invite",
        json={"email": member["email"], "role": "editor"},
        headers={"Authorization": owner["auth"]},
    )
    await client.post(
        f"/api/v1/invitations/{(await invited.json())['id']}/accept", headers={"Authorization": member["auth"]}
    )
    made = await client.post(
        "/api/v1/presentations",
        json={"organization_id": team, "title": "Plan"},
        headers={"Authorization": member["auth"]},
    )
    plan = await made.json()

    blocked = await client.delete(
        "/api/v1/users/me",
        json={"password": PASSWORD, "delete_sole_organizations": True},
        headers={"Authorization": owner["auth"]},
    )
    assert (blocked.status, (await blocked.json())["error"]) == (409, "conflict")
    assert team in (await blocked.json())["message"]

    left = await client.delete(
        "/api/v1/users/me",
        json={"password": PASSWORD, "delete_sole_organizations": True},
        headers={"Authorization": member["auth"]},
    )
    assert team in (await left.json())["organizations_left"]
    members = await (
        await client.get(f"/api/v1/organizations/{team}/members", headers={"Authorization": owner["auth"]})
    ).json()
    assert [m["user_id"] for m in members["data"]] == [owner["user"]["id"]]
    assert (
        await client.get(f"/api/v1/presentations/{plan['id']}", headers={"Authorization": owner["auth"]})
    ).status == 200
    journal = await (
        await client.get(f"/api/v1/organizations/{team}/audit-logs", headers={"Authorization": owner["auth"]})
    ).json()
    by_member = [e for e in journal["data"] if e["actor_id"] == member["user"]["id"]]
    assert by_member
    assert all(not e["ip"] for e in by_member)
    assert all(member["email"] not in str(e) for e in journal["data"])


async def test_the_language_of_the_pages_is_chosen_in_the_profile_and_an_unknown_one_changes_nothing(
    client: TestClient,
) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    me = await client.get("/api/v1/users/me", headers=auth)
    assert (await me.json())["language"] == ""  # not chosen: the browser's language decides
    chosen = await client.patch("/api/v1/users/me", json={"language": "ru"}, headers=auth)
    assert (chosen.status, (await chosen.json())["language"]) == (200, "ru")
    assert (await (await client.get("/api/v1/users/me", headers=auth)).json())["language"] == "ru"

    refused = await client.patch("/api/v1/users/me", json={"language": "de", "name": "Renamed"}, headers=auth)
    body = await refused.json()
    assert (refused.status, body["error"], body["fields"]) == (422, "validation_error", {"language": "unknown"})
    after = await (await client.get("/api/v1/users/me", headers=auth)).json()
    assert (after["language"], after["name"]) == ("ru", anna["email"].split("@")[0])  # the name did not change

    renamed = await client.patch("/api/v1/users/me", json={"name": "Anna"}, headers=auth)
    assert (await renamed.json())["language"] == "ru"  # a field not sent stays
    exported = await client.post("/api/v1/users/me/export-data", headers=auth)
    assert (await exported.json())["profile"]["language"] == "ru"
    cleared = await client.patch("/api/v1/users/me", json={"language": ""}, headers=auth)
    assert (await cleared.json())["language"] == ""
