"""Outside failures under the deployed service: a worker machine that dies mid-generation, and MongoDB
stopping while a deck is written by a language model."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import redis
from rq.job import Job as RqJob

from presentai.adapters.traces.sinks import MongoTraceSink, buffer_key
from presentai.domain.tracing import GenerationTrace
from tests.conftest import MongoServer
from tests.e2e.test_redis_outage import PrivateRedis
from tests.e2e.test_workers import REDIS_URL, call, deployed, language_models, left_out, ready_for_slides, watch
from tests.llm_servers import FakeProvider, anthropic_app, deck_writing_reply, held_after, openai_app, serving

# Production beats every 30 s, takes a job silent for 90 s for dead and looks every 60 s; here 1, 10 and 1 s
# (ten missed beats before a live job looks dead: a loaded machine delays a beat, not nine).
QUICK_RECOVERY = ("--heartbeat-interval", "1", "--abandoned-after", "10", "--maintenance-interval", "1")


def kill_machine(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker as its machine dying would: its process group (the RQ worker and its scheduler)
    first, so that nothing is left to see the job end, then its work horse (RQ gives it a group of its own)."""
    found = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False)
    groups = set()
    for pid in map(int, found.stdout.split()):
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(pid))
    os.killpg(worker.pid, signal.SIGKILL)
    for group in groups - {worker.pid}:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    worker.wait(timeout=10)


async def test_a_job_whose_worker_machine_dies_is_run_again_by_a_fresh_worker_and_finishes_the_deck(
    tmp_path: Path, postgres_url: str
) -> None:
    claude, gpt = FakeProvider(deck_writing_reply), FakeProvider(deck_writing_reply)
    dead = asyncio.Event()
    claude_app = anthropic_app(claude)
    claude_app.middlewares.append(held_after(4, dead))  # the outline and three slides; the fourth waits
    async with (
        serving(claude_app, claude),
        serving(openai_app(gpt), gpt),
        deployed(tmp_path, postgres_url, **language_models(claude, gpt)) as deployment,
        aiohttp.ClientSession() as session,
    ):
        doomed = deployment.worker("doomed", *QUICK_RECOVERY, machine=True)
        token, deck_id, headers = await ready_for_slides(session, deployment.url, slides=40)
        job = await call(
            session, "POST", f"{deployment.url}/api/v1/presentations/{deck_id}/generate/slides", headers=headers
        )
        queue = redis.Redis.from_url(REDIS_URL)
        before_kill: list[dict[str, Any]] = []
        left_behind: list[str] = []

        def kill_after_three(event: dict[str, Any]) -> None:
            if event["type"] == "slide_completed" and not left_behind:
                before_kill.append(event)
                if len(before_kill) == 3:
                    kill_machine(doomed)
                    left_behind.append(RqJob.fetch(job["job_id"], connection=queue).get_status())
                    dead.set()
                    deployment.worker("fresh", *QUICK_RECOVERY)

        events = await watch(deployment.url, token, job["job_id"], "generation_done", kill_after_three)
        deck = await call(session, "GET", f"{deployment.url}/api/v1/presentations/{deck_id}", headers=headers)
        stream = [json.loads(fields[b"data"])["type"] for _, fields in queue.xrange(f"gen_progress:{job['job_id']}")]
        queue.close()
    assert left_behind == ["started"], "the job finished, or was failed by someone, before the machine died"
    assert events[-1]["type"] == "generation_done"
    assert stream.count("generation_done") == 1
    written = 40 - left_out(deck)  # an item that would only repeat the deck gets no slide, and the deck says so
    assert written >= 20
    assert (deck["status"], len(deck["slides"])) == ("ready", written)
    assert sorted(s["number"] for s in deck["slides"]) == list(range(1, written + 1))
    assert len({s["id"] for s in deck["slides"]}) == written
    saved_before = {e["slide_id"] for e in before_kill}
    assert saved_before <= {s["id"] for s in deck["slides"]}  # kept, not written again
    assert all(s["version"] == 1 for s in deck["slides"])


async def test_mongodb_stopping_mid_generation_leaves_the_deck_alone_and_every_trace_arrives_once(
    tmp_path: Path, postgres_url: str
) -> None:
    mongo, private = MongoServer(tmp_path / "mongo"), PrivateRedis(tmp_path)  # the trace buffer is ours alone
    claude, gpt = FakeProvider(deck_writing_reply), FakeProvider(deck_writing_reply)
    mongo_down = asyncio.Event()
    claude_app = anthropic_app(claude)
    claude_app.middlewares.append(held_after(2, mongo_down))  # the outline and the first slide, then wait
    mongo.start()
    private.start()
    try:
        async with serving(claude_app, claude), serving(openai_app(gpt), gpt):
            stores = {"PRESENTAI_MONGO_URL": mongo.url, "PRESENTAI_REDIS_URL": private.url}
            async with (
                deployed(tmp_path, postgres_url, **language_models(claude, gpt), **stores) as deployment,
                aiohttp.ClientSession() as session,
            ):
                deployment.worker("worker", "--maintenance-interval", "1")
                token, deck_id, headers = await ready_for_slides(session, deployment.url, slides=5)
                job = await call(
                    session, "POST", f"{deployment.url}/api/v1/presentations/{deck_id}/generate/slides", headers=headers
                )

                def stop_mongo_after_the_first_slide(event: dict[str, Any]) -> None:
                    if event["type"] == "slide_completed" and not mongo_down.is_set():
                        mongo.kill()
                        mongo_down.set()

                events = await watch(
                    deployment.url, token, job["job_id"], "generation_done", stop_mongo_after_the_first_slide
                )
                deck = await call(session, "GET", f"{deployment.url}/api/v1/presentations/{deck_id}", headers=headers)
                buffer = redis.Redis.from_url(private.url)
                key = buffer_key(mongo.url, "presentai")
                waiting = buffer.llen(key)
                mongo.start()  # the same port and folder
                stored = await traces_once_drained(mongo.url, buffer, expected=len(claude.requests) + len(gpt.requests))
                left = buffer.llen(key)
                buffer.close()
    finally:
        mongo.kill()
        private.stop()
    assert events[-1]["type"] == "generation_done"
    assert (deck["status"], len(deck["slides"])) == ("ready", 5)  # the generation did not notice
    assert waiting == 4  # the calls after MongoDB stopped: slides 2 to 5
    assert (len(claude.requests), len(gpt.requests)) == (6, 0)
    assert left == 0
    assert len({t.id for t in stored}) == len(stored) == 6
    assert sorted(t.kind for t in stored) == ["outline"] + ["slide"] * 5
    assert {t.presentation_id for t in stored} == {deck_id}
    assert sorted(t.response for t in stored) == sorted(deck_writing_reply(body) for body in claude.requests)


async def traces_once_drained(url: str, buffer: redis.Redis, *, expected: int) -> list[GenerationTrace]:
    """Every stored trace, once ``expected`` of them are in MongoDB and none waits in Redis (60 s at most)."""
    sink = MongoTraceSink(url, "presentai", timeout_ms=60_000)  # MongoDB is up: however slowly, it answers
    try:
        deadline = time.monotonic() + 60
        while True:
            stored = await sink.recent()
            if (len(stored) >= expected and buffer.llen(sink.buffer_key) == 0) or time.monotonic() > deadline:
                return stored
            await asyncio.sleep(0.25)
    finally:
        await sink.close()
