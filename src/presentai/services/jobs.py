"""RunJob: one background job, whichever process runs it (an RQ worker, or the embedded service)."""

from __future__ import annotations

from presentai.domain.errors import NotFound, PresentAIError, ProviderError, RetryLater
from presentai.domain.events import GenerationFailed, SourceIngested
from presentai.domain.exports import ExportStatus
from presentai.domain.jobs import Job, JobKind
from presentai.domain.sources import IngestionStatus
from presentai.ports.progress import ProgressSink
from presentai.ports.repositories import ExportRepository, PresentationRepository, SourceRepository
from presentai.ports.storage import ObjectStore
from presentai.services.exports import ExportPresentation
from presentai.services.generate import GenerateOutline, GenerateSlides, RegenerateSlide
from presentai.services.ingest import IngestSource


class RunJob:
    """Dispatches a job to its use case. Every use case is safe to run again for the same job.

    A source whose embedding service was down is ``failed`` and the job asks to run again in five
    minutes (``RetryLater``). A domain error (no usable sources, a bad outline …) has been recorded
    on the presentation and streamed as ``generation_error``: running the job again would fail the same way, so it ends
    here. An outside system's failure (``ProviderError``) and anything unexpected propagate, so
    that the queue retries the job.
    """

    def __init__(
        self,
        *,
        ingest_source: IngestSource,
        generate_outline: GenerateOutline,
        generate_slides: GenerateSlides,
        regenerate_slide: RegenerateSlide,
        export_presentation: ExportPresentation,
        sources: SourceRepository,
        presentations: PresentationRepository,
        exports: ExportRepository,
        store: ObjectStore,
        progress: ProgressSink,
        retry_delay_s: int = 300,
    ) -> None:
        self._retry_delay = retry_delay_s
        self._ingest = ingest_source
        self._outline = generate_outline
        self._slides = generate_slides
        self._regenerate = regenerate_slide
        self._export = export_presentation
        self._sources = sources
        self._presentations = presentations
        self._exports = exports
        self._store = store
        self._progress = progress

    async def __call__(self, job: Job) -> None:
        """Run the job to its end."""
        try:
            await self._run(job)
        except ProviderError:
            raise
        except PresentAIError:
            return

    async def _run(self, job: Job) -> None:
        organization = job.organization_id
        if job.kind is JobKind.INGEST_SOURCE:
            source = await self._sources.get(organization, job.target_id)
            data = await self._store.get(source.storage_key)
            source = await self._ingest(source, data, job_id=job.id)
            if source.error_code == "embedding_unavailable":  # the source says failed; the job tries again later
                raise RetryLater(
                    f"the embedding service is down; {source.filename} is read again later",
                    "embeddings",
                    delay_s=self._retry_delay,
                )
        elif job.kind is JobKind.GENERATE_OUTLINE:
            await self._outline(organization, job.presentation_id, job_id=job.id)
        elif job.kind is JobKind.GENERATE_SLIDES:
            await self._slides(organization, job.presentation_id, job_id=job.id)
        elif job.kind is JobKind.REGENERATE_SLIDE:
            await self._regenerate(organization, job.presentation_id, job.target_id, by=job.requested_by, job_id=job.id)
        elif job.kind is JobKind.EXPORT_PRESENTATION:
            await self._export(organization, job.target_id, job_id=job.id)

    async def give_up(self, job: Job, reason: str) -> None:
        """The queue will not run ``job`` again (its last attempt failed, or its worker died): leave
        nothing waiting for it. What it held is marked failed with ``reason`` (a presentation it was
        generating can be generated again) and its watchers get the job's last event."""
        message = f"the job stopped and will not be retried: {reason}"
        organization = job.organization_id
        try:
            if job.kind is JobKind.INGEST_SOURCE:
                source = await self._sources.get(organization, job.target_id)
                if source.status in (IngestionStatus.PENDING, IngestionStatus.PROCESSING):
                    source.mark_failed("job_failed", message)
                    await self._sources.save(source)
                await self._progress.publish(SourceIngested.of(source, job.id))
                return
            if job.kind is JobKind.EXPORT_PRESENTATION:
                export = await self._exports.get(organization, job.target_id)
                if export.status is not ExportStatus.COMPLETED:
                    export.fail(message)
                    await self._exports.save(export)
            elif job.kind is not JobKind.REGENERATE_SLIDE:
                presentation = await self._presentations.get(organization, job.presentation_id)
                if presentation.abandon(job.id, message):
                    await self._presentations.save(presentation)
        except NotFound:
            pass  # deleted meanwhile: nothing holds it
        await self._progress.publish(GenerationFailed(job_id=job.id, error_code="job_failed", error_message=message))
