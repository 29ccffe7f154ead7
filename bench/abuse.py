"""The server under a hostile client: peak RSS and /health p99 during the issue-12 attacks.

1. the export attack: a slide filled to the limits (the old 2,000 bullets and 1 MiB of notes are
   refused now; the most that is accepted is exported) as PPTX;
2. the multipart flood: one upload of 150,000 empty parts;
3. five concurrent 15 MB Markdown uploads.
``presentai serve --port 0`` runs in its own process on embedded defaults; this process is the client.
Numbers only; nothing is asserted.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import aiohttp

_SERVING = re.compile(r"PresentAI is serving at (http://\S+)")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measured(http: aiohttp.ClientSession, pid: int, attack: Awaitable[Any]) -> dict[str, Any]:
    """Peak RSS of the server and /health latencies while ``attack`` runs."""
    task = asyncio.ensure_future(attack)
    latencies: list[float] = []
    peak = rss_mb(pid)
    started = time.perf_counter()
    while not task.done() or len(latencies) < 20:
        begun = time.perf_counter()
        async with http.get("/health") as response:
            await response.read()
        latencies.append((time.perf_counter() - begun) * 1000)
        peak = max(peak, rss_mb(pid))
        await asyncio.sleep(0.01)
    outcome = await task
    latencies.sort()
    return {
        "outcome": outcome,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(peak),
        "health_p50_ms": round(statistics.median(latencies), 1),
        "health_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "health_samples": len(latencies),
    }


async def export_attack(http: aiohttp.ClientSession, headers: dict[str, str]) -> dict[str, Any]:
    deck = await (await http.post("/api/v1/presentations", json={"title": "Attack"}, headers=headers)).json()
    slide = await (
        await http.post(f"/api/v1/presentations/{deck['id']}/slides", json={"title": "Big"}, headers=headers)
    ).json()
    old = {"bullets": [{"text": "b" * 200} for _ in range(2000)], "notes": "n" * 2**20}
    refused = (await http.patch(f"/api/v1/slides/{slide['id']}", json=old, headers=headers)).status
    most = {"bullets": [{"text": ("word " * 400)[:2000]} for _ in range(50)], "notes": "n" * 20_000}
    accepted = (await http.patch(f"/api/v1/slides/{slide['id']}", json=most, headers=headers)).status
    started = await (
        await http.post(f"/api/v1/presentations/{deck['id']}/export", json={"format": "pptx"}, headers=headers)
    ).json()
    export_id = started.get("export_id") or started.get("id")
    status = ""
    for _ in range(6000):
        state = await (await http.get(f"/api/v1/presentations/{deck['id']}/export/{export_id}", headers=headers)).json()
        status = state.get("status", "")
        if status in ("completed", "failed"):
            break
        await asyncio.sleep(0.1)
    return {"old_attack": refused, "largest_allowed": accepted, "export": status, "bytes": state.get("size_bytes")}


async def multipart_flood(http: aiohttp.ClientSession, headers: dict[str, str]) -> dict[str, Any]:
    body = b"".join(b"--flood\r\n\r\n\r\n" for _ in range(150_000)) + b"--flood--\r\n"
    flood_headers = {**headers, "Content-Type": "multipart/form-data; boundary=flood"}
    response = await http.post("/api/v1/files/upload", data=io.BytesIO(body), headers=flood_headers)
    return {"status": response.status, "body_mb": round(len(body) / 2**20, 1)}


async def large_uploads(http: aiohttp.ClientSession, headers: dict[str, str]) -> dict[str, Any]:
    text = ("# Section\n\n" + "A sentence about storage that goes on for a while. " * 20 + "\n\n") * 14_000
    data = text.encode()[: 15 * 2**20]

    async def one(i: int) -> int:
        form = aiohttp.FormData()
        form.add_field("file", io.BytesIO(data), filename=f"big-{i}.md", content_type="text/markdown")
        return (await http.post("/api/v1/files/upload", data=form, headers=headers)).status

    statuses = await asyncio.gather(*(one(i) for i in range(5)))
    return {"statuses": statuses, "mb_each": round(len(data) / 2**20, 1)}


async def main() -> None:
    workspace = Path(tempfile.mkdtemp(prefix="abuse-bench-"))
    env = {**os.environ, "PRESENTAI_RATE_LIMIT_PER_MINUTE": "1000000", "PRESENTAI_JWT_SECRET": "b" * 40}
    log = workspace / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", "0", "--workspace", str(workspace)],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        base = ""
        while not base:
            found = _SERVING.search(log.read_text(errors="replace"))
            base = found.group(1) if found else ""
            await asyncio.sleep(0.1)
        timeout = aiohttp.ClientTimeout(total=1800)
        async with aiohttp.ClientSession(base, timeout=timeout) as http:
            while True:
                try:
                    if (await http.get("/health")).status == 200:
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            account = {"email": "bench@example.com", "password": "correct horse battery"}
            token = (await (await http.post("/api/v1/auth/register", json=account)).json())["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            results = {"idle_rss_mb": round(rss_mb(process.pid))}
            results["export_attack"] = await measured(http, process.pid, export_attack(http, headers))
            results["multipart_flood"] = await measured(http, process.pid, multipart_flood(http, headers))
            results["five_15mb_uploads"] = await measured(http, process.pid, large_uploads(http, headers))
        print(json.dumps(results, indent=2))
    finally:
        process.terminate()
        process.wait(timeout=60)


if __name__ == "__main__":
    asyncio.run(main())
