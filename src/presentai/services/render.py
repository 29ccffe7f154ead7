"""RenderDeck: compose a presentation's full deck and write it to a file format."""

from __future__ import annotations

import asyncio

from presentai.domain.deck import compose_deck
from presentai.domain.errors import Conflict
from presentai.ports.rendering import DeckRenderer
from presentai.ports.repositories import PresentationRepository, SourceRepository


class RenderDeck:
    """Renders a ready presentation (e.g. to PPTX) and returns the file's bytes."""

    def __init__(
        self, *, presentations: PresentationRepository, sources: SourceRepository, renderer: DeckRenderer
    ) -> None:
        self._presentations = presentations
        self._sources = sources
        self._renderer = renderer

    async def __call__(self, organization_id: str, presentation_id: str, template: bytes | None = None) -> bytes:
        """The rendered deck; refused while the presentation has no slides."""
        _, data = await self.titled(organization_id, presentation_id, template)
        return data

    async def titled(
        self, organization_id: str, presentation_id: str, template: bytes | None = None
    ) -> tuple[str, bytes]:
        """The deck's title and the rendered deck."""
        presentation = await self._presentations.get(organization_id, presentation_id)
        if not presentation.slides:
            raise Conflict("the presentation has no slides to render yet")
        documents = await self._sources.get_many(organization_id, presentation.source_ids)
        deck = compose_deck(presentation, {d.id: d for d in documents})
        return deck.title, await asyncio.to_thread(self._renderer.render, deck, template)
