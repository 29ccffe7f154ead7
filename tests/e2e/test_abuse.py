"""A hostile or careless client against a running ``presentai serve``: every request that could make the
server do unbounded work, or answer 500, is refused in the spec's format, changes nothing, and /health
stays about as fast as when idle (measured as a ratio to its idle latency, never as a time)."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import served_address
from tests.waiting import DEADLINE_S, answers_ok, until, wait_until

VERSIONS_KEPT = 5
SUBSCRIPTIONS = 3  # jobs one /ws may follow at once
# /health under attack may be this many times slower than idle (median against median) and no more;
# before the limits the multipart flood made it about a thousand times slower.
HEALTH_RATIO = 25


@contextmanager
def serving(workspace: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``presentai serve`` on a port the system picks, with ``env`` on top of the hostile-client settings;
    its address and process once it answers /health. It is stopped (if still running) at the end."""
    environ = {
        **os.environ,
        "PRESENTAI_RATE_LIMIT_PER_MINUTE": "1000000",
        "PRESENTAI_AUTH_RATE_LIMIT_PER_MINUTE": "1000000",
        "PRESENTAI_JWT_SECRET": "a" * 40,
        "PRESENTAI_LIMIT_VERSIONS_PER_SLIDE": str(VERSIONS_KEPT),
        "PRESENTAI_WS_SESSION_CHECK_S": "1",
        "PRESENTAI_LIMIT_WS_SUBSCRIPTIONS": str(SUBSCRIPTIONS),
        **env,
    }
    log = workspace / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", "0", "--workspace", str(workspace)],
            env=environ,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: served_address(log) is not None, f"the API naming its address (log: {log})", process=process)
        base = served_address(log) or ""
        wait_until(lambda: answers_ok(f"{base}/health"), "the API answering /health", process=process)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=DEADLINE_S)
    assert "Traceback" not in log.read_text(errors="replace"), "the server logged an unhandled error"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("abuse")) as (base, _):
        yield base


@pytest.fixture
async def http(server: str) -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=DEADLINE_S * 5)
    async with aiohttp.ClientSession(server, timeout=timeout) as session:
        yield session


async def signed_up(http: aiohttp.ClientSession) -> dict[str, Any]:
    email = f"abuse-{uuid.uuid4().hex[:12]}@example.com"
    response = await http.post("/api/v1/auth/register", json={"email": email, "password": "correct horse battery"})
    assert response.status == 201, await response.text()
    body = await response.json()
    return {**body, "headers": {"Authorization": f"Bearer {body['access_token']}"}}


async def presentation(http: aiohttp.ClientSession, headers: dict[str, str]) -> dict[str, Any]:
    response = await http.post("/api/v1/presentations", json={"title": "Deck", "topic": "Trees"}, headers=headers)
    assert response.status == 201, await response.text()
    return await response.json()  # type: ignore[no-any-return]


async def refused(response: aiohttp.ClientResponse, *statuses: int) -> dict[str, Any]:
    """The body of a refusal in the spec's shape with one of ``statuses``."""
    body = await response.json()
    assert response.status in statuses, body
    assert set(body) >= {"error", "message", "request_id"}, body
    return body  # type: ignore[no-any-return]


async def health_latencies(http: aiohttp.ClientSession, count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        async with http.get("/health") as response:
            assert response.status == 200
        found.append(time.perf_counter() - started)
    return found


async def health_during(http: aiohttp.ClientSession, attack: Awaitable[Any]) -> float:
    """How many times slower /health answers while ``attack`` runs than just before (medians)."""
    idle = statistics.median(await health_latencies(http, 15))
    task = asyncio.ensure_future(attack)
    during: list[float] = []
    while not task.done() or len(during) < 3:
        during += await health_latencies(http, 1)
    await task
    return statistics.median(during) / idle


def test_every_response_carries_the_security_headers_and_no_version_banner(server: str) -> None:
    async def check() -> None:
        async with aiohttp.ClientSession(server) as http:
            for path in ("/health", "/api/v1/openapi.json", "/api/docs", "/api/v1/users/me", "/no/such/page"):
                async with http.get(path) as response:
                    headers = response.headers
                    assert headers["X-Content-Type-Options"] == "nosniff", path
                    assert headers["Referrer-Policy"] == "no-referrer", path
                    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
                    assert headers["Server"] == "PresentAI", path
            for stock in ("index.html", "oauth2-redirect.html"):
                async with http.get(f"/api/docs/assets/{stock}") as response:
                    assert response.status == 404, stock

    asyncio.run(check())


async def test_malformed_values_answer_400_or_422_and_store_nothing(http: aiohttp.ClientSession) -> None:
    me = await signed_up(http)
    headers = me["headers"]
    json_headers = {**headers, "Content-Type": "application/json"}
    attempts = [
        ("/api/v1/presentations", '{"slide_count": %s}' % ("9" * 5000)),
        ("/api/v1/presentations", '{"slide_count": %s}' % ("9" * 4000)),
        ("/api/v1/presentations", '{"title": "\\ud800"}'),
        ("/api/v1/presentations", '{"title": "a\\u0000b"}'),
        ("/api/v1/presentations", '{"topic": "x", "tone": "\\udfff"}'),
        ("/api/v1/files/url", '{"url": "http://%s.example.com/a.pdf"}' % ("a" * 70_000)),
        ("/api/v1/files/url", '{"url": "http://%s.example.com/a.pdf"}' % ("a" * 64)),
    ]

    async def attack() -> None:
        for path, body in attempts:
            await refused(await http.post(path, data=body, headers=json_headers), 400, 422)
        await refused(await http.get("/api/v1/presentations?q=%00", headers=headers), 400)
        nul = {"email": "nul\x00byte@example.com", "password": "correct horse battery"}
        await refused(await http.post("/api/v1/auth/register", json=nul), 400, 422)
        spaces = {"email": f"spaces-{uuid.uuid4().hex[:8]}@example.com", "password": " " * 10}
        assert (await refused(await http.post("/api/v1/auth/register", json=spaces), 422))["fields"] == {
            "password": "only whitespace"
        }

    assert await health_during(http, attack()) < HEALTH_RATIO
    listed = await (await http.get("/api/v1/presentations", headers=headers)).json()
    assert listed["data"] == []


async def test_logout_without_a_body_ends_the_access_tokens_session(http: aiohttp.ClientSession) -> None:
    me = await signed_up(http)
    assert (await http.post("/api/v1/auth/logout", headers=me["headers"])).status == 204
    await refused(await http.get("/api/v1/users/me", headers=me["headers"]), 401)
    refresh = await http.post("/api/v1/auth/refresh", json={"refresh_token": me["refresh_token"]})
    await refused(refresh, 401)


async def test_over_long_text_is_refused_and_the_slide_stays_as_it_was(http: aiohttp.ClientSession) -> None:
    headers = (await signed_up(http))["headers"]
    deck = await presentation(http, headers)
    added = await http.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": "First"}, headers=headers)
    slide = await added.json()

    async def attack() -> None:
        await refused(await http.patch(f"/api/v1/presentations/{deck['id']}", json={"title": "t" * 1_000_000},
                                       headers=headers), 422)  # fmt: skip
        await refused(await http.post("/api/v1/presentations", json={"topic": "t" * 1_000_000}, headers=headers), 422)
        for edit in (
            {"notes": "n" * 1_000_000},
            {"title": "t" * 100_000},
            {"bullets": [{"text": "b" * 100_000}]},
            {"bullets": [{"text": f"point {i}"} for i in range(2_000)]},
        ):
            await refused(await http.patch(f"/api/v1/slides/{slide['id']}", json=edit, headers=headers), 422)
        huge = io.BytesIO(b"{" + b" " * (3 * 2**20) + b"}")
        await refused(await http.post("/api/v1/presentations", data=huge, headers=headers), 413)

    assert await health_during(http, attack()) < HEALTH_RATIO
    after = await (await http.get(f"/api/v1/slides/{slide['id']}", headers=headers)).json()
    assert (after["version"], after["title"], after["notes"], after["bullets"]) == (1, "First", "", [])
    still = await (await http.get(f"/api/v1/presentations/{deck['id']}", headers=headers)).json()
    assert still["title"] == "Deck"


async def test_a_slide_keeps_only_its_last_versions_and_lists_them_a_page_at_a_time(
    http: aiohttp.ClientSession,
) -> None:
    headers = (await signed_up(http))["headers"]
    deck = await presentation(http, headers)
    added = await http.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": "v1"}, headers=headers)
    slide_id = (await added.json())["id"]

    async def attack() -> None:
        for number in range(2, 13):
            edit = {"title": f"v{number}", "notes": "n" * 19_000}  # each version as large as the limits allow
            response = await http.patch(f"/api/v1/slides/{slide_id}", json=edit, headers=headers)
            assert response.status == 200
        everything = await http.get(f"/api/v1/slides/{slide_id}/versions?limit=200", headers=headers)
        assert len((await everything.json())["data"]) == VERSIONS_KEPT

    assert await health_during(http, attack()) < HEALTH_RATIO
    first = await (await http.get(f"/api/v1/slides/{slide_id}/versions?limit=3", headers=headers)).json()
    rest = await (
        await http.get(f"/api/v1/slides/{slide_id}/versions?limit=3&cursor={first['next_cursor']}", headers=headers)
    ).json()
    numbers = [v["number"] for v in first["data"] + rest["data"]]
    assert numbers == list(range(13 - VERSIONS_KEPT, 13))
    assert rest["next_cursor"] is None
    await refused(await http.post(f"/api/v1/slides/{slide_id}/restore/1", headers=headers), 404)


def _flood(parts: int) -> bytes:
    boundary = b"--flood"
    return b"".join(boundary + b"\r\n\r\n\r\n" for _ in range(parts)) + boundary + b"--\r\n"


async def test_a_multipart_flood_is_refused_at_once_and_health_stays_fast(http: aiohttp.ClientSession) -> None:
    headers = (await signed_up(http))["headers"]
    body = _flood(150_000)
    upload_headers = {**headers, "Content-Type": "multipart/form-data; boundary=flood"}

    async def attack() -> None:
        answer = await http.post("/api/v1/files/upload", data=io.BytesIO(body), headers=upload_headers)
        assert "parts" in (await refused(answer, 422))["message"]

    assert await health_during(http, attack()) < HEALTH_RATIO
    field = aiohttp.FormData()
    field.add_field("organization_id", "o" * 10_000)
    field.add_field("file", b"# Title\n\nText.", filename="a.md", content_type="text/markdown")
    await refused(await http.post("/api/v1/files/upload", data=field, headers=headers), 422)


async def _ingestion_job(http: aiohttp.ClientSession, headers: dict[str, str]) -> str:
    form = aiohttp.FormData()
    form.add_field("file", b"# Trees\n\nTrees grow slowly.\n", filename="trees.md", content_type="text/markdown")
    response = await http.post("/api/v1/files/upload", data=form, headers=headers)
    assert response.status == 202, await response.text()
    return str((await response.json())["job_id"])


async def _until_closed(socket: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    """What the server sends until it closes the socket."""
    seen: list[dict[str, Any]] = []
    while True:
        message = await socket.receive(timeout=DEADLINE_S)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            return seen
        seen.append(message.json())


@pytest.mark.parametrize("ending", ["logout", "logout-all", "new-password"])
async def test_an_open_websocket_is_closed_once_its_session_ends(http: aiohttp.ClientSession, ending: str) -> None:
    me = await signed_up(http)
    headers = me["headers"]
    job_id = await _ingestion_job(http, headers)
    async with http.ws_connect(f"/ws?token={me['access_token']}") as socket:
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"
        if ending == "logout":
            await http.post("/api/v1/auth/logout", json={"refresh_token": me["refresh_token"]})
        elif ending == "logout-all":
            await http.post("/api/v1/auth/logout-all", headers=headers)
        else:
            change = {"password": "another long passphrase", "current_password": "correct horse battery"}
            assert (await http.patch("/api/v1/users/me", json=change, headers=headers)).status == 200
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        seen = await _until_closed(socket)
        assert socket.close_code == 4401
        assert not [m for m in seen if m["type"] in ("subscribed", "ingestion_completed")]


async def test_a_websocket_that_only_listens_is_closed_when_the_user_logs_out_everywhere(
    http: aiohttp.ClientSession,
) -> None:
    me = await signed_up(http)
    async with http.ws_connect(f"/ws?token={me['access_token']}") as socket:
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"
        assert (await http.post("/api/v1/auth/logout-all", headers=me["headers"])).status == 204
        seen = await _until_closed(socket)
        assert socket.close_code == 4401, seen


async def test_a_websocket_refuses_huge_messages_and_endless_subscriptions(http: aiohttp.ClientSession) -> None:
    me = await signed_up(http)
    job_id = await _ingestion_job(http, me["headers"])

    async def attack() -> None:
        async with http.ws_connect(f"/ws?token={me['access_token']}") as socket:
            assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"
            await socket.send_str('{"type": "ping", "pad": "%s"}' % ("x" * 2**20))
            await _until_closed(socket)
            assert socket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG

    assert await health_during(http, attack()) < HEALTH_RATIO
    async with http.ws_connect(f"/ws?token={me['access_token']}") as socket:
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "subscribed"
        # other jobs of the same user would each count; the same job again does not
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        kinds = set()
        while "subscribed" not in kinds:
            kinds.add((await socket.receive_json(timeout=DEADLINE_S))["type"])


async def _deck_with_slides(http: aiohttp.ClientSession, headers: dict[str, str], slides: int) -> str:
    deck = await presentation(http, headers)
    bullets = [{"text": f"Point {n}: " + "the grid keeps running while the export is made. " * 30} for n in range(40)]
    for number in range(slides):
        added = await http.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": f"S{number}"},
                                headers=headers)  # fmt: skip
        slide = await added.json()
        edited = await http.patch(f"/api/v1/slides/{slide['id']}", json={"bullets": bullets, "notes": "n" * 10_000},
                                  headers=headers)  # fmt: skip
        assert edited.status == 200, await edited.text()
    return str(deck["id"])


def test_sigterm_stops_the_service_mid_export_even_when_the_converter_never_ends(tmp_path: Path) -> None:
    """A LibreOffice that never finishes (here a stand-in that sleeps) behind a big PDF export: SIGTERM
    still stops ``presentai serve``, as its children are killed first."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    with serving(workspace, **_runaway_converter(tmp_path)) as (base, process):

        async def start_export() -> None:
            async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=DEADLINE_S * 5)) as http:
                headers = (await signed_up(http))["headers"]
                deck_id = await _deck_with_slides(http, headers, 20)
                started = await http.post(f"/api/v1/presentations/{deck_id}/export", json={"format": "pdf"},
                                          headers=headers)  # fmt: skip
                assert started.status == 202, await started.text()
                export_id = (await started.json())["export_id"]

                async def running() -> bool:
                    status = await http.get(f"/api/v1/presentations/{deck_id}/export/{export_id}", headers=headers)
                    return (await status.json())["status"] == "running"

                async def converting() -> bool:
                    return bool(_converters_of(process.pid))

                await until(running, "the export running")
                # the deck renders in a child process meanwhile: the service answers as when idle
                rendered = until(converting, "the converter running under the service")
                assert await health_during(http, rendered) < HEALTH_RATIO

        asyncio.run(start_export())
        converters = _converters_of(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=DEADLINE_S)  # raises if the service is still up by then
        assert not [pid for pid in converters if Path(f"/proc/{pid}").exists()], "a converter outlived the service"


def _converters_of(pid: int) -> list[int]:
    """The stand-in converters (``sleep``) that the process ``pid`` started and that are still there."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            command = (status.parent / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid) and command.endswith(b"sleep"):
            found.append(int(status.parent.name))
    return found


async def _answers_to_subscribing(socket: aiohttp.ClientWebSocketResponse, job_id: str) -> dict[str, Any]:
    """The server's answer to subscribing to ``job_id`` (``subscribed`` or an error), past the events of
    jobs already followed."""
    await socket.send_json({"type": "subscribe", "job_id": job_id})
    while True:
        message = await socket.receive_json(timeout=DEADLINE_S)
        if message.get("job_id") == job_id and message["type"] in ("subscribed", "error"):
            return message  # type: ignore[no-any-return]


def _runaway_converter(tmp_path: Path) -> dict[str, str]:
    """The environment of a service whose LibreOffice never finishes (a stand-in that sleeps): its PDF
    exports stay running until it stops."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    runaway = bin_folder / "soffice"
    runaway.write_text("#!/bin/sh\nexec sleep 3600\n")
    runaway.chmod(0o755)
    return {"PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}


async def _export_job(http: aiohttp.ClientSession, headers: dict[str, str], deck_id: str) -> str:
    started = await http.post(f"/api/v1/presentations/{deck_id}/export", json={"format": "pdf"}, headers=headers)
    assert started.status == 202, await started.text()
    return str((await started.json())["job_id"])


def test_a_websocket_follows_at_most_its_cap_of_distinct_running_jobs(tmp_path: Path) -> None:
    """More distinct jobs than the cap, all still running (PDF exports whose converter never ends): the
    one past the cap is refused until the connection gives one up; the same job again is not one more."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    with serving(workspace, **_runaway_converter(tmp_path)) as (base, process):

        async def check() -> None:
            async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=DEADLINE_S * 5)) as http:
                me = await signed_up(http)
                deck_id = await _deck_with_slides(http, me["headers"], 1)
                jobs = [await _export_job(http, me["headers"], deck_id) for _ in range(SUBSCRIPTIONS + 1)]

                async def all_converting() -> bool:
                    return len(_converters_of(process.pid)) == len(jobs)

                # Every export rendered and waiting on its converter: the service is idle but for the attack.
                # Measured while the four render children still ran, the idle and the attacked medians came
                # from different moments of their burst on two cores: the ratio told the machine's load.
                await until(all_converting, "every export's converter running", process=process)
                async with http.ws_connect(f"/ws?token={me['access_token']}") as socket:
                    assert (await socket.receive_json(timeout=DEADLINE_S))["type"] == "authenticated"

                    async def attack() -> list[dict[str, Any]]:
                        return [await _answers_to_subscribing(socket, job_id) for job_id in jobs]

                    answers = asyncio.ensure_future(attack())
                    assert await health_during(http, answers) < HEALTH_RATIO
                    assert [a["type"] for a in answers.result()] == ["subscribed"] * SUBSCRIPTIONS + ["error"]
                    over = answers.result()[-1]
                    assert (over["error"], over["job_id"]) == ("validation_error", jobs[-1])
                    assert f"at most {SUBSCRIPTIONS}" in over["message"]
                    again = await _answers_to_subscribing(socket, jobs[0])
                    assert again["type"] == "subscribed"  # the same job again is not one more
                    await socket.send_json({"type": "unsubscribe", "job_id": jobs[0]})
                    while (await socket.receive_json(timeout=DEADLINE_S))["type"] != "unsubscribed":
                        pass
                    assert (await _answers_to_subscribing(socket, jobs[-1]))["type"] == "subscribed"

        asyncio.run(check())
