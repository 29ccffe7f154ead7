"""The service with RQ workers in their own processes, as deployed: jobs survive a worker that dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import SAMPLES, free_port

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"


class Deployment:
    """An API process and worker processes sharing PostgreSQL, Redis and a workspace."""

    def __init__(self, tmp_path: Path, postgres_url: str) -> None:
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
        }
        self.logs = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *command: str, log: str) -> subprocess.Popen[bytes]:
        with (self.logs / log).open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "presentai.entrypoints.cli", *command],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.start("worker", "--name", f"{name}-{uuid.uuid4().hex[:6]}", log=f"{name}.log")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def deployed(tmp_path: Path, postgres_url: str) -> Iterator[Deployment]:
    deployment = Deployment(tmp_path, postgres_url)
    deployment.start("serve", "--port", str(deployment.port), log="api.log")
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture
async def deployment(tmp_path: Path, postgres_url: str) -> AsyncIterator[Deployment]:
    with deployed(tmp_path, postgres_url) as running:
        async with aiohttp.ClientSession() as session:
            for _ in range(150):
                try:
                    async with session.get(f"{running.url}/health") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        yield running


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
    assert events[-1]["type"] == "generation_done"
    assert (deck["status"], len(deck["slides"])) == ("ready", 6)


async def test_a_job_whose_process_is_killed_mid_generation_is_retried_and_finishes_without_duplicates(
    deployment: Deployment,
) -> None:
    worker = deployment.worker("worker")
    async with aiohttp.ClientSession() as session:
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

        events = await watch(deployment.url, token, job["job_id"], "generation_done", kill_after_three)
        deck = await call(session, "GET", f"{deployment.url}/api/v1/presentations/{deck_id}", headers=headers)
    assert killed, "the job finished before it could be killed"
    assert events[-1]["type"] == "generation_done"
    assert (deck["status"], len(deck["slides"])) == ("ready", 40)
    assert sorted(s["number"] for s in deck["slides"]) == list(range(1, 41))
    ids = [s["id"] for s in deck["slides"]]
    assert len(set(ids)) == 40
    assert {e["slide_id"] for e in before_kill} <= set(ids)  # saved before the crash: kept, not written again
    assert all(s["version"] == 1 for s in deck["slides"])
    announced = [e["slide_id"] for e in events if e["type"] == "slide_completed"]
    assert set(announced) == set(ids)  # every slide announced; those saved before the crash again on resume


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in found.stdout.split()]
