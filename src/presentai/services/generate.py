"""GenerateOutline, GenerateSlides and RegenerateSlide."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Coroutine, Sequence
from typing import Any

from attrs import evolve

from presentai.domain.attribution import assess_bullet
from presentai.domain.errors import NoUsableSources, PresentAIError
from presentai.domain.events import GenerationDone, GenerationFailed, OutlineGenerated, SlideCompleted, StageProgressed
from presentai.domain.presentation import OutlineItem, Presentation
from presentai.domain.slides import Slide, SlideContent, VersionReason
from presentai.domain.sources import Chunk, IngestionStatus, SourceDocument
from presentai.domain.text import dominant_language
from presentai.domain.tracing import GenerationContext, generation_context
from presentai.domain.wording import said_keys, without_repeats
from presentai.ports.progress import ProgressSink
from presentai.ports.repositories import ChunkRepository, PresentationRepository, SourceRepository
from presentai.ports.retrieval import SearchScope
from presentai.ports.writing import OutlinePlanner, PlanningInput, SlideWriter
from presentai.services.retrieval import Retriever

DEGRADED_WARNING = "Semantic search was unavailable; slides were drawn from keyword search only."
CHUNKS_PER_SLIDE = 4  # retrieved passages added to an outline item's own chunks


class _Context:
    """The indexed sources of a presentation and their chunks."""

    def __init__(self, presentation: Presentation, sources: list[SourceDocument], chunks: list[Chunk]) -> None:
        self.presentation = presentation
        self.sources = sources
        self.chunks = chunks
        self.by_id = {c.id: c for c in chunks}
        self.scope = SearchScope(presentation.organization_id, tuple(s.id for s in sources))

    @classmethod
    async def load(cls, presentation: Presentation, sources: SourceRepository, chunks: ChunkRepository) -> _Context:
        org = presentation.organization_id
        documents = await sources.get_many(org, presentation.source_ids)
        indexed = [s for s in documents if s.status is IngestionStatus.INDEXED]
        if not indexed:
            raise NoUsableSources("none of the presentation's sources is indexed")
        return cls(presentation, indexed, await chunks.for_documents(org, [s.id for s in indexed]))


class _Failing:
    """Records a failed job: the presentation says ``failed`` and the stream carries ``generation_error``."""

    _presentations: PresentationRepository
    _progress: ProgressSink

    async def _fail(self, presentation: Presentation, job_id: str, error: BaseException) -> None:
        if isinstance(error, PresentAIError):
            code, message = error.code, str(error)
        elif isinstance(error, Exception):
            code, message = "internal_error", "generation stopped on an internal error"
        else:
            code, message = "interrupted", "generation was interrupted"
        presentation.fail(message)
        await self._presentations.save(presentation)
        await self._progress.publish(GenerationFailed(job_id=job_id, error_code=code, error_message=message))


class GenerateOutline(_Failing):
    """Plans the presentation's outline from its sources and topic."""

    def __init__(
        self,
        *,
        presentations: PresentationRepository,
        sources: SourceRepository,
        chunks: ChunkRepository,
        retriever: Retriever,
        planner: OutlinePlanner,
        progress: ProgressSink,
    ) -> None:
        self._presentations = presentations
        self._sources = sources
        self._chunks = chunks
        self._retriever = retriever
        self._planner = planner
        self._progress = progress

    async def __call__(self, organization_id: str, presentation_id: str, *, job_id: str = "") -> Presentation:
        """Plan and store the outline; the presentation ends ``outline_ready`` or ``failed``."""
        generation_context.set(GenerationContext(organization_id, presentation_id, job_id))
        presentation = await self._presentations.get(organization_id, presentation_id)
        presentation.start_outlining(job_id)  # the same job run again (a retry) resumes
        job_id = job_id or presentation.id
        await self._presentations.save(presentation)
        await self._progress.publish(StageProgressed(job_id=job_id, stage="outline", done=0, total=1))
        try:
            context = await _Context.load(presentation, self._sources, self._chunks)
            params = presentation.parameters
            sources_language = dominant_language([(c.language, c.token_count) for c in context.chunks])
            language = params.language or sources_language
            if language != sources_language:
                presentation.warn(
                    f"The deck's labels are in {language!r} but its bullets quote the sources, "
                    f"which are in {sources_language!r}: quotes are never translated."
                )
            relevance: dict[str, float] = {}
            if params.topic:
                found = await self._retriever.search(params.topic, context.scope, context.chunks, len(context.chunks))
                relevance = {hit.chunk_id: hit.score for hit in found.hits}
                if found.degraded:
                    presentation.warn(DEGRADED_WARNING)
            outline = await self._planner.plan(
                PlanningInput(params, language, context.sources, context.chunks, relevance)
            )
            presentation.accept_outline(outline, language)
        except BaseException as error:
            await self._fail(presentation, job_id, error)
            raise
        await self._presentations.save(presentation)
        await self._progress.publish(StageProgressed(job_id=job_id, stage="outline", done=1, total=1))
        await self._progress.publish(
            OutlineGenerated(
                job_id=job_id, presentation_id=presentation.id, outline=tuple(i.title for i in outline.items)
            )
        )
        return presentation


class _SlideComposer:
    """Retrieves the passages for one outline item and writes the slide from them."""

    def __init__(self, retriever: Retriever, writer: SlideWriter) -> None:
        self._retriever = retriever
        self._writer = writer

    async def compose(
        self,
        context: _Context,
        item: OutlineItem,
        previous: SlideContent | None = None,
        said: Sequence[str] = (),
    ) -> tuple[SlideContent, bool]:
        """The assessed slide content, and whether retrieval was degraded.

        ``said`` is what the deck's other slides already say; no bullet of the result repeats it.
        """
        presentation = context.presentation
        own = [context.by_id[i] for i in item.chunk_ids if i in context.by_id]
        query = " ".join((item.title, *item.key_points))
        found = await self._retriever.search(query, context.scope, context.chunks, CHUNKS_PER_SLIDE)
        extra = [context.by_id[h.chunk_id] for h in found.hits if h.chunk_id in context.by_id]
        chunks = list({c.id: c for c in [*own, *extra]}.values())
        content = await self._writer.write(
            item, chunks, presentation.parameters, presentation.language, previous, said=said
        )
        content = without_repeats(content, said)
        by_id = {c.id: c for c in chunks}
        content = evolve(content, bullets=tuple(assess_bullet(b, by_id) for b in content.bullets))
        return content, found.degraded


class GenerateSlides(_Failing):
    """Writes every slide of the outline concurrently, saving each as it finishes (with any others that
    finished while the previous save ran)."""

    def __init__(
        self,
        *,
        presentations: PresentationRepository,
        sources: SourceRepository,
        chunks: ChunkRepository,
        retriever: Retriever,
        writer: SlideWriter,
        progress: ProgressSink,
        concurrency: int = 8,
    ) -> None:
        self._presentations = presentations
        self._sources = sources
        self._chunks = chunks
        self._composer = _SlideComposer(retriever, writer)
        self._progress = progress
        self._concurrency = concurrency

    async def __call__(self, organization_id: str, presentation_id: str, *, job_id: str = "") -> Presentation:
        """Write all slides; the presentation ends ``ready`` or ``failed``."""
        generation_context.set(GenerationContext(organization_id, presentation_id, job_id))
        started = time.perf_counter()
        presentation = await self._presentations.get(organization_id, presentation_id)
        presentation.start_generating(job_id)  # the same job run again (a retry) resumes
        author = f"job:{job_id}" if job_id else ""
        job_id = job_id or presentation.id
        await self._presentations.save(presentation)
        assert presentation.outline is not None  # start_generating checked it
        items = presentation.outline.items
        # A retried job keeps the slides its earlier run saved and writes only the rest.
        finished = {s.outline_index for s in presentation.slides if author and s.versions[-1].created_by == author}
        semaphore = asyncio.Semaphore(self._concurrency)
        save_lock = asyncio.Lock()
        unsaved: list[tuple[Slide, bool]] = []
        done = len(finished)
        try:
            context = await _Context.load(presentation, self._sources, self._chunks)

            written: set[int | None] = set(finished)

            def current() -> list[Slide]:
                """The slides of this deck as this run leaves it: an earlier run's slides are being rewritten."""
                return [s for s in presentation.slides if s.outline_index in written]

            async def write_one(index: int, item: OutlineItem) -> None:
                nonlocal done
                async with semaphore:
                    said = sorted(_said(current(), *(s for s, _ in unsaved)))
                    content, degraded = await self._composer.compose(context, item, said=said)
                # Slides written side by side may pick the same statement: the one finished first keeps it
                # (no await between this check and the append below, so no other slide comes between).
                content = without_repeats(content, _said(current(), *(s for s, _ in unsaved)))
                if not (content.bullets or content.table or content.chart):
                    presentation.leave_out(index, content.title)  # an earlier run's slide there goes too
                    done += 1
                    return
                slide = Slide.create(presentation.id, content, outline_index=index, by=author)
                unsaved.append((slide, degraded))
                async with save_lock:
                    # The slides finished while the previous save ran go into one save (a save rewrites
                    # the slide list); a slide another writer's save took along is only announced.
                    if unsaved:
                        for ready, was_degraded in unsaved:
                            presentation.put_slide(ready)
                            written.add(ready.outline_index)
                            if was_degraded:
                                presentation.warn(DEGRADED_WARNING)
                        unsaved.clear()
                        await self._presentations.save(presentation)
                    done += 1
                    await self._progress.publish(
                        SlideCompleted(
                            job_id=job_id,
                            slide_id=slide.id,
                            slide_number=index + 1,
                            slide_title=content.title,
                            progress_pct=round(100 * done / len(items)),
                        )
                    )

            # A crash can fall between saving a slide and announcing it: a resumed run announces again
            # what its earlier run saved (a client may see a slide twice, never miss one).
            for count, slide in enumerate(s for s in presentation.slides if s.outline_index in finished):
                await self._progress.publish(
                    SlideCompleted(
                        job_id=job_id,
                        slide_id=slide.id,
                        slide_number=(slide.outline_index or 0) + 1,
                        slide_title=slide.content.title,
                        progress_pct=round(100 * (count + 1) / len(items)),
                    )
                )
            await _all_or_nothing([write_one(i, item) for i, item in enumerate(items) if i not in finished])
        except BaseException as error:
            await self._fail(presentation, job_id, error)
            raise
        presentation.mark_ready()
        await self._presentations.save(presentation)
        await self._progress.publish(
            GenerationDone(
                job_id=job_id,
                presentation_id=presentation.id,
                total_slides=len(presentation.slides),
                total_duration_ms=round((time.perf_counter() - started) * 1000),
            )
        )
        return presentation


class RegenerateSlide:
    """Writes a new version of one slide; the previous versions are kept."""

    def __init__(
        self,
        *,
        presentations: PresentationRepository,
        sources: SourceRepository,
        chunks: ChunkRepository,
        retriever: Retriever,
        writer: SlideWriter,
        progress: ProgressSink | None = None,
    ) -> None:
        self._progress = progress
        self._presentations = presentations
        self._sources = sources
        self._chunks = chunks
        self._composer = _SlideComposer(retriever, writer)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def __call__(
        self, organization_id: str, presentation_id: str, slide_id: str, *, by: str = "", job_id: str = ""
    ) -> Slide:
        """Regenerate ``slide_id`` and return it with its new current version.

        Regenerations of one presentation run one after another in this process,
        so that none overwrites another's version.
        """
        generation_context.set(GenerationContext(organization_id, presentation_id, job_id))
        lock = self._locks.setdefault(presentation_id, asyncio.Lock())
        async with lock:
            presentation = await self._presentations.get(organization_id, presentation_id)
            presentation.ensure_idle()
            slide = presentation.slide(slide_id)
            context = await _Context.load(presentation, self._sources, self._chunks)
            item = _item_for(presentation, slide)
            others = [s for s in presentation.slides if s.id != slide.id]
            content, degraded = await self._composer.compose(
                context, item, previous=slide.content, said=sorted(_said(others))
            )
            slide.revise(content, by=by, reason=VersionReason.REGENERATED)
            if degraded:
                presentation.warn(DEGRADED_WARNING)
            await self._presentations.save(presentation)
        if self._progress is not None and job_id:
            await self._progress.publish(
                SlideCompleted(
                    job_id=job_id,
                    slide_id=slide.id,
                    slide_number=presentation.slides.index(slide) + 1,
                    slide_title=slide.content.title,
                    progress_pct=100,
                )
            )
        return slide


def _said(slides: Sequence[Slide], *more: Slide) -> set[str]:
    """What these slides say (their bullets' normalised texts and quotes)."""
    return said_keys(b for slide in (*slides, *more) for b in slide.content.bullets)


def _item_for(presentation: Presentation, slide: Slide) -> OutlineItem:
    """The outline item a slide was written from, or one made from its current content."""
    outline = presentation.outline
    if outline is not None and slide.outline_index is not None and slide.outline_index < len(outline.items):
        return outline.items[slide.outline_index]
    content = slide.content
    chunk_ids = tuple(dict.fromkeys(a.chunk_id for a in content.attributions))
    return OutlineItem(content.title, tuple(b.text for b in content.bullets[:3]), chunk_ids, content.layout)


async def _all_or_nothing(coroutines: Sequence[Coroutine[Any, Any, None]]) -> None:
    """Run the coroutines together; on the first failure cancel the rest and raise it."""
    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in coroutines:
                group.create_task(coroutine)
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None
