"""Job queues: RQ on Redis (workers on any machine), and in-process tasks for the embedded mode."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from presentai.domain.errors import ProviderError, RetryLater
from presentai.domain.jobs import Job
from presentai.ports.jobs import JobRunner

log = logging.getLogger("presentai.jobs")
WORKER_FUNCTION = "presentai.entrypoints.worker.run"
QUEUE_NAME = "presentai"


class InProcessJobQueue:
    """Runs each job as a task of this process's event loop (the embedded service and the library).

    Each job gets a runner from ``make_runner``. An outside system's failure is retried a few times
    with backoff, as the RQ workers would; a job that fails for good is given up with the reason.
    At most ``per_organization`` jobs of one organization run at once; its others wait their turn,
    so one tenant's flood of uploads or exports cannot starve another's.
    """

    def __init__(
        self,
        make_runner: Callable[[], JobRunner],
        *,
        attempts: int = 3,
        backoff_s: float = 1.0,
        per_organization: int = 4,
    ):
        self._make_runner = make_runner
        self._attempts = attempts
        self._backoff = backoff_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._per_organization = per_organization
        self._turns: dict[str, asyncio.Semaphore] = {}
        self._waiting: dict[str, int] = {}

    async def enqueue(self, job: Job) -> None:
        """Start the job in the background."""
        task = asyncio.create_task(self._run(job), name=f"job-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: Job) -> None:
        organization = job.organization_id
        turn = self._turns.setdefault(organization, asyncio.Semaphore(self._per_organization))
        self._waiting[organization] = self._waiting.get(organization, 0) + 1
        try:
            async with turn:
                await self._attempt(job)
        finally:
            self._waiting[organization] -= 1
            if not self._waiting[organization]:  # nothing of this organization left: forget its semaphore
                del self._waiting[organization]
                self._turns.pop(organization, None)

    async def _attempt(self, job: Job) -> None:
        runner = self._make_runner()
        for attempt in range(1, self._attempts + 1):
            try:
                await runner(job)
                return
            except RetryLater as later:
                log.info("job %s (%s) runs again in %d s: %s", job.id, job.kind.value, later.delay_s, later)
                await asyncio.sleep(later.delay_s)
            except ProviderError as error:
                if attempt == self._attempts:
                    log.warning("job %s (%s) failed for good: %s", job.id, job.kind.value, error)
                    await self._give_up(runner, job, str(error))
                    return
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
            except Exception as error:
                log.exception("job %s (%s) failed", job.id, job.kind.value)
                await self._give_up(runner, job, f"an internal error ({type(error).__name__})")
                return

    async def _give_up(self, runner: JobRunner, job: Job, reason: str) -> None:
        try:
            await runner.give_up(job, reason)
        except Exception:
            log.exception("job %s (%s) could not be marked failed", job.id, job.kind.value)

    async def drain(self) -> None:
        """Wait for every job started so far (and those they start)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel what is still running (the service is stopping)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


class RqJobQueue:
    """Puts jobs on an RQ queue; ``presentai worker`` processes (any number, anywhere) run them.

    A job is retried (by default three times, after 5, 30 and 120 s) when it raises, and when its
    worker dies under it (RQ re-queues an abandoned job that has retries left).
    """

    def __init__(
        self,
        redis_url: str,
        *,
        queue_name: str = QUEUE_NAME,
        timeout_s: int = 30 * 60,
        retry_delays: Sequence[int] = (5, 30, 120),
    ) -> None:
        from redis import Redis
        from rq import Queue

        self._queue = Queue(queue_name, connection=Redis.from_url(redis_url, socket_connect_timeout=2))
        self._timeout = timeout_s
        self._retry_delays = list(retry_delays)

    async def enqueue(self, job: Job, delay_s: int = 0) -> None:
        """Put the job on the queue (its RQ id is the job's id: enqueuing twice is one job), or schedule it
        to run again ``delay_s`` seconds from now."""
        from redis.exceptions import RedisError

        try:
            await asyncio.to_thread(self._enqueue, job, delay_s)
        except RedisError as error:
            raise ProviderError(f"the job queue (Redis) is unreachable: {error}", "redis") from error

    def _enqueue(self, job: Job, delay_s: int = 0) -> Any:
        from rq import Retry

        options: dict[str, Any] = {
            "retry": Retry(max=len(self._retry_delays), interval=self._retry_delays) if self._retry_delays else None,
            "job_timeout": self._timeout,
            "result_ttl": 24 * 60 * 60,
            "failure_ttl": 7 * 24 * 60 * 60,
            "description": f"{job.kind.value} {job.presentation_id or job.target_id}",
        }
        if delay_s:  # a later run of the same job: a new RQ id, the same job inside
            later = f"{job.id}-later-{int(time.time())}"
            return self._queue.enqueue_in(
                timedelta(seconds=delay_s), WORKER_FUNCTION, job.fields(), job_id=later, **options
            )
        return self._queue.enqueue(WORKER_FUNCTION, job.fields(), job_id=job.id, **options)
