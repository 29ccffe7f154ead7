"""The UrlFetcher contract against the HTTP adapter and a real local web server.

The server runs on 127.0.0.1, which is exactly what a fetcher must refuse by default; the tests
that need a successful download allow 127.0.0.1/32 by configuration, as an intranet deployment would.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from presentai.adapters.fetch.http_fetcher import HttpUrlFetcher
from presentai.domain.errors import FileTooLarge, ValidationFailed

LOCAL = ("127.0.0.1/32",)


async def _file(request: web.Request) -> web.Response:
    return web.Response(
        body=b"# Notes\n\nRevenue grew.", headers={"Content-Disposition": 'attachment; filename="q3 notes.md"'}
    )


async def _plain(request: web.Request) -> web.Response:
    return web.Response(body=b"plain text")


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["to"])


async def _loop(request: web.Request) -> web.Response:
    raise web.HTTPFound("/loop")


async def _big(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()  # chunked: no Content-Length to refuse it early
    await response.prepare(request)
    for _ in range(64):
        await response.write(b"x" * 4096)
    return response


async def _missing(request: web.Request) -> web.Response:
    return web.Response(status=404)


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(5)
    return web.Response(body=b"late")


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/files/report", _file)
    app.router.add_get("/docs/readme.txt", _plain)
    app.router.add_get("/redirect", _redirect)
    app.router.add_get("/loop", _loop)
    app.router.add_get("/big", _big)
    app.router.add_get("/slow", _slow)
    app.router.add_get("/missing", _missing)
    async with TestServer(app, host="127.0.0.1") as test_server:
        yield str(test_server.make_url("")).rstrip("/")


async def test_a_file_is_downloaded_and_named_from_its_headers_or_path(server: str) -> None:
    fetcher = HttpUrlFetcher(max_bytes=2**20, allowed_networks=LOCAL)
    fetched = await fetcher.fetch(f"{server}/files/report")
    assert (fetched.filename, fetched.data) == ("q3 notes.md", b"# Notes\n\nRevenue grew.")
    assert (await fetcher.fetch(f"{server}/docs/readme.txt")).filename == "readme.txt"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/docs/readme.txt",
        "http://localhost:{port}/docs/readme.txt",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
    ],
)
async def test_private_loopback_link_local_and_metadata_addresses_are_refused(server: str, url: str) -> None:
    fetcher = HttpUrlFetcher(max_bytes=2**20, timeout_s=5)
    with pytest.raises(ValidationFailed) as refused:
        await fetcher.fetch(url.format(port=server.rsplit(":", 1)[1]))
    assert "url" in refused.value.fields


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "not a url", "http://"])
async def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(ValidationFailed):
        await HttpUrlFetcher(max_bytes=2**20).fetch(url)


async def test_a_redirect_is_checked_like_the_first_address(server: str) -> None:
    fetcher = HttpUrlFetcher(max_bytes=2**20, allowed_networks=LOCAL)
    port = server.rsplit(":", 1)[1]
    assert (await fetcher.fetch(f"{server}/redirect?to=/docs/readme.txt")).data == b"plain text"
    for target in (f"http://127.0.0.2:{port}/docs/readme.txt", "http://169.254.169.254/", "file:///etc/passwd"):
        with pytest.raises(ValidationFailed):
            await fetcher.fetch(f"{server}/redirect?to={target}")


async def test_endless_redirects_stop(server: str) -> None:
    with pytest.raises(ValidationFailed, match="redirects"):
        await HttpUrlFetcher(max_bytes=2**20, allowed_networks=LOCAL).fetch(f"{server}/loop")


async def test_a_body_over_the_limit_is_refused_while_it_streams(server: str) -> None:
    with pytest.raises(FileTooLarge):
        await HttpUrlFetcher(max_bytes=100_000, allowed_networks=LOCAL).fetch(f"{server}/big")


async def test_a_slow_server_times_out_and_an_error_status_is_reported(server: str) -> None:
    impatient = HttpUrlFetcher(max_bytes=2**20, timeout_s=1, allowed_networks=LOCAL)
    with pytest.raises(ValidationFailed, match="too long"):
        await impatient.fetch(f"{server}/slow")  # answers after 5 s, on this same event loop
    patient = HttpUrlFetcher(max_bytes=2**20, timeout_s=60, allowed_networks=LOCAL)
    with pytest.raises(ValidationFailed, match="404"):
        await patient.fetch(f"{server}/missing")


def test_public_addresses_are_permitted_and_configured_networks_too() -> None:
    fetcher = HttpUrlFetcher(max_bytes=1, allowed_networks=("10.20.0.0/16",))
    assert fetcher.permits(ipaddress.ip_address("93.184.216.34"))
    assert fetcher.permits(ipaddress.ip_address("2606:4700::1111"))
    assert fetcher.permits(ipaddress.ip_address("10.20.3.4"))
    assert not fetcher.permits(ipaddress.ip_address("10.21.3.4"))
    assert not fetcher.permits(ipaddress.ip_address("fd00:ec2::254"))
    assert not fetcher.permits(ipaddress.ip_address("fe80::1"))
    assert not fetcher.permits(ipaddress.ip_address("224.0.0.1"))
