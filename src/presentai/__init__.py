"""PresentAI: turn your own documents into a presentation whose every statement is traceable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AsyncPresentAI", "GeneratedDeck", "PresentAI", "Settings"]

if TYPE_CHECKING:
    from presentai.config import Settings
    from presentai.entrypoints.library import AsyncPresentAI, GeneratedDeck, PresentAI


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import presentai.domain` stays free of heavy libraries.
    if name == "Settings":
        from presentai.config import Settings

        return Settings
    if name in ("PresentAI", "AsyncPresentAI", "GeneratedDeck"):
        from presentai.entrypoints import library

        return getattr(library, name)
    raise AttributeError(f"module 'presentai' has no attribute {name!r}")
