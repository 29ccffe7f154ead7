"""HTTP throughput and latency of the API on PostgreSQL, beside a bare aiohttp + psycopg handler.

Measures GET /api/v1/presentations/{id} (a 20-slide deck) and GET /api/v1/presentations (a page of 50):
1. closed loop: C concurrent clients for T seconds → requests/s;
2. open loop at a fixed 200 requests/s → p50 / p99 latency.
The server under test and the bare handler each run in their own process; the load generator is this
process. Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN = os.environ.get("PRESENTAI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def closed_loop(url: str, headers: dict[str, str], clients: int, seconds: float) -> float:
    done = 0
    stop = time.perf_counter() + seconds
    async with aiohttp.ClientSession(headers=headers) as session:

        async def client() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                async with session.get(url) as response:
                    await response.read()
                    assert response.status == 200, response.status
                done += 1

        await asyncio.gather(*(client() for _ in range(clients)))
    return done / seconds


async def open_loop(url: str, headers: dict[str, str], rate: int, seconds: float) -> tuple[float, float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession(headers=headers) as session:

        async def one() -> None:
            started = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
            latencies.append(time.perf_counter() - started)

        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    latencies.sort()
    return statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000


BARE = """
import json, sys
from aiohttp import web
from psycopg_pool import AsyncConnectionPool
from psycopg.rows import dict_row
pool = AsyncConnectionPool(sys.argv[1], min_size=2, max_size=10, open=False)
async def get_one(request):
    async with pool.connection() as c, c.cursor(row_factory=dict_row) as cur:
        await cur.execute("SELECT * FROM presentations WHERE id = %s", [request.match_info["id"]])
        row = await cur.fetchone()
        await cur.execute("SELECT s.id, v.number, v.content FROM slides s JOIN slide_versions v ON v.slide_id = s.id"
                          " WHERE s.presentation_id = %s ORDER BY s.position, v.number", [row["id"]])
        slides = await cur.fetchall()
    body = {**{k: str(v) for k, v in row.items()}, "slides": slides}
    return web.json_response(body, dumps=lambda o: json.dumps(o, default=str))
async def get_list(request):
    async with pool.connection() as c, c.cursor(row_factory=dict_row) as cur:
        await cur.execute("SELECT * FROM presentations WHERE organization_id = %s ORDER BY id DESC LIMIT 50",
                          [request.query["org"]])
        rows = await cur.fetchall()
    return web.json_response({"data": rows}, dumps=lambda o: json.dumps(o, default=str))
async def start(app):
    await pool.open()
    yield
    await pool.close()
app = web.Application()
app.cleanup_ctx.append(start)
app.add_routes([web.get("/p/{id}", get_one), web.get("/list", get_list)])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), print=None)
"""


async def main(quick: bool) -> dict[str, object]:
    name = f"presentai_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    api_port, bare_port = free_port(), free_port()
    env = {**os.environ, "PRESENTAI_DATABASE_URL": url, "PRESENTAI_RATE_LIMIT_PER_MINUTE": "100000000",
           "PRESENTAI_AUTH_RATE_LIMIT_PER_MINUTE": "1000", "PRESENTAI_JWT_SECRET": "b" * 40}  # fmt: skip
    workspace = ROOT / "bench" / ".data" / f"ws-{name}"
    command = [sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", str(api_port)]
    command += ["--workspace", str(workspace)]
    api = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare = None
    seconds = 3.0 if quick else 10.0
    try:
        base = f"http://127.0.0.1:{api_port}"
        await wait_up(f"{base}/health")
        async with aiohttp.ClientSession() as session:
            account = {"email": "bench@example.com", "password": "correct horse battery"}
            async with session.post(f"{base}/api/v1/auth/register", json=account) as r:
                token = (await r.json())["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            ids = []
            for i in range(60):
                async with session.post(f"{base}/api/v1/presentations", json={"title": f"Deck {i}", "slide_count": 20},
                                        headers=headers) as r:  # fmt: skip
                    ids.append((await r.json())["id"])
            deck = ids[-1]
            form = aiohttp.FormData()
            form.add_field("file", (ROOT / "samples" / "annual-report-2025.pdf").read_bytes(), filename="report.pdf")
            async with session.post(f"{base}/api/v1/presentations/{deck}/sources", data=form, headers=headers):
                pass
            async with session.post(f"{base}/api/v1/presentations/{deck}/generate/outline", headers=headers):
                pass
            async with session.post(f"{base}/api/v1/presentations/{deck}/generate/slides", headers=headers) as r:
                slides = len((await r.json())["slides"])
            async with session.get(f"{base}/api/v1/users/me", headers=headers) as r:
                org = (await r.json())["organizations"][0]["id"]
        bare = subprocess.Popen([sys.executable, "-c", BARE, url, str(bare_port)])
        await wait_up(f"http://127.0.0.1:{bare_port}/list?org={org}")
        targets = {
            "api GET /presentations/{id}": (f"{base}/api/v1/presentations/{deck}", headers),
            "bare GET presentation": (f"http://127.0.0.1:{bare_port}/p/{deck}", {}),
            "api GET /presentations (50)": (f"{base}/api/v1/presentations?organization_id={org}&limit=50", headers),
            "bare GET list (50)": (f"http://127.0.0.1:{bare_port}/list?org={org}", {}),
        }
        results: dict[str, object] = {"slides_in_deck": slides, "seconds_per_run": seconds}
        for label, (target, hdrs) in targets.items():
            rps = await closed_loop(target, hdrs, 16, seconds)
            p50, p99 = await open_loop(target, hdrs, 200, seconds)
            results[label] = {
                "rps": round(rps, 1),
                "p50_ms_at_200rps": round(p50, 2),
                "p99_ms_at_200rps": round(p99, 2),
            }
            print(f"{label:32s} {rps:8.1f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms (at 200 req/s)")
        return results
    finally:
        api.terminate()
        if bare is not None:
            bare.terminate()
        api.wait(10)
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    out = asyncio.run(main(parser.parse_args().quick))
    target = ROOT / "bench" / "results" / "service.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=2))
