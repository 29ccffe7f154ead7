"""The converter between domain values and SQL rows (JSON columns), private to this adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args, get_origin

import cattrs

from presentai.domain.presentation import GenerationParameters, Outline
from presentai.domain.slides import SlideContent

# Rows come from our own writes: no per-field error collection (detailed_validation), which makes the
# generated structuring code several times faster on slide-sized documents.
_rows = cattrs.Converter(detailed_validation=False)


def _is_homogeneous_tuple(kind: Any) -> bool:
    return get_origin(kind) is tuple and len(get_args(kind)) == 2 and get_args(kind)[1] is Ellipsis


def _homogeneous_tuple(kind: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    element = get_args(kind)[0]
    structure = _rows.get_structure_hook(element)  # resolved once, not per element
    return lambda values, _: tuple([structure(v, element) for v in values])


_rows.register_structure_hook_factory(_is_homogeneous_tuple, _homogeneous_tuple)


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
