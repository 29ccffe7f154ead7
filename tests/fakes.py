"""In-memory implementations of PresentAI's ports for unit tests; they record what happened."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
from collections.abc import Sequence

from presentai.domain.deck import Deck
from presentai.domain.errors import (
    CorruptDocument,
    EmbeddingUnavailable,
    NotFound,
    RenderError,
    StorageUnavailable,
    VectorIndexUnavailable,
)
from presentai.domain.events import ProgressEvent
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.sources import Block, BlockKind, Chunk, ParsedDocument
from presentai.domain.text import sentence_spans, words
from presentai.ports.retrieval import ScoredChunk, SearchScope
from presentai.ports.writing import PlanningInput


class WordTokenizer:
    """One token per whitespace-separated word."""

    name = "words"

    def count(self, text: str) -> int:
        return len(text.split())

    def truncate(self, text: str, max_tokens: int) -> str:
        return " ".join(text.split()[:max_tokens])


class InMemoryEmbedder:
    """Bag-of-words vectors hashed into 64 dimensions: texts sharing words are close."""

    name = "hashed-words-64"
    dimension = 64

    def __init__(self, *, available: bool = True) -> None:
        self.available = available
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in words(text):
            slot = int(hashlib.md5(word[:5].encode(), usedforsecurity=False).hexdigest(), 16) % self.dimension
            vector[slot] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    async def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        if not self.available:
            raise EmbeddingUnavailable("embedding service is down", "fake")
        return [self._vector(t) for t in texts]

    async def embed_query(self, text: str) -> list[float]:
        if not self.available:
            raise EmbeddingUnavailable("embedding service is down", "fake")
        return self._vector(text)


class InMemoryVectorIndex:
    """Vectors in a dict, searched by cosine similarity; can be switched off to simulate an outage."""

    def __init__(self, *, available: bool = True) -> None:
        self.available = available
        self.points: dict[str, tuple[Chunk, list[float], str]] = {}
        self.closed = False

    def _check(self) -> None:
        if not self.available:
            raise VectorIndexUnavailable("vector index is down", "fake")

    async def open(self) -> None:
        self._check()

    async def upsert(
        self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], *, presentation_id: str = ""
    ) -> None:
        self._check()
        for document in {(c.organization_id, c.document_id) for c in chunks}:
            await self.delete_document(*document)
        for chunk, vector in zip(chunks, vectors, strict=True):
            self.points[chunk.id] = (chunk, list(vector), presentation_id)

    async def search(self, vector: Sequence[float], scope: SearchScope, limit: int) -> list[ScoredChunk]:
        self._check()
        hits = [
            ScoredChunk(chunk.id, sum(a * b for a, b in zip(vector, stored, strict=True)))
            for chunk, stored, _ in self.points.values()
            if chunk.organization_id == scope.organization_id and chunk.document_id in scope.document_ids
        ]
        return sorted(hits, key=lambda h: h.score, reverse=True)[:limit]

    async def delete_document(self, organization_id: str, document_id: str) -> None:
        self._check()
        for key, (chunk, _, _) in list(self.points.items()):
            if chunk.organization_id == organization_id and chunk.document_id == document_id:
                del self.points[key]

    async def retain_documents(self, organization_id: str, document_ids: Sequence[str]) -> None:
        self._check()
        for key, (chunk, _, _) in list(self.points.items()):
            if chunk.organization_id == organization_id and chunk.document_id not in document_ids:
                del self.points[key]

    async def close(self) -> None:
        self.closed = True


class InMemoryObjectStore:
    """Objects in a dict; ``available = False`` makes writes fail as a store that is down."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.available = True

    async def put(self, key: str, data: bytes) -> None:
        if not self.available:
            raise StorageUnavailable(f"could not write {key}: the store is down", "memory")
        self.objects[key] = bytes(data)

    async def get(self, key: str) -> bytes:
        if key not in self.objects:
            raise NotFound.of("object", key)
        return self.objects[key]

    async def exists(self, key: str) -> bool:
        return key in self.objects

    async def delete(self, key: str) -> None:
        self.objects.pop(key, None)


class TextRenderer:
    """Renders a deck as its slide titles, one per line."""

    media_type = "text/plain"

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        return "\n".join(slide.title for slide in deck.slides).encode()


class PrefixingConverter:
    """Converts by prefixing the target's name; ``broken`` makes every conversion a RenderError."""

    def __init__(self) -> None:
        self.broken = False
        self.calls = 0

    def convert(self, pptx: bytes, target: str) -> bytes:
        self.calls += 1
        if self.broken:
            raise RenderError(f"{target} export failed: the converter crashed")
        return target.encode() + b":" + pptx


class RecordingProgressSink:
    """Keeps every event it is given."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []

    async def publish(self, event: ProgressEvent) -> None:
        self.events.append(event)

    def of_type(self, kind: type) -> list[ProgressEvent]:
        return [e for e in self.events if isinstance(e, kind)]


class QuotingWriter:
    """Plans one item per slide over the chunks in order; writes one bullet per chunk quoting its first sentence.

    It records how many slides it was writing at once, and can be told to fail on one item, to take
    ``delay`` seconds over each slide, or to ``meet``: then writes wait until that many are under way
    at once (60 s at most: if they never are, the test's assertion says so), and go on from then on,
    so that a test of concurrency does not depend on writes happening to overlap in time.
    """

    def __init__(self, *, delay: float = 0.0, meet: int = 0, fail_on: str | None = None) -> None:
        self.delay = delay
        self.fail_on = fail_on
        self.running = 0
        self.peak = 0
        self.written: list[str] = []
        self.meet(meet)

    def meet(self, writes: int) -> None:
        """From now on, writes wait until ``writes`` of them are under way at once."""
        self._company, self._met = writes, asyncio.Event()

    async def plan(self, request: PlanningInput) -> Outline:
        count = request.parameters.slide_count
        chunks = list(request.chunks)
        if request.relevance:
            chunks.sort(key=lambda c: request.relevance.get(c.id, 0.0), reverse=True)
        items = tuple(
            OutlineItem(f"Slide {i + 1}", (), tuple(c.id for c in chunks[i::count][:2])) for i in range(count)
        )
        return Outline("Fake deck", items)

    async def write(
        self,
        item: OutlineItem,
        chunks: Sequence[Chunk],
        parameters: GenerationParameters,
        language: str,
        previous: SlideContent | None = None,
        *,
        said: Sequence[str] = (),
    ) -> SlideContent:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            if self.running >= self._company:
                self._met.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._met.wait(), 60)
            await asyncio.sleep(self.delay)
            if item.title == self.fail_on:
                from presentai.domain.errors import LLMUnavailable

                raise LLMUnavailable("the model is down", "fake")
            used = {a.chunk_id for a in previous.attributions} if previous else set()
            ordered = [c for c in chunks if c.id not in used] + [c for c in chunks if c.id in used]
            bullets = []
            for chunk in ordered[:3]:
                start, end = sentence_spans(chunk.text)[0]
                quote = chunk.text[start:end]
                attribution = Attribution(chunk.document_id, chunk.id, quote, start, end, chunk.page, chunk.section)
                bullets.append(Bullet(quote, 0, (attribution,)))
            self.written.append(item.title)
            return SlideContent(Layout.BULLETS, item.title, tuple(bullets))
        finally:
            self.running -= 1


class ParagraphParser:
    """Parses UTF-8 text: lines starting with ``#`` are headings, blank lines separate paragraphs.

    Bytes starting with ``BAD`` are a corrupt document.
    """

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        if data.startswith(b"BAD"):
            raise CorruptDocument("the file is damaged", filename)
        blocks: list[Block] = []
        section = ""
        for piece in data.decode().split("\n\n"):
            text = piece.strip()
            if text.startswith("#"):
                section = text.lstrip("# ")
                blocks.append(Block(BlockKind.HEADING, section, 1, 1, section))
            elif text:
                blocks.append(Block(BlockKind.PARAGRAPH, text, 1, 0, section))
        return ParsedDocument("text/plain", tuple(blocks), title=blocks[0].text if blocks else "")
