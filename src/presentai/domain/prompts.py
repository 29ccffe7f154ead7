"""Prompt templates as versioned data: which system prompt plans outlines and writes slides."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime

from attrs import define, field

from presentai.domain.errors import ValidationFailed
from presentai.domain.ids import new_id

TEMPLATE_NAMES = ("outline", "slide")


@define
class PromptTemplate:
    """One version of a named prompt. Active versions share the traffic by weight (A/B tests)."""

    id: str
    name: str
    version: int
    system: str
    active: bool = False
    weight: int = 100
    created_by: str = ""
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def draft(cls, name: str, system: str, *, by: str = "") -> PromptTemplate:
        """A new version (numbered by the repository), inactive until an administrator turns it on."""
        if name not in TEMPLATE_NAMES:
            raise ValidationFailed(f"name is one of {', '.join(TEMPLATE_NAMES)}", {"name": "unknown"})
        if len(system.strip()) < 20:
            raise ValidationFailed("the system prompt is too short to be one", {"system": "too short"})
        return cls(new_id(), name, 0, system.strip(), created_by=by)

    def configure(self, *, active: bool | None = None, weight: int | None = None) -> None:
        """Turn the version on or off, or change its share of the traffic."""
        if weight is not None:
            if not 0 <= weight <= 1000:
                raise ValidationFailed("weight is between 0 and 1000", {"weight": "out of range"})
            self.weight = weight
        if active is not None:
            self.active = active

    @property
    def label(self) -> str:
        """How traces name this version, e.g. ``slide-v3``."""
        return f"{self.name}-v{self.version}"


def choose(templates: Sequence[PromptTemplate], name: str, rng: random.Random | None = None) -> PromptTemplate | None:
    """An active version of ``name`` drawn by weight; ``None`` when no version is active with weight."""
    candidates = [t for t in templates if t.name == name and t.active and t.weight > 0]
    if not candidates:
        return None
    draw = (rng or random).choices(candidates, weights=[t.weight for t in candidates])
    return draw[0]
