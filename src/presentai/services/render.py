"""RenderDeck: compose a presentation's full deck and write it to a file format, in its theme and brand kit."""

from __future__ import annotations

import asyncio

from attrs import evolve

from presentai.domain.brand_kits import BrandStyle
from presentai.domain.deck import compose_deck
from presentai.domain.errors import Conflict
from presentai.domain.presentation import check_theme
from presentai.ports.rendering import DeckRenderer
from presentai.ports.repositories import PresentationRepository, SourceRepository
from presentai.services.brand_kits import DeckLooks


class RenderDeck:
    """Renders a ready presentation (e.g. to PPTX) and returns the file's bytes.

    The deck is drawn on the presentation's built-in ``theme`` (or the ``theme`` the caller passes).
    Over it goes, first, what the caller passes (a ``template`` or a ``brand``: the library and the
    CLI); else the brand kit the presentation names, or its organization's default kit (``looks``).
    A brand kit's colours, fonts and logo recolour the theme; a template replaces it.
    """

    def __init__(
        self,
        *,
        presentations: PresentationRepository,
        sources: SourceRepository,
        renderer: DeckRenderer,
        looks: DeckLooks | None = None,
    ) -> None:
        self._presentations = presentations
        self._sources = sources
        self._renderer = renderer
        self._looks = looks

    async def __call__(
        self,
        organization_id: str,
        presentation_id: str,
        template: bytes | None = None,
        brand: BrandStyle | None = None,
        *,
        theme: str | None = None,
    ) -> bytes:
        """The rendered deck; refused while the presentation has no slides."""
        _, data = await self.titled(organization_id, presentation_id, template, brand, theme=theme)
        return data

    async def titled(
        self,
        organization_id: str,
        presentation_id: str,
        template: bytes | None = None,
        brand: BrandStyle | None = None,
        *,
        theme: str | None = None,
    ) -> tuple[str, bytes]:
        """The deck's title and the rendered deck (in ``theme`` when given, else the presentation's)."""
        if theme is not None:
            check_theme(theme)
        presentation = await self._presentations.get(organization_id, presentation_id)
        if not presentation.slides:
            raise Conflict("the presentation has no slides to render yet")
        documents = await self._sources.get_many(organization_id, presentation.source_ids)
        deck = compose_deck(presentation, {d.id: d for d in documents})
        if theme is not None:
            deck = evolve(deck, theme=theme)
        if template is None and brand is None and self._looks is not None:
            look = await self._looks.look(organization_id, presentation.parameters.brand_kit_id)
            template, brand = look.template, look.brand
        if brand is not None:
            deck = evolve(deck, brand=brand)
        return deck.title, await asyncio.to_thread(self._renderer.render, deck, template)
