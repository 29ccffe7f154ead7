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
    kind: str  # "outline", "slide" or "regenerate"
    prompt: str
    response: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: int
    fallback_triggered: bool
    template_version: str
    bullets: int = 0  # of a slide call: bullets written, with attributions, supported by their quotes
    attributed: int = 0
    supported: int = 0
    id: str = field(factory=new_id)
    created_at: datetime = field(factory=lambda: datetime.now(UTC))


@frozen
class QualityMetrics:
    """How one prompt template version does, from its traces."""

    template_version: str
    calls: int
    slides: int
    regeneration_rate: float  # regenerations per slide written
    attribution_coverage: float  # bullets citing a passage / bullets
    unsupported_bullet_rate: float  # bullets their quotes do not support / bullets
    latency_ms_per_slide: float
    tokens_per_slide: float
    fallback_rate: float  # calls answered by a fallback model / calls


def quality_by_template(traces: list[GenerationTrace]) -> list[QualityMetrics]:
    """Metrics per template version, most used first."""
    groups: dict[str, list[GenerationTrace]] = {}
    for trace in traces:
        groups.setdefault(trace.template_version, []).append(trace)
    metrics = []
    for version, group in groups.items():
        writing = [t for t in group if t.kind in ("slide", "regenerate")]
        slides = sum(1 for t in writing if t.kind == "slide")
        bullets = sum(t.bullets for t in writing)
        metrics.append(
            QualityMetrics(
                template_version=version,
                calls=len(group),
                slides=slides,
                regeneration_rate=_ratio(sum(1 for t in writing if t.kind == "regenerate"), slides),
                attribution_coverage=_ratio(sum(t.attributed for t in writing), bullets),
                unsupported_bullet_rate=_ratio(sum(t.bullets - t.supported for t in writing), bullets),
                latency_ms_per_slide=_ratio(sum(t.latency_ms for t in writing), len(writing)),
                tokens_per_slide=_ratio(sum(t.input_tokens + t.output_tokens for t in writing), len(writing)),
                fallback_rate=_ratio(sum(t.fallback_triggered for t in group), len(group)),
            )
        )
    return sorted(metrics, key=lambda m: -m.calls)


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0
