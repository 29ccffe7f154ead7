"""Running jobs in the background and streaming their progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from presentai.domain.jobs import Job


class JobRunner(Protocol):
    """Runs a job to its end, and settles one that will not run again."""

    async def __call__(self, job: Job) -> None:
        """Run the job; raises ``RetryLater`` or an outside system's failure to be run again."""
        ...

    async def give_up(self, job: Job, reason: str) -> None:
        """The job failed for good: leave nothing waiting for it."""
        ...


class JobQueue(Protocol):
    """Hands jobs to whatever runs them (RQ workers on any machine, or this process)."""

    async def enqueue(self, job: Job) -> None:
        """Schedule ``job``; it runs at least once, retried if a worker dies under it."""
        ...


class EventStream(Protocol):
    """Each job's events, in order, with ids a client can resume after (Redis Streams semantics)."""

    async def register(self, job: Job) -> None:
        """Remember the job (who owns it) so that subscribers can be checked."""
        ...

    async def job(self, job_id: str) -> Job | None:
        """The registered job, or ``None``."""
        ...

    async def append(self, job_id: str, event: Mapping[str, Any]) -> str:
        """Add an event to the job's stream; its id, greater than every earlier one."""
        ...

    async def read(
        self, job_id: str, after: str = "0", *, block_ms: int = 0, count: int = 100
    ) -> list[tuple[str, dict[str, Any]]]:
        """Events after the id ``after`` (``"0"``: from the start), oldest first; waits up to ``block_ms``
        for one when there are none yet (0: answer at once)."""
        ...
