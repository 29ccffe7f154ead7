"""WebSocket latency: from a worker's publish into the Redis stream to the client's receive, 500 clients.

The API runs in its own process on SQLite with Redis for the event streams. This process plays the
worker (it XADDs events to ``gen_progress:{job_id}`` through the same adapter the workers use) and
the 500 clients (one aiohttp WebSocket each, all subscribed to the job). Each event carries the
publisher's ``time.perf_counter()``; a client's receive time minus it is the latency. The load
generator and the server share the machine's two cores, so these are upper bounds.

The same clients and publisher then measure a bare aiohttp WebSocket server (its own process): one
XREAD loop that encodes each event once and writes it to every socket. What it reaches is the floor
set by Redis, the kernel and this load generator; ``client_cpu_us_per_message`` is what this process
spends per message received (its share of the two cores). Numbers only; results go to
bench/results/websocket.json.
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
from typing import Any

import aiohttp
from service import free_port, wait_up

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


BARE = """
import asyncio, sys, orjson, redis.asyncio as redis
from aiohttp import WSMsgType, web
sockets, readers = set(), {}
async def read(job_id):
    client = redis.from_url(sys.argv[2], decode_responses=True)
    after = "0"
    while True:
        found = await client.xread({f"gen_progress:{job_id}": after}, block=15000)
        for _, entries in found or []:
            for event_id, fields in entries:
                after = event_id
                message = orjson.dumps({**orjson.loads(fields["data"]), "job_id": job_id, "id": event_id})
                for socket in list(sockets):
                    if not socket.closed:
                        await socket.send_frame(message, WSMsgType.TEXT)
async def ws(request):
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    async for message in socket:
        job_id = message.json()["job_id"]
        await socket.send_frame(orjson.dumps({"type": "subscribed", "job_id": job_id}), WSMsgType.TEXT)
        sockets.add(socket)
        if job_id not in readers:
            readers[job_id] = asyncio.create_task(read(job_id))
    sockets.discard(socket)
    return socket
app = web.Application()
app.add_routes([web.get("/ws", ws)])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def deliver(
    ws_url: str, job_id: str, stream: Any, clients: int, events: int, rate: float, server: int
) -> dict[str, float]:
    """Subscribe ``clients`` sockets to the job at ``ws_url``, publish ``events``; latency percentiles, and
    the CPU this process and the ``server`` process spent per message while the events went out."""
    latencies: list[float] = []
    ready = 0
    all_ready = asyncio.Event()

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal ready
        async with session.ws_connect(ws_url, max_msg_size=0) as socket_:
            await socket_.send_json({"type": "subscribe", "job_id": job_id})
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
        cpu, server_cpu = time.process_time(), cpu_seconds(server)
        for n in range(events):
            event = {"type": "slide_completed", "slide_number": n + 1, "sent_at": time.perf_counter()}
            await stream.append(job_id, event)
            await asyncio.sleep(1 / rate)
        await stream.append(job_id, {"type": "generation_done", "total_slides": events})
        await asyncio.gather(*tasks)
        cpu, server_cpu = time.process_time() - cpu, cpu_seconds(server) - server_cpu
    latencies.sort()
    messages = clients * (events + 1)
    return {
        "deliveries": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "all_subscribed_after_s": round(connect_s, 2),
        "client_cpu_us_per_message": round(cpu / messages * 1e6, 1),
        "server_cpu_us_per_message": round(server_cpu / messages * 1e6, 1),
    }


async def main(clients: int, events: int, rate: float, bare: bool) -> dict[str, object]:
    from presentai.adapters.progress.streams import RedisEventStream
    from presentai.domain.jobs import Job, JobKind

    port, bare_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    result: dict[str, object] = {"clients": clients, "events": events}
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
        bare_server = None
        stream = RedisEventStream(REDIS_URL)
        try:
            await wait_up(f"{base}/health")
            async with aiohttp.ClientSession() as session:
                account = {"email": f"ws-{uuid.uuid4().hex[:6]}@example.com", "password": "correct horse battery"}
                async with session.post(f"{base}/api/v1/auth/register", json=account) as response:
                    token = (await response.json())["access_token"]
                async with session.get(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}) as r:
                    organization = (await r.json())["organizations"][0]["id"]
            job = Job.new(JobKind.GENERATE_SLIDES, organization, presentation_id="bench")
            await stream.register(job)
            ws_url = f"{base}/ws?token={token}"
            result["api"] = await deliver(ws_url, job.id, stream, clients, events, rate, server.pid)
            server.terminate()
            server.wait(15)
            if bare:
                bare_server = subprocess.Popen([sys.executable, "-c", BARE, str(bare_port), REDIS_URL])
                await wait_up(f"http://127.0.0.1:{bare_port}/")
                job = Job.new(JobKind.GENERATE_SLIDES, organization, presentation_id="bench")
                ws_url = f"http://127.0.0.1:{bare_port}/ws"
                result["bare"] = await deliver(ws_url, job.id, stream, clients, events, rate, bare_server.pid)
        finally:
            await stream.close()
            for process in (server, bare_server):
                if process is not None:
                    process.terminate()
                    process.wait(15)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="events per second")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare aiohttp server")
    args = parser.parse_args()
    out = asyncio.run(main(50 if args.quick else args.clients, args.events, args.rate, not args.no_bare))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "websocket.json").write_text(json.dumps(out, indent=2))
