"""Keeping generation traces."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.tracing import GenerationTrace


class TraceSink(Protocol):
    """Stores generation traces; never loses one, never stores one twice."""

    async def record(self, trace: GenerationTrace) -> None:
        """Keep the trace (buffered if the store is down; it must not fail the generation)."""
        ...

    async def recent(self, limit: int = 10_000) -> list[GenerationTrace]:
        """The latest traces of every organization, newest first (for platform-wide quality metrics)."""
        ...

    async def traces(self, organization_id: str, limit: int = 100) -> list[GenerationTrace]:
        """The organization's latest traces that reached the store, newest first."""
        ...
