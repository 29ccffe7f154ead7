"""Finding the chunks relevant to a query: dense vectors and lexical ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

from presentai.domain.sources import Chunk


@frozen
class SearchScope:
    """Whose chunks a search may return: always one organization, some of its documents."""

    organization_id: str
    document_ids: tuple[str, ...]


@frozen
class ScoredChunk:
    """A chunk id with a relevance score (higher is better)."""

    chunk_id: str
    score: float


class VectorIndex(Protocol):
    """Stores chunk vectors with their tenant payload and searches them."""

    async def open(self) -> None:
        """Connect and create what is missing.

        Raises ``VectorIndexUnavailable`` when the index cannot be reached (callers
        may go on without it) and ``WorkspaceInUse`` when another process holds it.
        """
        ...

    async def upsert(
        self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], *, presentation_id: str = ""
    ) -> None:
        """Make these the only vectors of the chunks' documents. Raises ``VectorIndexUnavailable``."""
        ...

    async def search(self, vector: Sequence[float], scope: SearchScope, limit: int) -> list[ScoredChunk]:
        """The ``limit`` nearest chunks inside ``scope``. Raises ``VectorIndexUnavailable``."""
        ...

    async def delete_document(self, organization_id: str, document_id: str) -> None:
        """Remove every vector of one document."""
        ...

    async def retain_documents(self, organization_id: str, document_ids: Sequence[str]) -> None:
        """Remove the organization's vectors of every document not in ``document_ids``."""
        ...

    async def close(self) -> None:
        """Release the index (files, connections)."""
        ...


class LexicalRanker(Protocol):
    """Ranks chunks by word overlap with a query (BM25 and the like)."""

    def rank(self, query: str, chunks: Sequence[Chunk], limit: int) -> list[ScoredChunk]:
        """The ``limit`` best chunks of ``chunks`` for ``query``; chunks with no match are left out."""
        ...
