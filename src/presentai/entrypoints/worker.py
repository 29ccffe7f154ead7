"""RQ workers: ``presentai worker`` and the job function the queue calls."""

from __future__ import annotations

import asyncio
import logging

from presentai.adapters.jobs.queues import RqJobQueue
from presentai.config import Settings
from presentai.containers import worker_container
from presentai.domain.errors import RetryLater
from presentai.domain.jobs import Job

log = logging.getLogger("presentai.worker")


def run(payload: dict[str, str]) -> None:
    """Run one job (RQ calls this in the worker's work-horse process, configured by PRESENTAI_*)."""
    job = Job.from_fields(payload)
    asyncio.run(_run(Settings.from_env(), job))


async def _run(settings: Settings, job: Job) -> None:
    container = worker_container(settings)
    try:
        await container.run_job()(job)
    except RetryLater as later:
        log.info("job %s runs again in %d s: %s", job.id, later.delay_s, later)
        await RqJobQueue(settings.redis_url, queue_name=settings.rq_queue).enqueue(job, delay_s=later.delay_s)
    finally:
        database = container.database()
        if database is not None:
            await database.close()
        await container.vector_index().close()


def work(settings: Settings, *, burst: bool = False, name: str | None = None) -> None:
    """Process jobs from Redis until stopped (or, with ``burst``, until the queue is empty)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(settings.redis_url)
    # Maintenance every minute: a job whose worker machine died (its heartbeat gone for 90 s) is
    # found and re-queued by any live worker within about two and a half minutes.
    worker = Worker(
        [Queue(settings.rq_queue, connection=connection)], connection=connection, name=name, maintenance_interval=60
    )
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
