"""The converter between domain values and SQL rows (JSON columns), private to this adapter."""

from __future__ import annotations

from typing import Any

import cattrs

from presentai.domain.presentation import GenerationParameters, Outline
from presentai.domain.slides import SlideContent

_rows = cattrs.Converter()


def dump(value: SlideContent | Outline | GenerationParameters) -> Any:
    """A JSON-ready structure of a frozen domain value."""
    return _rows.unstructure(value)


def load_content(data: Any) -> SlideContent:
    """Slide content from its JSON column."""
    return _rows.structure(data, SlideContent)


def load_outline(data: Any) -> Outline | None:
    """An outline from its JSON column (``None`` when there is none)."""
    return None if data is None else _rows.structure(data, Outline)


def load_parameters(data: Any) -> GenerationParameters:
    """Generation parameters from their JSON column."""
    return _rows.structure(data, GenerationParameters)
