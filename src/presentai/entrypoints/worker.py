"""RQ workers: ``presentai worker`` and the job function the queue calls."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import frozen
from rq import Queue, Worker
from rq.exceptions import AbandonedJobError, SchedulerNotFound
from rq.job import Job as RqJob
from rq.scheduler import RQScheduler
from rq.scripts import release_lock
from rq.worker_pool import WorkerPool

from presentai.adapters.analytics.sinks import COLLECTION as ANALYTICS
from presentai.adapters.analytics.sinks import MongoViewAnalytics
from presentai.adapters.jobs.queues import RqJobQueue
from presentai.adapters.mongo_buffer import buffer_key as analytics_buffer_key
from presentai.adapters.traces.sinks import MongoTraceSink, buffer_key
from presentai.config import Settings
from presentai.containers import worker_container
from presentai.domain.errors import RetryLater, ValidationFailed
from presentai.domain.jobs import Job
from presentai.services.housekeeping import HousekeepingReport

log = logging.getLogger("presentai.worker")
DRAIN_LOCK = "presentai:traces:drain"  # one worker drains the trace buffer per maintenance interval
HOUSEKEEPING_EVERY_S = 60 * 60  # one worker of a queue keeps house once an hour


def run(payload: dict[str, str]) -> None:
    """Run one job (RQ calls this in the worker's work-horse process, configured by PRESENTAI_*)."""
    job = Job.from_fields(payload)
    asyncio.run(_run(Settings.from_env(), job))


@contextlib.contextmanager
def _children_stopped_on_sigterm(container: Any) -> Iterator[None]:
    """While a job runs in the work horse, SIGTERM (which its worker forwards when told to stop) kills the
    job's render, convert and parse children: the thread waiting on each returns at once, the job ends
    (an export as failed, "stopped because the service is stopping") and the worker stops within seconds."""
    if threading.current_thread() is not threading.main_thread():
        yield  # a signal handler can only be set from the main thread (RQ's horse runs jobs there)
        return
    children = container.children()

    def stop(signum: int, frame: Any) -> None:
        stopped = children.stop_all()
        log.warning("stopping: killed %d child process(es) of the running job", stopped)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


async def _run(settings: Settings, job: Job) -> None:
    container = worker_container(settings)
    try:
        with _children_stopped_on_sigterm(container):
            await container.run_job()(job)
    except RetryLater as later:
        log.info("job %s runs again in %d s: %s", job.id, later.delay_s, later)
        await RqJobQueue(settings.redis_url, queue_name=settings.rq_queue, retry_delays=settings.retry_delays).enqueue(
            job, delay_s=later.delay_s
        )
    finally:
        await _close(container)


async def _give_up(settings: Settings, job: Job, reason: str) -> None:
    container = worker_container(settings)
    try:
        await container.run_job().give_up(job, reason)
    finally:
        await _close(container)


async def _housekeeping(settings: Settings) -> HousekeepingReport:
    container = worker_container(settings)
    try:
        report: HousekeepingReport = await container.housekeeping()(datetime.now(UTC))
        return report
    finally:
        await _close(container)


async def _close(container: Any) -> None:
    database = container.database()
    if database is not None:
        await database.close()
    await container.vector_index().close()


@frozen
class Liveness:
    """How a busy worker proves its job alive, and when the other workers take a silent one for dead.

    A worker whose machine dies leaves its job "started" with nobody to fail it. Once the job has
    been silent for ``abandoned_after_s``, the next maintenance pass of any live worker retries it
    like a job that raised (RQ's Retry: the first time after 5 s), and the retry resumes from the
    slides already saved. So a dead machine's job runs again within about abandoned_after_s +
    maintenance_s + 5 s: two and a half minutes with these defaults, which are RQ's own heartbeat
    and grace. Shorter is faster, but a worker too busy to beat in time has its job run twice.
    """

    heartbeat_s: int = 30
    abandoned_after_s: int = 90
    maintenance_s: int = 60

    def __attrs_post_init__(self) -> None:
        for name in ("heartbeat_s", "abandoned_after_s", "maintenance_s"):
            if getattr(self, name) < 1:
                raise ValidationFailed(f"{name} must be at least 1 second", {name: "must be at least 1"})
        if self.abandoned_after_s <= 2 * self.heartbeat_s:
            raise ValidationFailed(
                "abandoned_after must be more than twice the heartbeat interval, "
                "or one late heartbeat makes a live job look dead",
                {"abandoned_after_s": "at most twice the heartbeat interval"},
            )


class PresentAIWorker(Worker):
    """An RQ worker that keeps to ``Liveness``. Its maintenance passes also replace the scheduler of
    a dead worker (RQ waits a minute for its lock to expire) and move the generation traces buffered
    in Redis while MongoDB was down into MongoDB (otherwise they wait for the next trace recorded)."""

    def __init__(self, queues: list[Queue], *, liveness: Liveness, settings: Settings, **options: Any) -> None:
        super().__init__(
            queues,
            maintenance_interval=liveness.maintenance_s,
            job_monitoring_interval=liveness.heartbeat_s,
            # An idle worker waits for a job at most worker_ttl - 15 s before its maintenance is due
            # again: the default (420 s) would leave abandoned jobs alone for seven minutes.
            worker_ttl=liveness.maintenance_s + 15,
            **options,
        )
        self._liveness = liveness
        self._settings = settings
        self.push_exc_handler(self._give_up_abandoned)  # type: ignore[no-untyped-call]  # RQ leaves it unannotated

    def request_stop(self, signum: int, frame: Any) -> None:
        """RQ's warm shutdown (no new job), and the running job's children killed: the horse is told with
        SIGTERM, on which it stops them (``_children_stopped_on_sigterm``), so no render or LibreOffice holds
        the worker up, nor outlives it."""
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]  # RQ leaves it unannotated
        if self.horse_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.horse_pid, signal.SIGTERM)

    def handle_job_failure(
        self,
        job: RqJob,
        queue: Queue,
        started_job_registry: Any = None,
        exc_string: str = "",
        execution: Any = None,
    ) -> None:
        """RQ's handling (a retry while retries are left), and then, for a job that will not run again,
        its presentation, source or export is marked failed (``RunJob.give_up``)."""
        final = not job.should_retry or self._stopped_job_id == job.id
        super().handle_job_failure(job, queue, started_job_registry, exc_string, execution)
        if final:
            lines = [line for line in exc_string.strip().splitlines() if line.strip()]
            self._give_up(job, lines[-1].strip() if lines else "its work horse died")

    def _give_up_abandoned(self, job: RqJob, kind: type[BaseException] | None, *_: Any) -> bool:
        """Maintenance found ``job`` abandoned (its worker died with its machine); on its last attempt
        nothing will run it again."""
        if kind is AbandonedJobError and not job.should_retry:
            self._give_up(job, "its worker stopped answering (did its machine die?)")
        return True  # on to RQ's own handling

    def _give_up(self, rq_job: RqJob, reason: str) -> None:
        try:
            job = Job.from_fields(rq_job.args[0])
            asyncio.run(_give_up(self._settings, job, reason))
        except Exception:
            log.exception("job %s failed for good and could not be marked failed", rq_job.id)
        else:
            log.warning("job %s (%s) failed for good: %s", job.id, job.kind.value, reason)

    def get_heartbeat_ttl(self, job: RqJob, working_time: float = 0.0) -> int:
        """How long after this heartbeat the job still counts as alive: RQ's next heartbeat, and then
        the grace that ``abandoned_after_s`` leaves (RQ's is always 60 s)."""
        next_beat = float(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            next_beat = min(next_beat, job.timeout - working_time)
        return int(next_beat) + self._liveness.abandoned_after_s - self._liveness.heartbeat_s

    def run_maintenance_tasks(self) -> None:
        """Free dead schedulers' locks, then RQ's maintenance (which restarts our scheduler if it can and
        retries abandoned jobs), then drain the trace buffer."""
        self._free_locks_of_dead_schedulers()
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]  # RQ leaves it unannotated
        self._drain_traces()
        self._keep_house()

    def _keep_house(self) -> None:
        lock = f"presentai:housekeeping:{self._settings.rq_queue}"
        if not self.connection.set(lock, self.name, nx=True, ex=HOUSEKEEPING_EVERY_S):
            return  # another worker did it within the hour
        try:
            report = asyncio.run(_housekeeping(self._settings))
        except Exception:
            log.exception("housekeeping failed; another worker tries again within the hour")
            self.connection.delete(lock)
            return
        log.info("housekeeping: %s", report)

    def _free_locks_of_dead_schedulers(self) -> None:
        silence = timedelta(seconds=self._liveness.abandoned_after_s)
        for queue in self.queues:
            key = RQScheduler.get_locking_key(queue.name)
            holder = self.connection.get(key)
            if holder is None:
                continue
            name = holder.decode() if isinstance(holder, bytes) else str(holder)
            try:
                last_beat = RQScheduler.fetch(name, self.connection).last_heartbeat
            except SchedulerNotFound:
                continue  # nothing to judge it by: its lock expires by itself
            if last_beat is None or datetime.now(UTC) - last_beat <= silence:
                continue
            # Without a scheduler, the retry of an abandoned job (due in 5 s) would wait for the lock.
            if release_lock(self.connection, key, name):  # only if still held by that one scheduler
                log.warning("scheduler %s silent since %s: its lock on %s is freed", name, last_beat, queue.name)

    def _drain_traces(self) -> None:
        settings = self._settings
        if not settings.mongo_url:
            return
        keys = (
            buffer_key(settings.mongo_url, settings.mongo_database),
            analytics_buffer_key(settings.mongo_url, settings.mongo_database, ANALYTICS),
        )
        if not any(self.connection.llen(key) for key in keys):
            return
        if not self.connection.set(DRAIN_LOCK, self.name, nx=True, ex=self._liveness.maintenance_s):
            return
        try:
            traces, views = asyncio.run(flush_buffers(self._settings))
        except Exception as error:  # noqa: BLE001 - MongoDB still down, or anything else: the documents wait
            log.info("buffered traces and view events stay in Redis for now: %s", error)
            return
        if traces or views:
            log.info("moved %d generation traces and %d view events from Redis into MongoDB", traces, views)


async def flush_buffers(settings: Settings) -> tuple[int, int]:
    """Move the generation traces and the share views buffered in Redis into MongoDB; how many of each."""
    traces = worker_container(settings).traces()
    views = MongoViewAnalytics(settings.mongo_url, settings.mongo_database, redis_url=settings.redis_url)
    try:
        moved = await traces.flush() if isinstance(traces, MongoTraceSink) else 0
        return moved, await views.flush()
    finally:
        await views.close()
        if isinstance(traces, MongoTraceSink):
            await traces.close()


def work(
    settings: Settings,
    *,
    burst: bool = False,
    name: str | None = None,
    liveness: Liveness | None = None,
    processes: int = 1,
) -> None:
    """Process jobs from Redis until stopped (or, with ``burst``, until the queue is empty), in one
    worker process or in ``processes`` of them (RQ's WorkerPool restarts any that dies)."""
    from redis import Redis

    # Each job runs in a fresh fork of its worker: what every job loads is loaded here once and shared
    # copy-on-write. The tokenizer's encoding alone cost each job half a second of CPU (bench/worker_capacity.py).
    worker_container(settings).tokenizer()
    connection = Redis.from_url(settings.redis_url)
    make = functools.partial(PresentAIWorker, liveness=liveness or Liveness(), settings=settings)
    if processes > 1:
        # The pool only ever calls its worker_class with the queues, a name and the connection.
        pool = WorkerPool([settings.rq_queue], connection, num_workers=processes, worker_class=make)  # type: ignore[arg-type]
        pool.start(burst=burst, logging_level="INFO")
        return
    worker = make([Queue(settings.rq_queue, connection=connection)], connection=connection, name=name)
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
