"""What one RQ worker process and this machine sustain: K ten-slide decks queued at once, written by a
model with a fixed latency, with W = 1, 2, 4 and 8 worker processes (one ``presentai worker --processes W``).

RQ runs one job at a time per worker process, in a forked work horse; a deck's ten slides are written
concurrently inside its job. The API (``presentai serve``) runs on PostgreSQL with Redis; a local server
speaking Anthropic's Messages API (bench/llm_generation.py's, in its own process) answers every call
after ``--latency`` seconds. One deck is ingested and outlined first; each round duplicates it K times
(outline ready) and queues their slide generations at once. Reported per W:

* wall time from queueing to the last ``generation_done``, decks per minute, p50 / max time per deck
  (all were queued at the start, so this includes the wait in the queue);
* peak RSS of an RQ worker process and of a work horse (a job's fork: it shares its worker's pages
  until it writes them, so RSS counts them twice), and the peak PSS of all the command's processes;
* the machine's CPU utilisation over the round (everything: API, PostgreSQL, Redis, the model server,
  this sampler) and the worker processes' own CPU seconds per deck.

Numbers only; nothing is asserted. Results go to bench/results/worker_capacity.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import aiohttp
import orjson
import psycopg
import redis
import redis.asyncio as aredis
from llm_generation import SERVER, calls
from rq import Queue, Worker
from service import ADMIN, free_port, wait_up

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command's name: ppid [1], pgrp [2], utime … cstime [11:15]."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _kb(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def _family(root: int) -> dict[int, tuple[int, int]]:
    """``root`` and its live descendants: pid → (parent pid, process group)."""
    every: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat(int(entry.name))
            except OSError:
                continue
            every[int(entry.name)] = (int(fields[1]), int(fields[2]))
    found = {root: every.get(root, (0, root))}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, group) in every.items():
            if ppid == parent and pid not in found:
                found[pid] = (ppid, group)
                frontier.append(pid)
    return found


def cpu_seconds(root: int) -> float:
    """CPU time of ``root``'s live processes and of the children they have reaped (the work horses)."""
    ticks = 0
    for pid in _family(root):
        try:
            ticks += sum(int(f) for f in _stat(pid)[11:15])
        except OSError:
            continue
    return ticks / CLOCK_TICKS


def machine_jiffies() -> tuple[int, int]:
    """The machine's busy and total CPU time so far (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)  # less idle and iowait


class MemorySampler(threading.Thread):
    """Every 0.25 s, the peak RSS of the worker command's RQ workers (the command itself, or its pool's
    children) and of its work horses (each leads a process group of its own), and all its processes' PSS."""

    def __init__(self, command: int, *, pool: bool) -> None:
        super().__init__(daemon=True)
        self._command = command
        self._pool = pool
        self._done = threading.Event()
        self.worker_kb = 0
        self.horse_kb = 0
        self.pss_kb = 0
        self.horses: set[int] = set()

    def run(self) -> None:
        while not self._done.wait(0.25):
            pss = 0
            for pid, (ppid, group) in _family(self._command).items():
                try:
                    peak = _kb(f"/proc/{pid}/status", "VmHWM:")
                    pss += _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
                except OSError:
                    continue
                if group == pid and pid != self._command:
                    self.horses.add(pid)
                    self.horse_kb = max(self.horse_kb, peak)
                elif (ppid == self._command) if self._pool else (pid == self._command):
                    self.worker_kb = max(self.worker_kb, peak)
            self.pss_kb = max(self.pss_kb, pss)

    def stop(self) -> None:
        self._done.set()
        self.join()


class Service:
    """The API on a fresh PostgreSQL database, the model server, and worker commands started on demand."""

    def __init__(self, latency: float) -> None:
        self.database = f"presentai_bench_{uuid.uuid4().hex[:10]}"
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.api_port, self.model_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.api_port}"
        self.model = f"http://127.0.0.1:{self.model_port}"
        self.logs = ROOT / "bench" / ".data" / f"workers-{self.database}"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "PRESENTAI_DATABASE_URL": ADMIN.rsplit("/", 1)[0] + f"/{self.database}",
            "PRESENTAI_REDIS_URL": REDIS_URL,
            "PRESENTAI_WORKERS": "rq",
            "PRESENTAI_RQ_QUEUE": self.queue,
            "PRESENTAI_WORKSPACE": str(self.logs / "ws"),
            "PRESENTAI_JWT_SECRET": "b" * 40,
            "PRESENTAI_RATE_LIMIT_PER_MINUTE": "100000000",
            "PRESENTAI_PLAN_TOKEN_LIMITS": "free=0",  # the rounds spend millions of (fake) tokens
            "PRESENTAI_LLM": "anthropic",
            "PRESENTAI_ANTHROPIC_API_KEY": "bench",
            "PRESENTAI_ANTHROPIC_BASE_URL": self.model,
        }
        self._latency = latency
        self._processes: list[subprocess.Popen[bytes]] = []

    def _start(self, *command: str, log: str) -> subprocess.Popen[bytes]:
        with (self.logs / log).open("ab") as output:
            process = subprocess.Popen(
                command, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._processes.append(process)
        return process

    async def start(self) -> None:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        self._start(sys.executable, "-c", SERVER, str(self.model_port), str(self._latency), str(ROOT), log="model.log")
        self._start(
            sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", str(self.api_port), log="api.log"
        )
        await wait_up(f"{self.base}/health")
        await wait_up(f"{self.model}/count")

    def workers(self, processes: int) -> subprocess.Popen[bytes]:
        """``presentai worker --processes N``, once its N RQ workers listen."""
        command = [sys.executable, "-m", "presentai.entrypoints.cli", "worker", "--processes", str(processes)]
        process = self._start(*command, log=f"workers-{processes}.log")
        connection = redis.Redis.from_url(REDIS_URL)
        while len(Worker.all(queue=Queue(self.queue, connection=connection))) < processes:
            time.sleep(0.2)
        connection.close()
        return process

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
        for process in self._processes:
            process.wait(30)
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


async def done(streams: aredis.Redis, job_ids: list[str], started: float) -> dict[str, float]:
    """Seconds from ``started`` to each job's generation_done (or generation_error: then it raises)."""
    after = dict.fromkeys((f"gen_progress:{j}" for j in job_ids), "0")
    finished: dict[str, float] = {}
    while len(finished) < len(job_ids):
        for key, entries in await streams.xread(after, block=1000) or []:
            name = key.decode()
            for event_id, fields in entries:
                after[name] = event_id.decode()
                event = orjson.loads(fields[b"data"])
                if event["type"] == "generation_error":
                    raise RuntimeError(f"{name}: {event}")
                if event["type"] == "generation_done":
                    finished[name] = time.perf_counter() - started
                    after.pop(name)
    return finished


async def prepare(session: aiohttp.ClientSession, service: Service, slides: int) -> tuple[dict[str, str], str]:
    """A signed-up user and one deck, its source ingested and its outline written (by a worker of one)."""
    account = {"email": f"bench-{uuid.uuid4().hex[:6]}@example.com", "password": "correct horse battery"}
    async with session.post(f"{service.base}/api/v1/auth/register", json=account) as response:
        headers = {"Authorization": f"Bearer {(await response.json())['access_token']}"}
    async with session.post(
        f"{service.base}/api/v1/presentations", json={"slide_count": slides}, headers=headers
    ) as response:
        deck = (await response.json())["id"]
    form = aiohttp.FormData()
    form.add_field("file", (ROOT / "samples" / "annual-report-2025.pdf").read_bytes(), filename="report.pdf")
    async with session.post(f"{service.base}/api/v1/presentations/{deck}/sources", data=form, headers=headers):
        pass
    await settled(session, f"{service.base}/api/v1/presentations/{deck}/sources", headers, "indexed")
    async with session.post(f"{service.base}/api/v1/presentations/{deck}/generate/outline", headers=headers):
        pass
    await settled(session, f"{service.base}/api/v1/presentations/{deck}", headers, "outline_ready")
    return headers, deck


async def settled(session: aiohttp.ClientSession, url: str, headers: dict[str, str], status: str) -> None:
    for _ in range(600):
        async with session.get(url, headers=headers) as response:
            body = await response.json()
        states = [s["ingestion_status"] for s in body["data"]] if "data" in body else [body["status"]]
        if states and all(s == status for s in states):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} never became {status}")


async def round_of(
    session: aiohttp.ClientSession, service: Service, headers: dict[str, str], deck: str, processes: int, decks: int
) -> dict[str, object]:
    """K copies of the outlined deck, their slides generated by ``processes`` workers."""
    copies = []
    for n in range(decks):
        async with session.post(
            f"{service.base}/api/v1/presentations/{deck}/duplicate",
            json={"title": f"W{processes} #{n}"},
            headers=headers,
        ) as response:
            copies.append((await response.json())["id"])
    load = os.getloadavg()[0]  # others' work on the machine skews the numbers
    command = service.workers(processes)
    sampler = MemorySampler(command.pid, pool=processes > 1)
    sampler.start()
    streams = aredis.from_url(REDIS_URL, socket_timeout=10)  # above the XREAD block
    calls_before, cpu_before, (busy_before, total_before) = (
        calls(service.model),
        cpu_seconds(command.pid),
        machine_jiffies(),
    )
    started = time.perf_counter()

    async def generate(copy: str) -> str:
        url = f"{service.base}/api/v1/presentations/{copy}/generate/slides"
        async with session.post(url, headers=headers) as response:
            return str((await response.json())["job_id"])

    job_ids = await asyncio.gather(*(generate(c) for c in copies))
    finished = await done(streams, list(job_ids), started)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(command.pid) - cpu_before
    busy_after, total_after = machine_jiffies()
    model_calls = calls(service.model) - calls_before
    sampler.stop()
    await streams.aclose()
    command.terminate()
    command.wait(60)
    per_deck = sorted(finished.values())
    result = {
        "worker_processes": processes,
        "decks": decks,
        "wall_s": round(wall, 2),
        "decks_per_minute": round(decks / wall * 60, 1),
        "p50_deck_s": round(statistics.median(per_deck), 2),
        "max_deck_s": round(per_deck[-1], 2),
        "model_calls": model_calls,
        "peak_rss_worker_mb": round(sampler.worker_kb / 1024, 1),
        "peak_rss_work_horse_mb": round(sampler.horse_kb / 1024, 1),
        "peak_pss_all_worker_processes_mb": round(sampler.pss_kb / 1024, 1),
        "work_horses_seen": len(sampler.horses),
        "machine_cpu_utilisation_pct": round(100 * (busy_after - busy_before) / (total_after - total_before), 1),
        "worker_cpu_s_per_deck": round(cpu / decks, 3),
        "load_average_before": round(load, 2),
    }
    print(json.dumps(result))
    return result


async def main(latency: float, slides: int, decks: int, rounds: list[int]) -> dict[str, object]:
    service = Service(latency)
    try:
        await service.start()
        async with aiohttp.ClientSession() as session:
            warm = service.workers(1)
            headers, deck = await prepare(session, service, slides)
            warm.terminate()
            warm.wait(60)
            await round_of(session, service, headers, deck, 1, 1)  # warms the database and the caches
            results = [await round_of(session, service, headers, deck, w, decks) for w in rounds]
    finally:
        service.stop()
    return {"latency_s": latency, "slides_per_deck": slides, "cores": os.cpu_count(), "rounds": results}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per model call")
    parser.add_argument("--slides", type=int, default=10)
    parser.add_argument("--decks", type=int, default=24, help="decks queued at once in each round")
    parser.add_argument("--workers", default="1,2,4,8", help="worker processes per round")
    parser.add_argument("--quick", action="store_true", help="8 decks, 1 and 2 workers")
    args = parser.parse_args()
    rounds = [1, 2] if args.quick else [int(w) for w in args.workers.split(",")]
    out = asyncio.run(main(args.latency, args.slides, 8 if args.quick else args.decks, rounds))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "worker_capacity.json").write_text(json.dumps(out, indent=2))
