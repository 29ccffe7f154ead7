"""Hybrid retrieval: dense vectors and lexical ranking fused by reciprocal rank."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence

from attrs import frozen

from presentai.domain.errors import EmbeddingUnavailable, VectorIndexUnavailable
from presentai.domain.sources import Chunk
from presentai.ports.embeddings import Embedder
from presentai.ports.retrieval import LexicalRanker, ScoredChunk, SearchScope, VectorIndex

RRF_K = 60  # the usual reciprocal-rank-fusion constant; damps the weight of the very top ranks


class RetrievalMode(enum.StrEnum):
    """Which rankers a search uses."""

    DENSE = "dense"
    LEXICAL = "lexical"
    HYBRID = "hybrid"


@frozen
class Retrieved:
    """Search hits, best first; ``degraded`` when dense retrieval was unavailable."""

    hits: list[ScoredChunk]
    degraded: bool = False


class Retriever:
    """Finds the chunks of a scope most relevant to a query.

    When the vector index or the embedder is down, it falls back to lexical
    ranking and says so in the result, so that the caller can warn the user.
    """

    def __init__(self, *, embedder: Embedder, index: VectorIndex, lexical: LexicalRanker, mode: RetrievalMode) -> None:
        self._embedder = embedder
        self._index = index
        self._lexical = lexical
        self._mode = mode

    async def search(self, query: str, scope: SearchScope, chunks: Sequence[Chunk], limit: int) -> Retrieved:
        """The ``limit`` best chunks for ``query``; ``chunks`` are every chunk of ``scope``."""
        if not query.strip() or not chunks:
            return Retrieved([])
        depth = max(limit * 3, 20)
        rankings: list[list[ScoredChunk]] = []
        degraded = False
        if self._mode is not RetrievalMode.LEXICAL:
            dense = await self._dense(query, scope, depth)
            degraded = dense is None
            if dense is not None:
                rankings.append(dense)
        if self._mode is not RetrievalMode.DENSE or not rankings:
            # Building a BM25 index for a new set of chunks takes tens of milliseconds: keep it off the loop.
            rankings.append(await asyncio.to_thread(self._lexical.rank, query, chunks, depth))
        hits = fuse(rankings, limit) if len(rankings) > 1 else rankings[0][:limit]
        return Retrieved(hits, degraded)

    async def _dense(self, query: str, scope: SearchScope, depth: int) -> list[ScoredChunk] | None:
        try:
            vector = await self._embedder.embed_query(query)
            return await self._index.search(vector, scope, depth)
        except (VectorIndexUnavailable, EmbeddingUnavailable):
            return None


def fuse(rankings: Sequence[Sequence[ScoredChunk]], limit: int) -> list[ScoredChunk]:
    """Reciprocal rank fusion of several rankings into one, best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
    return [ScoredChunk(chunk_id, score) for chunk_id, score in best]
