"""SIGTERM stops a ``presentai worker`` within seconds even mid-export with a converter that never ends:
the job's render and convert children are killed first, and none outlives the worker."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import aiohttp

from tests.e2e.test_abuse import _runaway_converter
from tests.e2e.test_workers import PASSWORD, call, deployed
from tests.waiting import DEADLINE_S, until


def _descendants(pid: int) -> dict[int, bytes]:
    """The processes below ``pid``, with their command names."""
    parents: dict[int, int] = {}
    names: dict[int, bytes] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(line for line in status.read_text().splitlines() if line.startswith("PPid:"))
            names[int(status.parent.name)] = (status.parent / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, StopIteration):
            continue
        parents[int(status.parent.name)] = int(ppid.split()[1])
    below, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return {child: names.get(child, b"") for child in below}


async def test_sigterm_stops_a_worker_mid_export_and_kills_its_converter(tmp_path: Path, postgres_url: str) -> None:
    runaway = _runaway_converter(tmp_path)
    async with deployed(tmp_path, postgres_url) as deployment:
        deployment.env["PATH"] = runaway["PATH"]  # the worker's LibreOffice never finishes
        worker = deployment.worker("w")
        base = deployment.url
        async with aiohttp.ClientSession() as session:
            email = f"sigterm-{os.getpid()}-{id(worker)}@example.com"
            account = await call(session, "POST", f"{base}/api/v1/auth/register",
                                 json={"email": email, "password": PASSWORD})  # fmt: skip
            headers = {"Authorization": f"Bearer {account['access_token']}"}
            deck = await call(session, "POST", f"{base}/api/v1/presentations", json={"title": "Deck"}, headers=headers)
            await call(session, "POST", f"{base}/api/v1/presentations/{deck['id']}/slides", json={"title": "One"},
                       headers=headers)  # fmt: skip
            export = await call(session, "POST", f"{base}/api/v1/presentations/{deck['id']}/export",
                                json={"format": "pdf"}, headers=headers)  # fmt: skip

            async def converting() -> bool:
                return any(name.endswith(b"sleep") for name in _descendants(worker.pid).values())

            await until(converting, "the worker's converter running", process=worker)
            converters = [pid for pid, name in _descendants(worker.pid).items() if name.endswith(b"sleep")]
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                raise AssertionError("the worker was still running after SIGTERM") from None
            assert not [pid for pid in converters if Path(f"/proc/{pid}").exists()], "a converter outlived the worker"

            status = ""

            async def ended() -> bool:
                nonlocal status
                address = f"{base}/api/v1/presentations/{deck['id']}/export/{export['export_id']}"
                state = await call(session, "GET", address, headers=headers)
                status = state["status"]
                return status != "running"

            await until(ended, "the stopped export leaving 'running'")
            assert status in ("failed", "pending"), status  # failed, or back in the queue for another worker
