"""Progress events of jobs, named and shaped as the WebSocket protocol sends them."""

from __future__ import annotations

import time
from typing import ClassVar

from attrs import field, frozen

from presentai.domain.sources import IngestionStatus, SourceDocument


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@frozen(kw_only=True)
class _Event:
    type: ClassVar[str]
    job_id: str
    timestamp: int = field(factory=_now_ms)


@frozen(kw_only=True)
class StageProgressed(_Event):
    """A stage (parse, embed, outline, slides, render) moved on: ``done`` of ``total``."""

    type: ClassVar[str] = "stage_progress"
    stage: str
    done: int
    total: int
    detail: str = ""


@frozen(kw_only=True)
class SourceIngested(_Event):
    """A source finished ingestion, indexed or failed."""

    type: ClassVar[str] = "ingestion_completed"
    source_document_id: str
    ingestion_status: str
    chunks_created: int | None = None
    error_message: str | None = None

    @classmethod
    def of(cls, source: SourceDocument, job_id: str) -> SourceIngested:
        """The event for a source whose ingestion has ended, indexed or failed."""
        indexed = source.status is IngestionStatus.INDEXED
        return cls(
            job_id=job_id,
            source_document_id=source.id,
            ingestion_status=source.status.value,
            chunks_created=source.chunks_created if indexed else None,
            error_message=source.error_message or None,
        )


@frozen(kw_only=True)
class OutlineGenerated(_Event):
    """The outline is ready: one title per content slide."""

    type: ClassVar[str] = "outline_generated"
    presentation_id: str
    outline: tuple[str, ...]


@frozen(kw_only=True)
class SlideCompleted(_Event):
    """One slide was written and saved."""

    type: ClassVar[str] = "slide_completed"
    slide_id: str
    slide_number: int
    slide_title: str
    progress_pct: int


@frozen(kw_only=True)
class GenerationDone(_Event):
    """Every slide is written."""

    type: ClassVar[str] = "generation_done"
    presentation_id: str
    total_slides: int
    total_duration_ms: int


@frozen(kw_only=True)
class GenerationFailed(_Event):
    """The generation stopped with an error."""

    type: ClassVar[str] = "generation_error"
    error_code: str
    error_message: str
    slide_number: int | None = None


@frozen(kw_only=True)
class ExportCompleted(_Event):
    """An export's file is stored and can be downloaded from ``download_url`` until it expires."""

    type: ClassVar[str] = "export_completed"
    export_job_id: str
    presentation_id: str
    format: str
    download_url: str | None = None
    google_file_id: str | None = None


ProgressEvent = (
    StageProgressed
    | SourceIngested
    | OutlineGenerated
    | SlideCompleted
    | GenerationDone
    | GenerationFailed
    | ExportCompleted
)
