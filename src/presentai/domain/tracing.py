"""What a generation records about each language-model call (for quality metrics and audits)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

from attrs import field, frozen

from presentai.domain.ids import new_id


@frozen
class GenerationContext:
    """Which generation a model call belongs to (set by the use cases for the task they run in)."""

    organization_id: str = ""
    presentation_id: str = ""
    job_id: str = ""


generation_context: ContextVar[GenerationContext] = ContextVar(
    "generation_context",
    default=GenerationContext(),  # noqa: B039 - frozen: the default cannot be changed in place
)


@frozen
class GenerationTrace:
    """One model call of a generation: prompt, answer, who answered, what it cost and how long it took."""

    organization_id: str
    presentation_id: str
    job_id: str
    kind: str  # "outline" or "slide"
    prompt: str
    response: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: int
    fallback_triggered: bool
    template_version: str
    id: str = field(factory=new_id)
    created_at: datetime = field(factory=lambda: datetime.now(UTC))
