"""The HTTP API through a running app: auth, profile, organizations, errors in the spec's shape."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from presentai.adapters.limits.limiters import InProcessRateLimiter
from presentai.config import Settings
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import CONTAINER, LIMITER

REQUEST_ID = re.compile(r"^req_[0-9a-f-]{36}$")


async def signed_up(client: TestClient, email: str = "", *, verify: bool = True) -> dict[str, str]:
    """A new account, signed in; its email confirmed through the link in the mail it was sent."""
    from presentai.domain.ids import new_id

    email = email or f"anna-{new_id()}@example.com"
    response = await client.post("/api/v1/auth/register", json={"email": email, "password": "correct horse battery"})
    assert response.status == 201
    body = await response.json()
    if verify:
        confirmed = await client.post("/api/v1/auth/verify-email", json={"token": mailed_token(client, email)})
        assert confirmed.status == 200, await confirmed.text()
    return {"email": email, **body, "auth": f"Bearer {body['access_token']}"}


def mailed_token(client: TestClient, email: str) -> str:
    """The token of the newest verification email sent to ``email`` (the embedded outbox folder)."""
    outbox = client.server.app[CONTAINER].settings().workspace / "outbox"
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == email:
            found = re.search(r"verify-email\?token=(\S+)", message.get_content())  # type: ignore[attr-defined]
            assert found, "the email has no verification link"
            return found.group(1)
    raise AssertionError(f"no email was sent to {email}")


async def test_register_then_read_my_profile_with_the_access_token(client: TestClient) -> None:
    account = await signed_up(client)
    response = await client.get("/api/v1/users/me", headers={"Authorization": account["auth"]})
    assert response.status == 200
    me = await response.json()
    assert me["email"] == account["email"]
    assert [o["role"] for o in me["organizations"]] == ["owner"]
    assert REQUEST_ID.match(response.headers["X-Request-Id"])


async def test_errors_have_the_spec_shape_and_the_request_id(client: TestClient) -> None:
    response = await client.get("/api/v1/users/me")
    body = await response.json()
    assert response.status == 401
    assert body["error"] == "unauthorized"
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert REQUEST_ID.match(body["request_id"])


@pytest.mark.parametrize(
    ("payload", "status", "error", "field"),
    [
        ("not json", 400, "bad_request", None),
        ([1, 2], 400, "bad_request", None),
        ({"email": 5, "password": "correct horse battery"}, 400, "bad_request", "email"),
        ({"password": "correct horse battery"}, 400, "bad_request", "email"),
        ({"email": "a@b.co", "password": "correct horse battery", "admin": True}, 400, "bad_request", None),
        ({"email": "not-an-email", "password": "correct horse battery"}, 422, "validation_error", "email"),
        ({"email": "a@b.co", "password": "short"}, 422, "validation_error", "password"),
    ],
)
async def test_bad_registration_bodies_are_refused_naming_the_field(
    client: TestClient, payload: object, status: int, error: str, field: str | None
) -> None:
    if isinstance(payload, str):
        response = await client.post(
            "/api/v1/auth/register", data=payload, headers={"Content-Type": "application/json"}
        )
    else:
        response = await client.post("/api/v1/auth/register", json=payload)
    body = await response.json()
    assert (response.status, body["error"]) == (status, error)
    if field:
        assert field in body["fields"]


async def test_a_taken_email_is_a_conflict(client: TestClient) -> None:
    account = await signed_up(client)
    response = await client.post(
        "/api/v1/auth/register", json={"email": account["email"].upper(), "password": "another long password"}
    )
    assert response.status == 409
    assert (await response.json())["error"] == "conflict"


@pytest.mark.parametrize("password", [" " * 10, "password123", "qwerty123456"])
async def test_a_blank_or_common_password_is_refused_with_422_naming_the_field(
    client: TestClient, password: str
) -> None:
    response = await client.post("/api/v1/auth/register", json={"email": "weak@example.com", "password": password})
    body = await response.json()
    assert (response.status, body["error"], set(body["fields"])) == (422, "validation_error", {"password"})
    login = await client.post("/api/v1/auth/login", json={"email": "weak@example.com", "password": password})
    assert login.status == 401  # no account was made


async def test_a_lookalike_email_registers_but_is_flagged_in_its_organizations_audit_log(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "\u0430dmin@Example.com", "password": "correct horse battery"}
    )
    body = await response.json()
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert (response.status, body["user"]["email"]) == (201, "\u0430dmin@example.com")
    (organization,) = (await (await client.get("/api/v1/users/me", headers=auth)).json())["organizations"]
    log = await (await client.get(f"/api/v1/organizations/{organization['id']}/audit-logs", headers=auth)).json()
    assert [e["action"] for e in log["data"]] == ["user.confusable_email"]


async def test_login_refresh_rotation_and_reuse_detection_over_http(client: TestClient) -> None:
    account = await signed_up(client)
    bad = await client.post("/api/v1/auth/login", json={"email": account["email"], "password": "wrong password!!"})
    assert bad.status == 401
    good = await client.post(
        "/api/v1/auth/login", json={"email": account["email"], "password": "correct horse battery"}
    )
    tokens = await good.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900
    rotated = await (await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).json()
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replay.status == 401
    after = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert after.status == 401  # the replay ended the whole login


async def test_logout_all_ends_every_login(client: TestClient) -> None:
    account = await signed_up(client)
    other = await (
        await client.post("/api/v1/auth/login", json={"email": account["email"], "password": "correct horse battery"})
    ).json()
    assert (await client.post("/api/v1/auth/logout-all", headers={"Authorization": account["auth"]})).status == 204
    for token in (account["access_token"], other["access_token"]):
        assert (await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})).status == 401


async def test_another_tenants_organization_is_not_found_and_mine_is(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    created = await client.post(
        "/api/v1/organizations", json={"name": "Northwind Grid"}, headers={"Authorization": anna["auth"]}
    )
    assert created.status == 201
    organization = await created.json()
    assert organization["role"] == "owner"
    mine = await client.get(f"/api/v1/organizations/{organization['id']}", headers={"Authorization": anna["auth"]})
    assert (await mine.json())["name"] == "Northwind Grid"
    theirs = await client.get(f"/api/v1/organizations/{organization['id']}", headers={"Authorization": boris["auth"]})
    assert theirs.status == 404
    assert (await theirs.json())["error"] == "not_found"


async def test_an_unknown_route_answers_in_the_spec_shape(client: TestClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status == 404
    assert (await response.json())["error"] == "not_found"


@asynccontextmanager
async def rate_limited(tmp_path: Path, **settings: Any) -> AsyncIterator[TestClient]:
    """The API whose rate limiter's clock stands still, so that all of a test's requests fall in one
    window: the limits count per minute of the wall clock, and a minute ending between two requests
    started the count again (more likely the slower the machine)."""
    app = create_app(Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40, **settings))
    app[LIMITER] = InProcessRateLimiter(clock=lambda: 1_000_000.0)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_too_many_sign_ins_from_one_address_answer_429_with_retry_after(tmp_path: Path) -> None:
    async with rate_limited(tmp_path, auth_rate_limit_per_minute=3) as client:
        statuses = []
        for _ in range(4):
            response = await client.post("/api/v1/auth/login", json={"email": "a@b.co", "password": "whatever long"})
            statuses.append(response.status)
        body = await response.json()
    assert statuses == [401, 401, 401, 429]
    assert body["error"] == "rate_limit_exceeded"
    assert body["retry_after"] >= 1
    assert response.headers["Retry-After"] == str(body["retry_after"])


async def test_an_account_is_locked_out_for_a_while_after_repeated_wrong_passwords(tmp_path: Path) -> None:
    clock = [1_000_000.0]
    app = create_app(
        Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40, signin_failures_per_account=3, signin_lockout_s=120)
    )
    app[LIMITER] = InProcessRateLimiter(clock=lambda: clock[0])
    async with TestClient(TestServer(app)) as client:
        anna = await signed_up(client)
        right = {"email": anna["email"], "password": "correct horse battery"}
        wrong = {**right, "password": "not the password"}
        statuses = [(await client.post("/api/v1/auth/login", json=wrong)).status for _ in range(3)]
        locked = await client.post("/api/v1/auth/login", json=right)
        body = await locked.json()
        clock[0] += 120
        after = await client.post("/api/v1/auth/login", json=right)
    assert statuses == [401, 401, 401]
    assert (locked.status, body["error"], body["retry_after"]) == (429, "rate_limit_exceeded", 120)
    assert after.status == 200


async def test_a_busy_user_is_limited_per_account(tmp_path: Path) -> None:
    async with rate_limited(tmp_path, rate_limit_per_minute=2) as client:
        anna = await signed_up(client)
        statuses = [
            (await client.get("/api/v1/users/me", headers={"Authorization": anna["auth"]})).status for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


async def test_changing_my_password_needs_the_current_one_and_ends_other_logins(client: TestClient) -> None:
    account = await signed_up(client)
    auth = {"Authorization": account["auth"]}
    wrong = await client.patch(
        "/api/v1/users/me", json={"password": "a brand new password", "current_password": "nope"}, headers=auth
    )
    assert (wrong.status, (await wrong.json())["fields"]) == (422, {"current_password": "wrong"})
    renamed = await client.patch("/api/v1/users/me", json={"name": "Anna P."}, headers=auth)
    assert (await renamed.json())["name"] == "Anna P."
    changed = await client.patch(
        "/api/v1/users/me",
        json={"password": "a brand new password", "current_password": "correct horse battery"},
        headers=auth,
    )
    assert changed.status == 200
    assert (await client.get("/api/v1/users/me", headers=auth)).status == 401
    old = await client.post("/api/v1/auth/login", json={"email": account["email"], "password": "correct horse battery"})
    new = await client.post("/api/v1/auth/login", json={"email": account["email"], "password": "a brand new password"})
    assert (old.status, new.status) == (401, 200)


async def test_my_data_export_holds_my_profile_memberships_and_actions(client: TestClient) -> None:
    account = await signed_up(client)
    auth = {"Authorization": account["auth"]}
    await client.post("/api/v1/presentations", json={"title": "Mine"}, headers=auth)
    response = await client.post("/api/v1/users/me/export-data", headers=auth)
    archive = await response.json()
    assert "attachment" in response.headers["Content-Disposition"]
    assert archive["profile"]["email"] == account["email"]
    assert [m["role"] for m in archive["memberships"]] == ["owner"]
    assert [e["action"] for e in archive["audit_trail"]] == ["presentation.create"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/auth/login", {"email": "a\u0000@b.co", "password": "correct horse battery"}),
        (
            "POST",
            "/api/v1/auth/register",
            {"email": "nul@b.co", "password": "correct horse battery", "name": "a\u0000"},
        ),
        ("GET", "/api/v1/presentations?q=%00", None),
        ("GET", "/api/v1/presentations/a%00", None),
    ],
)
async def test_nul_characters_never_make_a_server_error(
    client: TestClient, method: str, path: str, body: object
) -> None:
    account = await signed_up(client)
    response = await client.request(method, path, json=body, headers={"Authorization": account["auth"]})
    assert response.status < 500, await response.text()


async def test_a_deeply_nested_body_is_a_bad_request(client: TestClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", data="[" * 100_000 + "]" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert (response.status, (await response.json())["error"]) == (400, "bad_request")


async def test_an_email_address_is_confirmed_through_the_link_mailed_to_it(client: TestClient) -> None:
    anna = await signed_up(client, verify=False)
    auth = {"Authorization": anna["auth"]}
    assert (await (await client.get("/api/v1/users/me", headers=auth)).json())["email_verified"] is False
    forged = await client.post("/api/v1/auth/verify-email", json={"token": anna["access_token"]})
    assert (forged.status, (await forged.json())["error"]) == (401, "unauthorized")
    resent = await client.post("/api/v1/users/me/verify-email", headers=auth)
    assert (resent.status, (await resent.json())["sent"]) == (202, True)
    confirmed = await client.post("/api/v1/auth/verify-email", json={"token": mailed_token(client, anna["email"])})
    assert (confirmed.status, (await confirmed.json())["email_verified"]) == (200, True)
    assert (await (await client.get("/api/v1/users/me", headers=auth)).json())["email_verified"] is True
    again = await client.post("/api/v1/users/me/verify-email", headers=auth)
    assert (again.status, (await again.json())["sent"]) == (200, False)


async def test_the_link_in_the_email_confirms_the_address_in_a_browser(client: TestClient) -> None:
    anna = await signed_up(client, verify=False)
    clicked = await client.get(f"/verify-email?token={mailed_token(client, anna['email'])}")
    assert (clicked.status, clicked.content_type) == (200, "text/html")
    assert "confirmed" in await clicked.text()
    me = await (await client.get("/api/v1/users/me", headers={"Authorization": anna["auth"]})).json()
    assert me["email_verified"] is True
    broken = await client.get("/verify-email?token=garbage")
    assert (broken.status, "does not work" in await broken.text()) == (400, True)
