"""Files over HTTP: upload, import from a URL (with SSRF protection), status, attach; S3-backed storage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from presentai.adapters.storage.s3_store import S3ObjectStore
from presentai.config import Settings
from presentai.entrypoints.http.app import create_app
from tests.conftest import SAMPLES, S3Server
from tests.e2e.test_api import signed_up
from tests.e2e.test_api_presentations import generate, presentation, settle, upload


@asynccontextmanager
async def service(tmp_path: Path, **settings: Any) -> AsyncIterator[TestClient]:
    configured = Settings(workspace=tmp_path / "ws", jwt_secret="s" * 40, max_upload_bytes=2**20, **settings)
    async with TestClient(TestServer(create_app(configured))) as test_client:
        yield test_client


@asynccontextmanager
async def web_server() -> AsyncIterator[str]:
    """A small intranet web server on 127.0.0.1 serving a document, a redirect and a large file."""

    async def notes(request: web.Request) -> web.Response:
        return web.Response(body=(SAMPLES / "field-notes.md").read_bytes(), content_type="text/markdown")

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 99, content_type="image/png")

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"a" * (2**20 + 10))

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    app = web.Application()
    app.router.add_get("/field-notes.md", notes)
    app.router.add_get("/photo.txt", image)
    app.router.add_get("/big.txt", big)
    app.router.add_get("/go", redirect)
    async with TestServer(app, host="127.0.0.1") as server:
        yield str(server.make_url("")).rstrip("/")


async def test_a_file_uploaded_on_its_own_is_ingested_then_attached_and_used(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    uploaded = await client.post("/api/v1/files/upload", data=upload(SAMPLES / "field-notes.md"), headers=auth)
    accepted = await uploaded.json()
    assert (uploaded.status, accepted["kind"], accepted["presentation_id"]) == (202, "ingest_source", None)
    assert accepted["ingestion_status"] in ("pending", "processing", "indexed")  # the job runs on its own
    await settle(client, uploaded)
    status = await client.get(f"/api/v1/files/{accepted['id']}", headers=auth)
    file = await status.json()
    assert (status.status, file["ingestion_status"]) == (200, "indexed")
    assert file["chunks_created"] > 0

    deck = await presentation(client, anna["auth"])
    attached = await client.post(
        f"/api/v1/presentations/{deck['id']}/sources", json={"file_id": file["id"]}, headers=auth
    )
    assert attached.status == 201
    sources = await (await client.get(f"/api/v1/presentations/{deck['id']}/sources", headers=auth)).json()
    assert [s["id"] for s in sources["data"]] == [file["id"]]
    outlined = await generate(client, auth, deck["id"], "outline")
    assert outlined["status"] == "outline_ready"


async def test_an_upload_can_go_straight_into_a_presentation(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    deck = await presentation(client, anna["auth"])
    form = upload(SAMPLES / "field-notes.md")
    form.add_field("presentation_id", deck["id"])
    file = await settle(client, await client.post("/api/v1/files/upload", data=form, headers=auth))
    assert file["presentation_id"] == deck["id"]
    details = await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=auth)).json()
    assert details["source_ids"] == [file["id"]]


async def test_files_of_another_organization_are_not_found_and_stay_untouched(client: TestClient) -> None:
    anna, boris = await signed_up(client), await signed_up(client)
    own, other = {"Authorization": anna["auth"]}, {"Authorization": boris["auth"]}
    file = await settle(
        client, await client.post("/api/v1/files/upload", data=upload(SAMPLES / "field-notes.md"), headers=own)
    )
    deck = await presentation(client, anna["auth"])
    boris_deck = await presentation(client, boris["auth"])

    assert (await client.get(f"/api/v1/files/{file['id']}", headers=other)).status == 404
    stolen = await client.post(
        f"/api/v1/presentations/{boris_deck['id']}/sources", json={"file_id": file["id"]}, headers=other
    )
    assert (stolen.status, (await stolen.json())["error"]) == (404, "not_found")
    into_anna = upload(SAMPLES / "field-notes.md")
    into_anna.add_field("presentation_id", deck["id"])
    assert (await client.post("/api/v1/files/upload", data=into_anna, headers=other)).status == 404
    anna_org = (await (await client.get("/api/v1/users/me", headers=own)).json())["organizations"][0]["id"]
    in_anna_org = upload(SAMPLES / "field-notes.md")
    in_anna_org.add_field("organization_id", anna_org)
    assert (await client.post("/api/v1/files/upload", data=in_anna_org, headers=other)).status == 404
    assert (await client.get(f"/api/v1/presentations/{deck['id']}", headers=own)).status == 200
    assert (await (await client.get(f"/api/v1/presentations/{deck['id']}", headers=own)).json())["source_ids"] == []


async def test_uploads_are_refused_with_the_spec_codes_and_nothing_is_kept(client: TestClient) -> None:
    anna = await signed_up(client)
    auth = {"Authorization": anna["auth"]}
    too_big = await client.post(
        "/api/v1/files/upload", data=upload(name="a.txt", data=b"a" * (2**20 + 1)), headers=auth
    )
    assert (too_big.status, (await too_big.json())["error"]) == (413, "file_too_large")
    image = await client.post(
        "/api/v1/files/upload", data=upload(name="a.txt", data=b"\x89PNG\r\n\x1a\n" + b"\0" * 99), headers=auth
    )
    assert (image.status, (await image.json())["error"]) == (415, "unsupported_file_type")
    no_file = await client.post("/api/v1/files/upload", json={"file": "x"}, headers=auth)
    body = await no_file.json()
    assert (no_file.status, body["error"], list(body["fields"])) == (422, "validation_error", ["file"])
    assert (await client.post("/api/v1/files/upload", data=upload(SAMPLES / "field-notes.md"))).status == 401
    assert (await client.get("/api/v1/files/0190f1c2-0000-7000-8000-000000000000", headers=auth)).status == 404


async def test_a_url_is_imported_only_where_the_service_may_reach(tmp_path: Path) -> None:
    async with web_server() as site:
        async with service(tmp_path / "open", url_import_allowed_networks="127.0.0.1/32") as client:
            anna = await signed_up(client)
            auth = {"Authorization": anna["auth"]}
            imported = await client.post("/api/v1/files/url", json={"url": f"{site}/field-notes.md"}, headers=auth)
            accepted = await settle(client, imported)
            file = await (await client.get(f"/api/v1/files/{accepted['id']}", headers=auth)).json()
            assert (file["filename"], file["ingestion_status"]) == ("field-notes.md", "indexed")
            for path, status, error in [
                ("/photo.txt", 415, "unsupported_file_type"),
                ("/big.txt", 413, "file_too_large"),
                ("/go?to=http://169.254.169.254/latest/meta-data/", 422, "validation_error"),
                ("/go?to=http://127.0.0.2:1/", 422, "validation_error"),
            ]:
                refused = await client.post("/api/v1/files/url", json={"url": site + path}, headers=auth)
                assert (refused.status, (await refused.json())["error"]) == (status, error), path
        async with service(tmp_path / "default") as client:
            anna = await signed_up(client)
            auth = {"Authorization": anna["auth"]}
            for url in (f"{site}/field-notes.md", "http://169.254.169.254/", "file:///etc/passwd"):
                refused = await client.post("/api/v1/files/url", json={"url": url}, headers=auth)
                body = await refused.json()
                assert (refused.status, list(body["fields"])) == (422, ["url"]), url
            wrong_type = await client.post("/api/v1/files/url", json={"url": 42}, headers=auth)
            assert wrong_type.status in (400, 422)


async def test_the_service_keeps_originals_in_s3_when_configured(tmp_path: Path, s3_server: S3Server) -> None:
    prefix = f"s3://{s3_server.bucket}/{tmp_path.name}"
    s3 = {
        "storage_url": prefix,
        "s3_endpoint_url": s3_server.endpoint_url,
        "s3_access_key": s3_server.key,
        "s3_secret_key": s3_server.secret,
    }
    async with service(tmp_path, **s3) as client:
        anna = await signed_up(client)
        auth = {"Authorization": anna["auth"]}
        accepted = await settle(
            client, await client.post("/api/v1/files/upload", data=upload(SAMPLES / "field-notes.md"), headers=auth)
        )
        file = await (await client.get(f"/api/v1/files/{accepted['id']}", headers=auth)).json()
        assert file["ingestion_status"] == "indexed"
    bucket = S3ObjectStore(prefix, endpoint_url=s3_server.endpoint_url, key=s3_server.key, secret=s3_server.secret)
    original = await bucket.get(f"{file['organization_id']}/sources/{file['id']}/original")
    assert original == (SAMPLES / "field-notes.md").read_bytes()
    assert not (tmp_path / "ws" / "objects").exists()
