"""The use cases against in-memory fakes: ingestion, outline, concurrent slides, regeneration, rendering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from presentai.adapters.jobs.queues import InProcessJobQueue
from presentai.adapters.memory.repositories import (
    InProcessChunkRepository,
    InProcessExportRepository,
    InProcessPresentationRepository,
    InProcessSourceRepository,
)
from presentai.adapters.memory.usage import InProcessUsageLedger
from presentai.domain.chunking import ChunkingRules
from presentai.domain.errors import (
    Conflict,
    LLMUnavailable,
    NotFound,
    NoUsableSources,
    RetryLater,
    StorageUnavailable,
    ValidationFailed,
)
from presentai.domain.events import (
    ExportCompleted,
    GenerationDone,
    GenerationFailed,
    OutlineGenerated,
    SlideCompleted,
    SourceIngested,
)
from presentai.domain.exports import Export, ExportFormat, ExportStatus
from presentai.domain.jobs import Job, JobKind
from presentai.domain.presentation import GenerationParameters, Presentation, PresentationStatus
from presentai.domain.slides import VersionReason
from presentai.domain.sources import IngestionStatus, SourceDocument
from presentai.domain.usage import month_of
from presentai.ports.parsing import DocumentParser
from presentai.services.exports import ExportPresentation, request_export
from presentai.services.generate import DEGRADED_WARNING, GenerateOutline, GenerateSlides, RegenerateSlide
from presentai.services.housekeeping import Housekeeping, HousekeepingReport
from presentai.services.ingest import IngestionLimits, IngestSource, original_key
from presentai.services.jobs import RunJob
from presentai.services.render import RenderDeck
from presentai.services.retrieval import RetrievalMode, Retriever
from tests.fakes import (
    InMemoryEmbedder,
    InMemoryObjectStore,
    InMemoryVectorIndex,
    ParagraphParser,
    PrefixingConverter,
    QuotingWriter,
    RecordingProgressSink,
    TextRenderer,
    WordTokenizer,
)

TOPICS = ["batteries", "meters", "wind", "cables", "customers", "budget"]
DOC = "\n\n".join(
    f"# {topic.title()}\n\n"
    + " ".join(f"The {topic} programme reached milestone {i} in 2025 as planned." for i in range(6))
    for topic in TOPICS
).encode()


class World:
    """All ports faked, the services wired to them."""

    def __init__(
        self, *, writer: QuotingWriter | None = None, concurrency: int = 8, parser: DocumentParser | None = None
    ) -> None:
        self.embedder = InMemoryEmbedder()
        self.index = InMemoryVectorIndex()
        self.store = InMemoryObjectStore()
        self.usage = InProcessUsageLedger()
        self.progress = RecordingProgressSink()
        self.presentations = InProcessPresentationRepository()
        self.sources = InProcessSourceRepository()
        self.chunks = InProcessChunkRepository()
        self.writer = writer or QuotingWriter()
        self.retriever = Retriever(
            embedder=self.embedder, index=self.index, lexical=WordOverlapRanker(), mode=RetrievalMode.HYBRID
        )
        self.ingest = IngestSource(
            parser=parser or ParagraphParser(),
            tokenizer=WordTokenizer(),
            embedder=self.embedder,
            index=self.index,
            store=self.store,
            sources=self.sources,
            chunks=self.chunks,
            progress=self.progress,
            rules=ChunkingRules(max_tokens=40, overlap_tokens=0),
            limits=IngestionLimits(max_bytes=100_000),
            usage=self.usage,
        )
        common = {
            "presentations": self.presentations,
            "sources": self.sources,
            "chunks": self.chunks,
            "retriever": self.retriever,
        }
        self.outline = GenerateOutline(**common, planner=self.writer, progress=self.progress)
        self.slides = GenerateSlides(**common, writer=self.writer, progress=self.progress, concurrency=concurrency)
        self.regenerate = RegenerateSlide(**common, writer=self.writer)
        self.exports = InProcessExportRepository()
        self.converter = PrefixingConverter()
        self.export = ExportPresentation(
            exports=self.exports,
            render_deck=RenderDeck(presentations=self.presentations, sources=self.sources, renderer=TextRenderer()),
            converter=self.converter,
            store=self.store,
            progress=self.progress,
            public_url="https://decks.example.com/",
        )
        self.run_job = RunJob(
            ingest_source=self.ingest,
            generate_outline=self.outline,
            generate_slides=self.slides,
            regenerate_slide=self.regenerate,
            export_presentation=self.export,
            sources=self.sources,
            presentations=self.presentations,
            exports=self.exports,
            store=self.store,
            progress=self.progress,
            retry_delay_s=0,
        )

    async def presentation(
        self, slides: int = 4, files: dict[str, bytes] | None = None, topic: str = ""
    ) -> Presentation:
        presentation = Presentation.create("org", "", GenerationParameters(slide_count=slides, topic=topic))
        await self.presentations.add(presentation)
        for name, data in (files or {"doc.txt": DOC}).items():
            source = SourceDocument.from_upload("org", name, data, presentation.id)
            presentation.add_source(source.id)
            await self.sources.add(source)
            await self.ingest(source, data)
        await self.presentations.save(presentation)
        return presentation


class WordOverlapRanker:
    """A lexical ranker fake: counts shared lower-case words."""

    def rank(self, query, chunks, limit):  # type: ignore[no-untyped-def]
        from presentai.ports.retrieval import ScoredChunk

        wanted = set(query.lower().split())
        scored = [ScoredChunk(c.id, float(len(wanted & set(c.text.lower().split())))) for c in chunks]
        return sorted((s for s in scored if s.score > 0), key=lambda s: -s.score)[:limit]


async def test_ingesting_a_source_stores_the_original_and_indexes_its_chunks() -> None:
    world = World()
    presentation = await world.presentation()
    source = (await world.sources.get_many("org", presentation.source_ids))[0]
    assert source.status is IngestionStatus.INDEXED
    assert source.chunks_created == len(await world.chunks.for_documents("org", [source.id])) > 5
    assert world.store.objects[source.storage_key] == DOC
    assert len(world.index.points) == source.chunks_created
    assert [e.ingestion_status for e in world.progress.of_type(SourceIngested)] == ["indexed"]
    chunks = await world.chunks.for_documents("org", [source.id])
    usage = await world.usage.get("org", month_of(datetime.now(UTC)))
    assert usage.embedding_tokens == sum(c.token_count for c in chunks) > 0  # what the embedder was given


async def test_a_corrupt_source_fails_with_its_reason_and_nothing_is_indexed() -> None:
    world = World()
    presentation = await world.presentation(files={"broken.pdf": b"BAD bytes", "good.txt": DOC})
    broken, good = await world.sources.get_many("org", presentation.source_ids)
    assert broken.status is IngestionStatus.FAILED
    assert broken.error_code == "corrupt_document"
    assert broken.error_message == "broken.pdf: the file is damaged"
    assert good.status is IngestionStatus.INDEXED
    assert {c.document_id for c, _, _ in world.index.points.values()} == {good.id}


async def test_a_source_over_the_size_limit_fails_without_being_stored() -> None:
    world = World()
    source = SourceDocument.from_upload("org", "huge.txt", b"x")
    await world.sources.add(source)
    await world.ingest(source, b"x" * 100_001)
    assert source.status is IngestionStatus.FAILED
    assert source.error_code == "file_too_large"
    assert world.store.objects == {}


async def test_when_the_embedder_is_down_ingestion_fails_and_says_so() -> None:
    world = World()
    world.embedder.available = False
    source = SourceDocument.from_upload("org", "doc.txt", DOC)
    await world.sources.add(source)
    await world.ingest(source, DOC)
    assert source.status is IngestionStatus.FAILED
    assert source.error_code == "embedding_unavailable"


async def test_when_the_vector_index_is_down_sources_still_index_and_generation_warns() -> None:
    world = World()
    world.index.available = False
    presentation = await world.presentation(slides=3, topic="wind")
    source = (await world.sources.get_many("org", presentation.source_ids))[0]
    assert source.status is IngestionStatus.INDEXED
    await world.outline("org", presentation.id)
    done = await world.slides("org", presentation.id)
    assert done.status is PresentationStatus.READY
    assert DEGRADED_WARNING in done.warnings


async def test_outline_then_slides_produce_every_slide_in_outline_order_with_progress_events() -> None:
    world = World()
    presentation = await world.presentation(slides=5)
    outlined = await world.outline("org", presentation.id)
    assert outlined.status is PresentationStatus.OUTLINE_READY
    ready = await world.slides("org", presentation.id)
    assert ready.status is PresentationStatus.READY
    assert [s.content.title for s in ready.slides] == [f"Slide {i}" for i in range(1, 6)]
    completed = world.progress.of_type(SlideCompleted)
    assert sorted(e.slide_number for e in completed) == [1, 2, 3, 4, 5]
    assert [e.progress_pct for e in completed] == [20, 40, 60, 80, 100]
    assert isinstance(world.progress.events[-1], GenerationDone)
    assert world.progress.of_type(OutlineGenerated)[0].outline == tuple(f"Slide {i}" for i in range(1, 6))
    stored = await world.presentations.get("org", presentation.id)
    assert len(stored.slides) == 5


async def test_every_bullet_is_assessed_against_the_chunk_it_quotes() -> None:
    world = World()
    presentation = await world.presentation(slides=3)
    await world.outline("org", presentation.id)
    ready = await world.slides("org", presentation.id)
    bullets = [b for s in ready.slides for b in s.content.bullets]
    assert bullets
    assert all(b.supported and b.attributions[0].score == 1.0 for b in bullets)


async def test_slides_are_written_concurrently_but_never_above_the_bound() -> None:
    writer = QuotingWriter(meet=3)
    world = World(writer=writer, concurrency=3)
    presentation = await world.presentation(slides=10)
    await world.outline("org", presentation.id)
    await world.slides("org", presentation.id)
    assert writer.peak == 3


async def test_a_failing_slide_fails_the_generation_with_an_error_event_and_a_clear_status() -> None:
    writer = QuotingWriter(fail_on="Slide 2")
    world = World(writer=writer)
    presentation = await world.presentation(slides=3)
    await world.outline("org", presentation.id)
    with pytest.raises(LLMUnavailable):
        await world.slides("org", presentation.id)
    stored = await world.presentations.get("org", presentation.id)
    assert stored.status is PresentationStatus.FAILED
    assert stored.error_message == "the model is down"
    assert world.progress.of_type(GenerationFailed)[0].error_code == "llm_unavailable"


async def test_generating_without_any_indexed_source_is_refused_clearly() -> None:
    world = World()
    presentation = await world.presentation(files={"broken.pdf": b"BAD"})
    with pytest.raises(NoUsableSources):
        await world.outline("org", presentation.id)
    stored = await world.presentations.get("org", presentation.id)
    assert stored.status is PresentationStatus.FAILED


async def test_slides_cannot_be_generated_before_the_outline() -> None:
    world = World()
    presentation = await world.presentation()
    with pytest.raises(Conflict):
        await world.slides("org", presentation.id)


async def test_regenerating_a_slide_adds_a_version_drawn_from_other_passages_and_keeps_the_first() -> None:
    world = World()
    presentation = await world.presentation(slides=2)
    await world.outline("org", presentation.id)
    ready = await world.slides("org", presentation.id)
    slide = ready.slides[0]
    regenerated = await world.regenerate("org", presentation.id, slide.id, by="user-1")
    assert regenerated.version == 2
    assert regenerated.versions[1].reason is VersionReason.REGENERATED
    assert regenerated.versions[0].content == slide.content
    assert regenerated.content.attributions[0].chunk_id != slide.content.attributions[0].chunk_id
    stored = await world.presentations.get("org", presentation.id)
    assert stored.slide(slide.id).version == 2


async def test_another_organization_cannot_reach_the_presentation() -> None:
    from presentai.domain.errors import NotFound

    world = World()
    presentation = await world.presentation()
    with pytest.raises(NotFound):
        await world.outline("someone-else", presentation.id)


class LyingWriter(QuotingWriter):
    """Cites real chunks but misquotes one bullet and invents a number in another."""

    async def write(self, item, chunks, parameters, language, previous=None, *, said=()):  # type: ignore[no-untyped-def]
        from attrs import evolve

        content = await super().write(item, chunks, parameters, language, previous, said=said)
        first, second, *rest = content.bullets
        shifted = evolve(first.attributions[0], start=first.attributions[0].start + 1)
        misquoted = evolve(first, attributions=(shifted,))
        invented = evolve(second, text=second.text + " and 9,999 new jobs")
        return evolve(content, bullets=(misquoted, invented, *rest))


async def test_bullets_that_misquote_or_add_facts_are_marked_unsupported_whatever_the_writer_claims() -> None:
    world = World(writer=LyingWriter())
    presentation = await world.presentation(slides=1)
    await world.outline("org", presentation.id)
    ready = await world.slides("org", presentation.id)
    misquoted, invented, honest = ready.slides[0].content.bullets
    assert not misquoted.supported
    assert misquoted.attributions[0].score == 0.0
    assert not invented.supported
    assert honest.supported
    assert honest.attributions[0].score == 1.0


class ExplodingParser(ParagraphParser):
    def parse(self, data: bytes, filename: str):  # type: ignore[no-untyped-def]
        if data.startswith(b"BOOM"):
            raise RuntimeError("a bug in a parsing library")
        return super().parse(data, filename)


async def test_an_unexpected_error_on_one_file_fails_only_that_source() -> None:
    world = World(parser=ExplodingParser())
    presentation = await world.presentation(files={"odd.pptx": b"BOOM", "good.txt": DOC})
    odd, good = await world.sources.get_many("org", presentation.source_ids)
    assert (odd.status, odd.error_code) == (IngestionStatus.FAILED, "internal_error")
    assert good.status is IngestionStatus.INDEXED


async def test_a_document_of_headings_only_is_an_empty_source_not_an_indexed_one() -> None:
    world = World()
    presentation = await world.presentation(files={"toc.md": b"# One\n\n# Two\n\n# Three"})
    (toc,) = await world.sources.get_many("org", presentation.source_ids)
    assert (toc.status, toc.error_code) == (IngestionStatus.FAILED, "empty_document")


class BrokenPlanner(QuotingWriter):
    async def plan(self, request):  # type: ignore[no-untyped-def]
        raise RuntimeError("planner bug")


async def test_a_bug_while_outlining_leaves_the_presentation_failed_with_an_error_event() -> None:
    world = World(writer=BrokenPlanner())
    presentation = await world.presentation()
    with pytest.raises(RuntimeError):
        await world.outline("org", presentation.id)
    stored = await world.presentations.get("org", presentation.id)
    assert stored.status is PresentationStatus.FAILED
    assert world.progress.of_type(GenerationFailed)[0].error_code == "internal_error"


async def test_two_regenerations_of_one_presentation_at_once_both_keep_their_version() -> None:
    import asyncio

    world = World(writer=QuotingWriter(delay=0.01))  # the second starts while the first is writing
    presentation = await world.presentation(slides=2)
    await world.outline("org", presentation.id)
    ready = await world.slides("org", presentation.id)
    first, second = ready.slides
    await asyncio.gather(
        world.regenerate("org", presentation.id, first.id), world.regenerate("org", presentation.id, second.id)
    )
    stored = await world.presentations.get("org", presentation.id)
    assert [s.version for s in stored.slides] == [2, 2]


async def test_a_slide_cannot_be_regenerated_while_the_presentation_is_being_generated() -> None:
    world = World()
    presentation = await world.presentation(slides=2)
    await world.outline("org", presentation.id)
    ready = await world.slides("org", presentation.id)
    busy = await world.presentations.get("org", presentation.id)
    busy.start_outlining()
    await world.presentations.save(busy)
    with pytest.raises(Conflict):
        await world.regenerate("org", presentation.id, ready.slides[0].id)


async def test_an_ingestion_job_whose_embedder_is_down_runs_again_later_and_then_indexes() -> None:
    world = World()
    world.embedder.available = False
    source = SourceDocument.from_upload("org", "doc.txt", DOC)
    source.storage_key = original_key(source)
    await world.store.put(source.storage_key, DOC)
    await world.sources.add(source)
    run = world.run_job
    job = Job.new(JobKind.INGEST_SOURCE, "org", target_id=source.id)
    with pytest.raises(RetryLater):
        await run(job)
    assert (await world.sources.get("org", source.id)).error_code == "embedding_unavailable"

    world.embedder.available = True  # the service came back
    queue = InProcessJobQueue(lambda: run)
    await queue.enqueue(job)
    await queue.drain()
    again = await world.sources.get("org", source.id)
    assert again.status is IngestionStatus.INDEXED
    assert [e.ingestion_status for e in world.progress.of_type(SourceIngested)] == ["failed", "indexed"]


async def ready(world: World, slides: int = 2) -> Presentation:
    presentation = await world.presentation(slides=slides)
    await world.outline("org", presentation.id)
    return await world.slides("org", presentation.id)


async def test_an_export_is_rendered_converted_stored_and_announced_once() -> None:
    world = World()
    deck = await ready(world)
    export = request_export(deck, ExportFormat.PDF, by="anna")
    await world.exports.add(export)
    done = await world.export("org", export.id, job_id=export.id)
    assert (done.status, done.filename) == (ExportStatus.COMPLETED, "Fake-deck.pdf")
    stored = world.store.objects[done.storage_key]
    assert stored.startswith(b"pdf:")  # converted from the rendered deck
    assert deck.slides[0].content.title.encode() in stored
    announced = world.progress.of_type(ExportCompleted)
    assert len(announced) == 1
    assert announced[0].download_url == f"https://decks.example.com{done.download_path}"

    again = await world.export("org", export.id, job_id=export.id)  # the job ran twice: announce, do not remake
    assert (again.download_token, world.converter.calls) == (done.download_token, 1)
    assert len(world.progress.of_type(ExportCompleted)) == 2


async def test_a_broken_converter_fails_the_export_with_its_reason_and_pptx_still_works() -> None:
    world = World()
    deck = await ready(world)
    world.converter.broken = True
    pdf = request_export(deck, ExportFormat.PDF, by="anna")
    await world.exports.add(pdf)
    failed = await world.export("org", pdf.id, job_id=pdf.id)
    assert (failed.status, failed.error_message) == (ExportStatus.FAILED, "pdf export failed: the converter crashed")
    errors = world.progress.of_type(GenerationFailed)
    assert [(e.job_id, e.error_code) for e in errors] == [(pdf.id, "export_failed")]
    assert not [key for key in world.store.objects if key.startswith("exports/")]
    pptx = request_export(deck, ExportFormat.PPTX, by="anna")
    await world.exports.add(pptx)
    assert (await world.export("org", pptx.id, job_id=pptx.id)).status is ExportStatus.COMPLETED


async def test_a_store_that_is_down_fails_the_export_and_the_job_runs_again_until_it_is_made() -> None:
    world = World()
    deck = await ready(world)
    export = request_export(deck, ExportFormat.PPTX, by="anna")
    await world.exports.add(export)
    world.store.available = False
    with pytest.raises(StorageUnavailable):
        await world.export("org", export.id, job_id=export.id)
    assert (await world.exports.get("org", export.id)).status is ExportStatus.FAILED
    world.store.available = True
    done = await world.export("org", export.id, job_id=export.id)
    assert done.status is ExportStatus.COMPLETED


async def test_an_export_is_refused_at_once_when_it_cannot_succeed() -> None:
    world = World()
    empty = await world.presentation(slides=2)
    with pytest.raises(Conflict):
        request_export(empty, ExportFormat.PPTX, by="anna")
    deck = await ready(world)
    with pytest.raises(ValidationFailed):
        request_export(deck, ExportFormat.GOOGLE_SLIDES, by="anna")
    assert isinstance(request_export(deck, ExportFormat.PNG, by="anna"), Export)


async def test_a_generation_whose_job_is_given_up_fails_and_can_be_started_again() -> None:
    world = World()
    deck = await world.presentation(slides=2)
    await world.outline("org", deck.id)
    stuck = await world.presentations.get("org", deck.id)
    job = Job.new(JobKind.GENERATE_SLIDES, "org", presentation_id=deck.id)
    stuck.start_generating(job.id)  # its worker died with the machine, on the last attempt
    await world.presentations.save(stuck)
    await world.run_job.give_up(job, "the worker stopped answering")
    failed = await world.presentations.get("org", deck.id)
    assert failed.status is PresentationStatus.FAILED
    assert "the worker stopped answering" in failed.error_message
    [event] = world.progress.of_type(GenerationFailed)
    assert (event.job_id, event.error_code) == (job.id, "job_failed")
    failed.start_generating("a-new-job")  # not stuck: generating again is allowed


async def test_giving_up_an_old_job_leaves_what_a_newer_job_holds_alone() -> None:
    world = World()
    deck = await world.presentation(slides=2)
    await world.outline("org", deck.id)
    busy = await world.presentations.get("org", deck.id)
    busy.start_generating("the-newer-job")
    await world.presentations.save(busy)
    old = Job.new(JobKind.GENERATE_SLIDES, "org", presentation_id=deck.id)
    await world.run_job.give_up(old, "lost")
    assert (await world.presentations.get("org", deck.id)).status is PresentationStatus.GENERATING


async def test_given_up_ingestions_and_exports_are_failed_not_left_running() -> None:
    world = World()
    source = SourceDocument.from_upload("org", "doc.txt", DOC)
    source.start_processing()
    await world.sources.add(source)
    ingest = Job.new(JobKind.INGEST_SOURCE, "org", target_id=source.id)
    await world.run_job.give_up(ingest, "lost")
    assert (await world.sources.get("org", source.id)).status is IngestionStatus.FAILED
    [ingested] = world.progress.of_type(SourceIngested)
    assert (ingested.job_id, ingested.ingestion_status) == (ingest.id, "failed")

    deck = await ready(world)
    export = request_export(deck, ExportFormat.PDF, by="anna")
    export.start()
    await world.exports.add(export)
    job = Job(export.id, JobKind.EXPORT_PRESENTATION, "org", deck.id, export.id)
    await world.run_job.give_up(job, "lost")
    assert (await world.exports.get("org", export.id)).status is ExportStatus.FAILED


async def test_the_in_process_queue_gives_up_a_job_whose_provider_stays_down() -> None:
    world = World()
    deck = await world.presentation(slides=2)
    await world.outline("org", deck.id)
    stuck = await world.presentations.get("org", deck.id)
    job = Job.new(JobKind.GENERATE_SLIDES, "org", presentation_id=deck.id)
    stuck.start_generating(job.id)
    await world.presentations.save(stuck)

    class ProviderDown:
        async def __call__(self, job: Job) -> None:
            raise LLMUnavailable("every model is down", "anthropic")

        give_up = world.run_job.give_up

    queue = InProcessJobQueue(ProviderDown, attempts=2, backoff_s=0)
    await queue.enqueue(job)
    await queue.drain()
    failed = await world.presentations.get("org", deck.id)
    assert failed.status is PresentationStatus.FAILED
    assert "every model is down" in failed.error_message


async def test_housekeeping_deletes_expired_files_and_purges_decks_deleted_long_ago() -> None:
    world = World()
    housekeeping = Housekeeping(exports=world.exports, presentations=world.presentations, store=world.store)
    kept, purged = await ready(world), await ready(world)
    exports = []
    for deck in (kept, kept, purged):
        export = request_export(deck, ExportFormat.PPTX, by="anna")
        await world.exports.add(export)
        exports.append(await world.export("org", export.id, job_id=export.id))
    now = datetime.now(UTC)
    assert (await housekeeping(now)).export_files_deleted == 0  # every link still works
    gone = await world.presentations.get("org", purged.id)
    gone.deleted_at = now - timedelta(days=31)
    await world.presentations.save(gone)
    recent = await world.presentations.get("org", kept.id)
    recent.deleted_at = now - timedelta(days=1)  # it can still be restored, and is kept
    await world.presentations.save(recent)

    report = await housekeeping(now + timedelta(days=2))  # the links (24 h) have expired too
    assert report == HousekeepingReport(export_files_deleted=3, presentations_purged=1)
    assert not [key for key in world.store.objects if key.startswith("exports/")]
    stored = await world.exports.get("org", exports[0].id)
    assert (stored.status, stored.storage_key) == (ExportStatus.COMPLETED, "")  # the record stays
    with pytest.raises(NotFound):
        await world.presentations.get("org", purged.id)
    assert await world.exports.for_presentation("org", purged.id) == []
    assert (await world.presentations.get("org", kept.id)).deleted_at is not None
    assert await world.sources.ids("org")  # sources belong to the organization: never purged with a deck
    assert await housekeeping(now + timedelta(days=2)) == HousekeepingReport(0, 0)  # nothing left to do
