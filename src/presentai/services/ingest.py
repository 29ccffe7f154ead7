"""IngestSource: store, parse, chunk, embed and index one source document."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.chunking import ChunkingRules
from presentai.domain.errors import (
    EmbeddingUnavailable,
    EmptyDocument,
    FileTooLarge,
    SourceError,
    StorageUnavailable,
    TokenLimitExceeded,
    VectorIndexUnavailable,
)
from presentai.domain.events import SourceIngested, StageProgressed
from presentai.domain.preparation import PreparedDocument
from presentai.domain.sources import Chunk, SourceDocument, megabytes
from presentai.domain.usage import month_of
from presentai.ports.embeddings import Embedder
from presentai.ports.parsing import DocumentParser, DocumentPreparer
from presentai.ports.progress import ProgressSink
from presentai.ports.repositories import ChunkRepository, SourceRepository
from presentai.ports.retrieval import VectorIndex
from presentai.ports.storage import ObjectStore
from presentai.ports.tokens import Tokenizer
from presentai.ports.usage import UsageLedger
from presentai.services.usage import Quotas


@frozen
class IngestionLimits:
    """How much one source may be."""

    max_bytes: int = 20 * 1024 * 1024
    embed_batch: int = 64


def original_key(source: SourceDocument) -> str:
    """Where a source's original bytes are kept in the object store."""
    return f"{source.organization_id}/sources/{source.id}/original"


class ThreadedPreparer:
    """Parses and chunks on a thread of this process: the embedded library's way (one user, one run).

    The service and its workers use a child-process preparer instead (adapters/isolated_reading.py):
    a thread holds the interpreter's lock while it parses, and so stalls the event loop beside it. That
    preparer still gives small documents to this one, where a child's start would cost more than the read.
    """

    def __init__(self, parser: DocumentParser, tokenizer: Tokenizer, rules: ChunkingRules) -> None:
        self._parser = parser
        self._tokenizer = tokenizer
        self._rules = rules

    async def prepare(self, data: bytes, filename: str, *, document_id: str, organization_id: str) -> PreparedDocument:
        """``data`` parsed and chunked on threads."""
        parsed = await asyncio.to_thread(self._parser.parse, data, filename)
        return await asyncio.to_thread(
            PreparedDocument.of,
            parsed,
            document_id=document_id,
            organization_id=organization_id,
            count_tokens=self._tokenizer.count,
            rules=self._rules,
        )


class IngestSource:
    """Turns a pending source into indexed chunks, or marks it failed with a clear reason."""

    def __init__(
        self,
        *,
        parser: DocumentParser,
        tokenizer: Tokenizer,
        embedder: Embedder,
        index: VectorIndex,
        store: ObjectStore,
        sources: SourceRepository,
        chunks: ChunkRepository,
        progress: ProgressSink,
        rules: ChunkingRules,
        limits: IngestionLimits,
        usage: UsageLedger,
        index_vectors: bool = True,
        preparer: DocumentPreparer | None = None,
        quotas: Quotas | None = None,
    ) -> None:
        self._preparer = preparer or ThreadedPreparer(parser, tokenizer, rules)
        self._embedder = embedder
        self._index = index
        self._store = store
        self._sources = sources
        self._chunks = chunks
        self._progress = progress
        self._limits = limits
        self._usage = usage
        self._quotas = quotas  # the service's: the tokens are spent in one step with the plan's check
        self._index_vectors = index_vectors  # off when every search is lexical: no model, no index

    async def __call__(self, source: SourceDocument, data: bytes, *, job_id: str = "") -> SourceDocument:
        """Ingest ``data`` as ``source``; returns the source, ``indexed`` or ``failed``.

        A bad file or a failing embedder never raises: the source records why it
        failed and the caller moves on to its other sources.
        """
        job_id = job_id or source.id
        source.start_processing()
        await self._sources.save(source)
        try:
            await self._ingest(source, data, job_id)
        except (SourceError, EmbeddingUnavailable, StorageUnavailable, TokenLimitExceeded) as error:
            source.mark_failed(error.code, f"{source.filename}: {error.message}")
        except Exception:  # noqa: BLE001 - a bug met on one file must not sink the other sources
            source.mark_failed("internal_error", f"{source.filename}: could not be read (an internal error)")
        except BaseException:
            # Cancelled or interrupted: record it, never leave the source "processing".
            source.mark_failed("interrupted", f"{source.filename}: ingestion was interrupted")
            await self._sources.save(source)
            raise
        await self._sources.save(source)
        await self._progress.publish(SourceIngested.of(source, job_id))
        return source

    async def _ingest(self, source: SourceDocument, data: bytes, job_id: str) -> None:
        if len(data) > self._limits.max_bytes:
            raise FileTooLarge(
                f"{megabytes(len(data))} is over the {megabytes(self._limits.max_bytes)} limit",
                source.filename,
                self._limits.max_bytes,
            )
        await self._stage(job_id, "parse", 0, 1, source.filename)
        prepared = await self._preparer.prepare(
            data, source.filename, document_id=source.id, organization_id=source.organization_id
        )
        await self._stage(job_id, "parse", 1, 1, source.filename)
        chunks = list(prepared.chunks)
        if not chunks:
            raise EmptyDocument("the document has headings but no text under them", source.filename)
        if not source.storage_key:  # a background job's upload was stored before it was queued
            source.storage_key = original_key(source)
            await self._store.put(source.storage_key, data)  # kept only for files that can be used
        embedded = sum(c.token_count for c in chunks)
        month = month_of(datetime.now(UTC))
        if self._quotas is not None:
            await self._quotas.spend_embedding(source.organization_id, embedded)  # refused: nothing is indexed
        else:
            await self._usage.add(source.organization_id, month, embedding=embedded)
        try:
            vector_model = await self._index_chunks(source, chunks, job_id) if self._index_vectors else ""
            await self._chunks.replace_for_document(source.organization_id, source.id, chunks)
        except BaseException:
            await self._usage.add(source.organization_id, month, embedding=-embedded)  # settled: nothing was used
            raise
        source.mark_indexed(prepared.header, chunks, prepared.language, vector_model)
        if self._index_vectors and not vector_model:
            source.error_message = "vector index unavailable; indexed for keyword search only"

    async def _index_chunks(self, source: SourceDocument, chunks: list[Chunk], job_id: str) -> str:
        """Embed and index the chunks; the embedding model's name, or "" when the index is down."""
        vectors = await self._embed(chunks, job_id, source.filename)
        try:
            await self._index.upsert(chunks, vectors, presentation_id=source.presentation_id)
        except VectorIndexUnavailable:
            return ""  # chunks stay usable through lexical retrieval; generation warns the user
        return self._embedder.name

    async def _embed(self, chunks: list[Chunk], job_id: str, name: str) -> list[list[float]]:
        vectors: list[list[float]] = []
        batch = self._limits.embed_batch
        await self._stage(job_id, "embed", 0, len(chunks), name)
        for i in range(0, len(chunks), batch):
            vectors.extend(await self._embedder.embed_passages([c.text for c in chunks[i : i + batch]]))
            await self._stage(job_id, "embed", min(i + batch, len(chunks)), len(chunks), name)
        return vectors

    async def _stage(self, job_id: str, stage: str, done: int, total: int, detail: str) -> None:
        await self._progress.publish(StageProgressed(job_id=job_id, stage=stage, done=done, total=total, detail=detail))
