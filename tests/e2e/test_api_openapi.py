"""The served OpenAPI document describes every route, validates as OpenAPI 3, and has a working viewer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openapi_spec_validator import validate

from presentai.config import Settings
from presentai.entrypoints.http.app import create_app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


async def test_the_document_is_valid_openapi_and_covers_every_api_route(client: TestClient) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    validate(spec)
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/v1") and route.method != "HEAD"
    }
    documented = {(method, path) for path, operations in spec["paths"].items() for method in operations}
    assert served == documented
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    schema = spec["components"]["schemas"]["RegisterBody"]
    assert register["security"] == []
    assert set(schema["required"]) == {"email", "password"}
    assert spec["paths"]["/api/v1/presentations/{id}"]["get"]["parameters"][0]["name"] == "id"


async def test_the_viewer_page_and_its_assets_are_served_locally(client: TestClient) -> None:
    page = await client.get("/api/docs")
    assert page.status == 200
    assert "<script>" not in await page.text()  # no inline script: the page's CSP refuses them
    init = await client.get("/api/docs/assets/presentai-init.js")
    assert "/api/v1/openapi.json" in await init.text()
    script = await client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert script.status == 200
    assert len(await script.read()) > 100_000


async def test_only_the_files_the_viewer_loads_are_served(client: TestClient) -> None:
    for name in ("index.html", "oauth2-redirect.html", "swagger-initializer.js", "swagger-ui.js.map"):
        assert (await client.get(f"/api/docs/assets/{name}")).status == 404, name
    assert (await client.get("/api/docs/assets/swagger-ui.css")).status == 200


async def test_every_response_forbids_sniffing_framing_and_referrers_and_names_no_versions(
    client: TestClient,
) -> None:
    for path in ("/health", "/api/v1/users/me", "/api/docs", "/api/docs/assets/swagger-ui.css", "/nowhere"):
        response = await client.get(path)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["Server"] == "PresentAI", path
    page = await client.get("/api/docs")
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
