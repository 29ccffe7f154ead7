"""The service with RQ workers in their own processes, as deployed: jobs survive a worker that dies, and one
worker command can run several jobs at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from presentai.domain.presentation import LEFT_OUT
from tests.conftest import SAMPLES
from tests.e2e.conftest import served_address
from tests.llm_servers import FakeProvider, anthropic_app, deck_writing_reply, held_after, openai_app, serving
from tests.waiting import DEADLINE_S, until

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"


class Deployment:
    """An API process and worker processes sharing PostgreSQL, Redis and a workspace."""

    def __init__(self, tmp_path: Path, postgres_url: str, **env: str) -> None:
        self.url = ""  # once the API has said where it listens
        self.env = {
            **os.environ,
            "PRESENTAI_DATABASE_URL": postgres_url,
            "PRESENTAI_REDIS_URL": REDIS_URL,
            "PRESENTAI_WORKERS": "rq",
            "PRESENTAI_RQ_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "PRESENTAI_JWT_SECRET": "w" * 40,
            "PRESENTAI_WORKSPACE": str(tmp_path / "ws"),
            "PRESENTAI_SLIDE_CONCURRENCY": "1",
            "PRESENTAI_RATE_LIMIT_PER_MINUTE": "100000",
            **env,
        }
        self.logs = tmp_path
        self.processes: list[subprocess.Popen[bytes]] = []
        self.machines: set[int] = set()  # processes leading a process group of their own

    def start(self, *command: str, log: str, machine: bool = False) -> subprocess.Popen[bytes]:
        """Start ``presentai COMMAND``; a ``machine`` process leads a process group of its own."""
        with (self.logs / log).open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "presentai.entrypoints.cli", *command],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=machine,
            )
        self.processes.append(process)
        if machine:
            self.machines.add(process.pid)
        return process

    def worker(self, name: str, *options: str, machine: bool = False) -> subprocess.Popen[bytes]:
        command = ("worker", "--name", f"{name}-{uuid.uuid4().hex[:6]}", *options)
        return self.start(*command, log=f"{name}.log", machine=machine)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                if process.pid in self.machines:  # and whatever it started
                    os.killpg(process.pid, signal.SIGKILL)
                process.kill()
                process.wait(timeout=10)


@asynccontextmanager
async def deployed(tmp_path: Path, postgres_url: str, **env: str) -> AsyncIterator[Deployment]:
    """The API up and answering (``env``: more PRESENTAI_* variables); everything stopped after."""
    deployment = Deployment(tmp_path, postgres_url, **env)
    api = deployment.start("serve", "--port", "0", log="api.log")  # the system picks the port
    try:

        async def named() -> bool:
            deployment.url = served_address(tmp_path / "api.log") or ""
            return bool(deployment.url)

        await until(named, f"the API naming its address (log: {tmp_path / 'api.log'})", process=api)
        deployment.env["PRESENTAI_PUBLIC_URL"] = deployment.url  # the workers' export links point at it
        async with aiohttp.ClientSession() as session:

            async def healthy() -> bool:
                try:
                    async with session.get(f"{deployment.url}/health") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await until(healthy, f"the API answering /health (log: {tmp_path / 'api.log'})", process=api)
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture
async def deployment(tmp_path: Path, postgres_url: str) -> AsyncIterator[Deployment]:
    async with deployed(tmp_path, postgres_url) as running:
        yield running


def language_models(claude: FakeProvider, gpt: FakeProvider) -> dict[str, str]:
    """The PRESENTAI_* variables that send model calls to the fake Anthropic and OpenAI servers."""
    return {
        "PRESENTAI_LLM": "anthropic,openai",
        "PRESENTAI_ANTHROPIC_API_KEY": "sk-ant-test",
        "PRESENTAI_ANTHROPIC_BASE_URL": claude.url,
        "PRESENTAI_OPENAI_API_KEY": "sk-test",
        "PRESENTAI_OPENAI_BASE_URL": f"{gpt.url}/v1",
    }


async def call(session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    async with session.request(method, url, **kwargs) as response:
        assert response.status < 300, (url, response.status, await response.text())
        return await response.json()  # type: ignore[no-any-return]


async def watch(base: str, token: str, job_id: str, until: str, on_event: Any = None) -> list[dict[str, Any]]:
    """Every event of a job over /ws until the event ``until`` (or a generation_error)."""
    events: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{base}/ws?token={token}") as socket:
        await socket.send_json({"type": "subscribe", "job_id": job_id})
        while True:
            message = await socket.receive_json(timeout=120)
            if message["type"] in ("authenticated", "subscribed"):
                continue
            events.append(message)
            if on_event is not None:
                on_event(message)
            if message["type"] in (until, "generation_error"):
                return events


def left_out(deck: dict[str, Any]) -> int:
    """How many outline items the deck reports left out because they only repeated other slides."""
    return sum(LEFT_OUT in warning for warning in deck["warnings"])


async def ready_for_slides(session: aiohttp.ClientSession, base: str, slides: int) -> tuple[str, str, dict[str, Any]]:
    email = f"w-{uuid.uuid4().hex[:8]}@example.com"
    account = await call(session, "POST", f"{base}/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    token = account["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    deck = await call(session, "POST", f"{base}/api/v1/presentations", json={"slide_count": slides}, headers=headers)
    for name in ("annual-report-2025.pdf", "otchet-vetroparka.pdf", "field-notes.md"):
        form = aiohttp.FormData()
        form.add_field("file", (SAMPLES / name).read_bytes(), filename=name)
        accepted = await call(
            session, "POST", f"{base}/api/v1/presentations/{deck['id']}/sources", data=form, headers=headers
        )
        ingested = await watch(base, token, accepted["job_id"], "ingestion_completed")
        assert ingested[-1]["ingestion_status"] == "indexed"
    outline = await call(session, "POST", f"{base}/api/v1/presentations/{deck['id']}/generate/outline", headers=headers)
    assert (await watch(base, token, outline["job_id"], "outline_generated"))[-1]["type"] == "outline_generated"
    return token, deck["id"], headers


async def test_workers_in_other_processes_ingest_and_generate(deployment: Deployment) -> None:
    deployment.worker("first")
    async with aiohttp.ClientSession() as session:
        token, deck_id, headers = await ready_for_slides(session, deployment.url, slides=6)
        job = await call(
            session, "POST", f"{deployment.url}/api/v1/presentations/{deck_id}/generate/slides", headers=headers
        )
        again = await session.post(f"{deployment.url}/api/v1/presentations/{deck_id}/generate/slides", headers=headers)
        assert (again.status, (await again.json())["error"]) == (409, "conflict")  # one generation at a time
        events = await watch(deployment.url, token, job["job_id"], "generation_done")
        deck = await call(session, "GET", f"{deployment.url}/api/v1/presentations/{deck_id}", headers=headers)
        export = await call(
            session,
            "POST",
            f"{deployment.url}/api/v1/presentations/{deck_id}/export",
            json={"format": "pdf"},
            headers=headers,
        )
        exported = await watch(deployment.url, token, export["job_id"], "export_completed")
        async with session.get(exported[-1]["download_url"]) as download:  # no credentials: the link is one
            pdf = (download.status, await download.read())
    assert events[-1]["type"] == "generation_done"
    assert (deck["status"], len(deck["slides"])) == ("ready", 6)
    assert (exported[-1]["type"], exported[-1]["format"]) == ("export_completed", "pdf")
    assert pdf[0] == 200
    assert pdf[1].startswith(b"%PDF-")


@asynccontextmanager
async def held_after_three_slides(
    tmp_path: Path, postgres_url: str, killed: asyncio.Event, **env: str
) -> AsyncIterator[Deployment]:
    """A deployment whose model answers the outline and three slides, then holds every call until
    ``killed``: a job cannot finish before the test has killed its process, however late the test's
    view of its progress is (the extractive writer did the 37 slides left in under a second)."""
    claude, gpt = FakeProvider(deck_writing_reply), FakeProvider(deck_writing_reply)
    claude_app = anthropic_app(claude)
    claude_app.middlewares.append(held_after(4, killed))
    async with (
        serving(claude_app, claude),
        serving(openai_app(gpt), gpt),
        deployed(tmp_path, postgres_url, **language_models(claude, gpt), **env) as deployment,
    ):
        yield deployment


async def test_a_job_whose_process_is_killed_mid_generation_is_retried_and_finishes_without_duplicates(
    tmp_path: Path, postgres_url: str
) -> None:
    released = asyncio.Event()
    async with (
        held_after_three_slides(tmp_path, postgres_url, released) as deployment,
        aiohttp.ClientSession() as session,
    ):
        worker = deployment.worker("worker")
        token, deck_id, headers = await ready_for_slides(session, deployment.url, slides=40)
        scheduler = set(_children(worker.pid))  # the worker's scheduler (it runs retries at their time) lives on
        job = await call(
            session, "POST", f"{deployment.url}/api/v1/presentations/{deck_id}/generate/slides", headers=headers
        )
        before_kill: list[dict[str, Any]] = []
        killed: list[int] = []

        def kill_after_three(event: dict[str, Any]) -> None:
            if event["type"] == "slide_completed" and not killed:
                before_kill.append(event)
                if len(before_kill) == 3:  # SIGKILL the process running the job: nothing can clean up
                    killed.extend(set(_children(worker.pid)) - scheduler)
                    for pid in killed:
                        os.kill(pid, signal.SIGKILL)
                    released.set()

        events = await watch(deployment.url, token, job["job_id"], "generation_done", kill_after_three)
        deck = await call(session, "GET", f"{deployment.url}/api/v1/presentations/{deck_id}", headers=headers)
    assert killed, "the job finished before it could be killed"
    assert events[-1]["type"] == "generation_done"
    # An outline item whose slide would only repeat the deck is left out, and the deck says so; every
    # other item has exactly one slide.
    written = 40 - left_out(deck)
    assert (deck["status"], len(deck["slides"])) == ("ready", written)
    assert written >= 20
    assert sorted(s["number"] for s in deck["slides"]) == list(range(1, written + 1))
    ids = [s["id"] for s in deck["slides"]]
    assert len(set(ids)) == written
    assert {e["slide_id"] for e in before_kill} <= set(ids)  # saved before the crash: kept, not written again
    assert all(s["version"] == 1 for s in deck["slides"])
    announced = [e["slide_id"] for e in events if e["type"] == "slide_completed"]
    assert set(announced) == set(ids)  # every slide announced; those saved before the crash again on resume


async def test_a_job_killed_on_its_last_attempt_fails_the_deck_cleanly_and_it_can_be_generated_again(
    tmp_path: Path, postgres_url: str
) -> None:
    released = asyncio.Event()
    no_retries = {"PRESENTAI_JOB_RETRY_DELAYS": ""}
    async with held_after_three_slides(tmp_path, postgres_url, released, **no_retries) as deployment:
        worker = deployment.worker("worker")
        async with aiohttp.ClientSession() as session:
            token, deck_id, headers = await ready_for_slides(session, deployment.url, slides=40)
            scheduler = set(_children(worker.pid))
            url = f"{deployment.url}/api/v1/presentations/{deck_id}"
            job = await call(session, "POST", f"{url}/generate/slides", headers=headers)
            killed: list[int] = []

            def kill_after_three(event: dict[str, Any]) -> None:
                if event["type"] == "slide_completed" and event["progress_pct"] >= 7 and not killed:
                    killed.extend(set(_children(worker.pid)) - scheduler)
                    for pid in killed:
                        os.kill(pid, signal.SIGKILL)
                    released.set()

            events = await watch(deployment.url, token, job["job_id"], "generation_done", kill_after_three)
            failed = await call(session, "GET", url, headers=headers)
            again = await call(session, "POST", f"{url}/generate/slides", headers=headers)  # not stuck
            finished = await watch(deployment.url, token, again["job_id"], "generation_done")
            deck = await call(session, "GET", url, headers=headers)
    assert killed, "the job finished before it could be killed"
    assert (events[-1]["type"], events[-1]["error_code"]) == ("generation_error", "job_failed")
    assert (failed["status"], "will not be retried" in failed["error_message"]) == ("failed", True)
    assert finished[-1]["type"] == "generation_done"
    written = 40 - left_out(deck)
    assert written >= 20
    assert (deck["status"], sorted(s["number"] for s in deck["slides"])) == ("ready", list(range(1, written + 1)))


async def test_one_worker_command_with_two_processes_writes_two_decks_at_the_same_time(
    tmp_path: Path, postgres_url: str
) -> None:
    claude, gpt = FakeProvider(deck_writing_reply), FakeProvider(deck_writing_reply)
    deck_ids: list[str] = []
    both_writing = asyncio.Event()
    held: list[web.Request] = []

    @web.middleware
    async def meet(request: web.Request, handler: Handler) -> web.StreamResponse:
        if deck_ids:  # slides: each call waits until the other deck's job is calling too
            held.append(request)
            if len(held) == 2:
                both_writing.set()
            await both_writing.wait()
        return await handler(request)

    claude_app = anthropic_app(claude)
    claude_app.middlewares.append(meet)
    async with (
        serving(claude_app, claude),
        serving(openai_app(gpt), gpt),
        deployed(tmp_path, postgres_url, **language_models(claude, gpt)) as deployment,
        aiohttp.ClientSession() as session,
    ):
        pool = deployment.start("worker", "--processes", "2", log="pool.log", machine=True)
        token, first, headers = await ready_for_slides(session, deployment.url, slides=3)
        base = f"{deployment.url}/api/v1/presentations"
        second = (await call(session, "POST", f"{base}/{first}/duplicate", json={}, headers=headers))["id"]
        deck_ids.extend([first, second])
        jobs = [
            (await call(session, "POST", f"{base}/{d}/generate/slides", headers=headers))["job_id"] for d in deck_ids
        ]
        try:
            await asyncio.wait_for(both_writing.wait(), DEADLINE_S)
        except TimeoutError:
            pytest.fail("the second deck waited for the first: one job ran at a time")
        for job in jobs:
            assert (await watch(deployment.url, token, job, "generation_done"))[-1]["type"] == "generation_done"
        decks = [await call(session, "GET", f"{base}/{d}", headers=headers) for d in deck_ids]
        pool.terminate()
        stopped = pool.wait(timeout=DEADLINE_S)
    assert [(d["status"], len(d["slides"])) for d in decks] == [("ready", 3), ("ready", 3)]
    assert stopped == 0  # SIGTERM stops the command and its worker processes cleanly


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in found.stdout.split()]
