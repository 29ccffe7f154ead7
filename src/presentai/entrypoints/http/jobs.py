"""Starting background jobs from a request: register the job, queue it, answer 202 with its id."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.domain.errors import ProviderError
from presentai.domain.jobs import Job
from presentai.domain.presentation import Presentation
from presentai.entrypoints.http.keys import CONTAINER


async def start(request: web.Request, job: Job, presentation: Presentation | None = None) -> None:
    """Register and queue ``job``. If it cannot be queued, a presentation it had claimed is released
    (marked failed with the reason) so that nothing stays busy forever, and the error propagates (503)."""
    container = request.app[CONTAINER]
    try:
        await container.events().register(job)
        await container.jobs().enqueue(job)
    except ProviderError:
        if presentation is not None:
            presentation.fail("the job could not be queued; try again shortly")
            await container.presentations().save(presentation)
        raise


def accepted(job: Job, **extra: Any) -> dict[str, Any]:
    """The 202 body: the job's id (to subscribe to on /ws) and what it works on."""
    return {"job_id": job.id, "kind": job.kind.value, **extra}
