"""Writing a deck to a file format."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.deck import Deck


class DeckRenderer(Protocol):
    """Renders a composed deck into a document (PPTX …)."""

    @property
    def media_type(self) -> str:
        """The MIME type of what ``render`` returns."""
        ...

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as a file; ``template`` is an optional corporate template. Raises ``RenderError``."""
        ...


class DeckConverter(Protocol):
    """Turns a rendered PPTX into another format (PDF, slide images)."""

    def convert(self, pptx: bytes, target: str) -> bytes:
        """The deck as ``target`` (``pdf``; ``png``: a ZIP of one image per slide). Raises ``RenderError``."""
        ...
