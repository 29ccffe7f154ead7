"""Share links: latency of an anonymous open and of a view report, and of the analytics summary as events grow.

1. The API in this process (aiohttp test server, SQLite, events in the workspace's JSON-lines file):
   GET /api/v1/share/{token} of a 20-slide deck and POST .../views, one after another → p50 / p99.
2. ``summary`` over N events (half openings, half reports) for the JSON-lines file and, when the
   nx-27017 MongoDB wire server is installed, MongoDB ``presentation_analytics``.
Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from presentai.adapters.analytics.sinks import JsonLinesViewAnalytics, MongoViewAnalytics
from presentai.config import Settings
from presentai.domain.analytics import ViewEvent
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.shares import ShareLink
from presentai.entrypoints.http.app import create_app


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
    }


async def api(folder: Path, requests: int) -> dict[str, Any]:
    settings = Settings(workspace=folder / "ws", jwt_secret="s" * 40, rate_limit_per_minute=100_000)
    async with TestClient(TestServer(create_app(settings))) as client:
        account = await (
            await client.post("/api/v1/auth/register", json={"email": "b@example.com", "password": "correct horse b"})
        ).json()
        auth = {"Authorization": f"Bearer {account['access_token']}"}
        deck = await (await client.post("/api/v1/presentations", json={"title": "Bench"}, headers=auth)).json()
        for n in range(20):
            bullets = [{"text": f"Point {n}.{b} about the grid and its meters"} for b in range(5)]
            await client.post(
                f"/api/v1/presentations/{deck['id']}/slides", json={"title": f"S{n}", "bullets": bullets}, headers=auth
            )
        link = await (await client.post(f"/api/v1/presentations/{deck['id']}/shares", json={}, headers=auth)).json()
        opens, reports = [], []
        for _ in range(requests):
            started = time.perf_counter()
            body = await (await client.get(f"/api/v1/share/{link['token']}")).json()
            opens.append(time.perf_counter() - started)
            report = {"view_token": body["view"]["token"], "slides_seen": list(range(1, 21)),
                      "seconds_per_slide": [3.5] * 20}  # fmt: skip
            started = time.perf_counter()
            answer = await client.post(body["view"]["report_url"], json=report)
            reports.append(time.perf_counter() - started)
            assert answer.status == 204
        started = time.perf_counter()
        await client.get(f"/api/v1/presentations/{deck['id']}/analytics", headers=auth)
        summary_s = time.perf_counter() - started
    return {
        "open_20_slides": _percentiles(opens),
        "report": _percentiles(reports),
        "requests": requests,
        "summary_ms": round(summary_s * 1000, 1),
    }


def _events(count: int) -> tuple[ShareLink, list[ViewEvent]]:
    link = ShareLink.create(Presentation.create("org", "Bench", GenerationParameters(slide_count=20)), by="b")[0]
    events = []
    for n in range(count // 2):
        opened = ViewEvent.opened(link, viewer_id=f"v{n % 500}", slide_count=20)
        report = ViewEvent.reported(
            link, opened.view_id, slides_seen=range(1, 21), seconds_per_slide=[2.0] * 20, viewer_id=opened.viewer_id,
            slide_count=20,
        )  # fmt: skip
        events += [opened, report]
    return link, events


async def summaries(folder: Path, count: int) -> dict[str, Any]:
    link, events = _events(count)
    found: dict[str, Any] = {"events": count}
    jsonl = JsonLinesViewAnalytics(folder / "analytics.jsonl")
    for event in events:
        await jsonl.record(event)
    started = time.perf_counter()
    await jsonl.summary(link.organization_id, link.presentation_id)
    found["jsonl_summary_ms"] = round((time.perf_counter() - started) * 1000, 1)
    nx = shutil.which("nx-27017", path=str(Path(sys.executable).parent))
    if nx is None:
        return found
    port = 27999
    server = subprocess.Popen([nx, "--host", "127.0.0.1", "-p", str(port), "--data-dir", "memory"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        mongo = MongoViewAnalytics(f"mongodb://127.0.0.1:{port}", "bench", timeout_ms=10_000)
        started = time.perf_counter()
        for event in events:
            await mongo.record(event)
        found["mongo_record_ms_each"] = round((time.perf_counter() - started) * 1000 / count, 3)
        started = time.perf_counter()
        await mongo.summary(link.organization_id, link.presentation_id)
        found["mongo_summary_ms"] = round((time.perf_counter() - started) * 1000, 1)
        await mongo.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = {"api": await api(Path(folder), args.requests), "summary": await summaries(Path(folder), args.events)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
