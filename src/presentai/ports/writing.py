"""Planning an outline and writing slides: by extraction or by a language model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem
from presentai.domain.slides import SlideContent
from presentai.domain.sources import Chunk, SourceDocument


@frozen
class PlanningInput:
    """What an outline is planned from."""

    parameters: GenerationParameters
    language: str
    documents: Sequence[SourceDocument]
    chunks: Sequence[Chunk]  # every chunk of the sources, in document order
    relevance: dict[str, float]  # chunk id → relevance to the topic (0 when no topic)


class OutlinePlanner(Protocol):
    """Plans one outline item per content slide."""

    async def plan(self, request: PlanningInput) -> Outline:
        """An outline of exactly ``request.parameters.slide_count`` items."""
        ...


class SlideWriter(Protocol):
    """Writes one slide from its outline item and retrieved chunks."""

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
        """The slide's content; every bullet carries attributions into ``chunks``.

        ``previous`` is the content being regenerated: the writer should offer a
        different take on it. ``said`` holds the bullets already on the deck's other
        slides: none of them may be repeated (the service drops any that are).
        """
        ...
