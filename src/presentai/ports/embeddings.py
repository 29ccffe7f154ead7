"""Turning text into vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Embedder(Protocol):
    """Embeds passages and queries into one vector space."""

    @property
    def name(self) -> str:
        """A stable name of the model, stored with the vectors it made."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        ...

    async def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-length vector per passage. Raises ``EmbeddingUnavailable``."""
        ...

    async def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for a search query. Raises ``EmbeddingUnavailable``."""
        ...
