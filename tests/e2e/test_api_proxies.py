"""The client address behind reverse proxies: rate limits and the audit log see the real client."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from tests.e2e.test_api import rate_limited, signed_up
from tests.e2e.test_api_files import service


async def failed_logins(client: TestClient, forwarded_for: str, times: int) -> list[int]:
    statuses = []
    for _ in range(times):
        response = await client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.com", "password": "wrong password here"},
            headers={"X-Forwarded-For": forwarded_for},
        )
        statuses.append(response.status)
    return statuses


async def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(tmp_path: Path) -> None:
    async with rate_limited(tmp_path, auth_rate_limit_per_minute=3, trusted_proxies="127.0.0.1/32") as client:
        assert await failed_logins(client, "198.51.100.7", 4) == [401, 401, 401, 429]
        assert await failed_logins(client, "198.51.100.8", 1) == [401]  # another client is not punished
        # A client cannot dodge its limit by writing its own X-Forwarded-For in front of the proxy's.
        assert await failed_logins(client, "203.0.113.99, 198.51.100.7", 1) == [429]


async def test_without_trusted_proxies_a_forged_header_changes_nothing(tmp_path: Path) -> None:
    async with rate_limited(tmp_path, auth_rate_limit_per_minute=3) as client:
        assert await failed_logins(client, "198.51.100.1", 2) == [401, 401]
        assert await failed_logins(client, "198.51.100.2", 2) == [401, 429]


async def test_the_audit_log_records_the_forwarded_client_address(tmp_path: Path) -> None:
    async with service(tmp_path, trusted_proxies="127.0.0.0/8") as client:
        anna = await signed_up(client)
        auth = {"Authorization": anna["auth"], "X-Forwarded-For": "198.51.100.23"}
        created = await client.post("/api/v1/presentations", json={"title": "Plan"}, headers=auth)
        org = (await created.json())["organization_id"]
        journal = await (await client.get(f"/api/v1/organizations/{org}/audit-logs", headers=auth)).json()
        assert [e["ip"] for e in journal["data"] if e["action"] == "presentation.create"] == ["198.51.100.23"]
