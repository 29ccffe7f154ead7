"""Background jobs: what runs outside a request (ingestion, generation), and who may watch it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime

from attrs import field, frozen

from presentai.domain.ids import new_id


class JobKind(enum.StrEnum):
    """The kinds of work the workers do."""

    INGEST_SOURCE = "ingest_source"
    GENERATE_OUTLINE = "generate_outline"
    GENERATE_SLIDES = "generate_slides"
    REGENERATE_SLIDE = "regenerate_slide"
    EXPORT_PRESENTATION = "export_presentation"

    @property
    def final_events(self) -> frozenset[str]:
        """The event types after which a job of this kind has nothing more to say."""
        return _FINAL_EVENTS[self]


_FINAL_EVENTS = {
    JobKind.INGEST_SOURCE: frozenset({"ingestion_completed"}),
    JobKind.GENERATE_OUTLINE: frozenset({"outline_generated", "generation_error"}),
    JobKind.GENERATE_SLIDES: frozenset({"generation_done", "generation_error"}),
    JobKind.REGENERATE_SLIDE: frozenset({"slide_completed", "generation_error"}),
    JobKind.EXPORT_PRESENTATION: frozenset({"export_completed", "generation_error"}),
}


@frozen
class Job:
    """One unit of background work; its progress events are streamed under its id.

    A job is idempotent: running it again after a crash finishes the work without duplicating it.
    """

    id: str
    kind: JobKind
    organization_id: str
    presentation_id: str = ""
    target_id: str = ""  # the source to ingest, the slide to regenerate, or the export to make
    requested_by: str = ""
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def new(
        cls, kind: JobKind, organization_id: str, *, presentation_id: str = "", target_id: str = "", by: str = ""
    ) -> Job:
        """A job to run now."""
        return cls(new_id(), kind, organization_id, presentation_id, target_id, by)

    def fields(self) -> dict[str, str]:
        """The job as plain strings (a queue message, a Redis hash)."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "organization_id": self.organization_id,
            "presentation_id": self.presentation_id,
            "target_id": self.target_id,
            "requested_by": self.requested_by,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Job:
        """The job ``fields()`` wrote."""
        return cls(
            fields["id"],
            JobKind(fields["kind"]),
            fields["organization_id"],
            fields["presentation_id"],
            fields["target_id"],
            fields["requested_by"],
            datetime.fromisoformat(fields["created_at"]),
        )


def event_order(event_id: str) -> tuple[int, int]:
    """A stream event id (``<ms>-<seq>``, as Redis Streams make them) as a sortable pair;
    ``ValueError`` for anything else."""
    milliseconds, _, sequence = event_id.partition("-")
    return int(milliseconds), int(sequence or 0)
