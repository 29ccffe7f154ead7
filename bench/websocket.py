"""WebSocket latency: from a worker's publish into the Redis stream to the client's receive, 500 clients.

The API runs in its own process on SQLite with Redis for the event streams. This process plays the
worker (it XADDs events to ``gen_progress:{job_id}`` through the same adapter the workers use) and
the 500 clients (one aiohttp WebSocket each, all subscribed to the job). Each event carries the
publisher's ``time.perf_counter()``; a client's receive time minus it is the latency. The load
generator and the server share the machine's two cores, so these are upper bounds.
Numbers only; results go to bench/results/websocket.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from service import free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def main(clients: int, events: int, rate: float) -> dict[str, object]:
    from presentai.adapters.progress.streams import RedisEventStream
    from presentai.domain.jobs import Job, JobKind

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="presentai-ws-bench-") as workspace:
        env = {
            **os.environ,
            "PRESENTAI_REDIS_URL": REDIS_URL,
            "PRESENTAI_JWT_SECRET": "b" * 40,
            "PRESENTAI_RATE_LIMIT_PER_MINUTE": "1000000",
        }
        command = [sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(
            [*command, "--workspace", workspace], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stream = RedisEventStream(REDIS_URL)
        try:
            async with aiohttp.ClientSession() as session:
                for _ in range(200):
                    try:
                        async with session.get(f"{base}/health"):
                            break
                    except aiohttp.ClientError:
                        await asyncio.sleep(0.1)
                account = {"email": f"ws-{uuid.uuid4().hex[:6]}@example.com", "password": "correct horse battery"}
                async with session.post(f"{base}/api/v1/auth/register", json=account) as response:
                    token = (await response.json())["access_token"]
                async with session.get(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}) as r:
                    organization = (await r.json())["organizations"][0]["id"]
            job = Job.new(JobKind.GENERATE_SLIDES, organization, presentation_id="bench")
            await stream.register(job)
            latencies: list[float] = []
            ready = 0
            all_ready = asyncio.Event()

            async def client(session: aiohttp.ClientSession) -> None:
                nonlocal ready
                async with session.ws_connect(f"{base}/ws?token={token}", max_msg_size=0) as socket_:
                    await socket_.send_json({"type": "subscribe", "job_id": job.id})
                    while True:
                        message = await socket_.receive_json(timeout=120)
                        if message["type"] == "subscribed":
                            ready += 1
                            if ready == clients:
                                all_ready.set()
                        elif message["type"] == "slide_completed":
                            latencies.append(time.perf_counter() - message["sent_at"])
                        elif message["type"] == "generation_done":
                            return

            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                connecting = time.perf_counter()
                tasks = [asyncio.create_task(client(session)) for _ in range(clients)]
                await asyncio.wait_for(all_ready.wait(), 300)
                connect_s = time.perf_counter() - connecting
                await asyncio.sleep(1)
                for n in range(events):
                    event = {"type": "slide_completed", "slide_number": n + 1, "sent_at": time.perf_counter()}
                    await stream.append(job.id, event)
                    await asyncio.sleep(1 / rate)
                await stream.append(job.id, {"type": "generation_done", "total_slides": events})
                await asyncio.gather(*tasks)
        finally:
            await stream.close()
            server.terminate()
            server.wait(15)
    latencies.sort()
    result = {
        "clients": clients,
        "events": events,
        "deliveries": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "all_subscribed_after_s": round(connect_s, 2),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="events per second")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    out = asyncio.run(main(50 if args.quick else args.clients, args.events, args.rate))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "websocket.json").write_text(json.dumps(out, indent=2))
