"""Exports: a presentation written to a file (PPTX, PDF, PNG slides) that its people download."""

from __future__ import annotations

import enum
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from attrs import define, field

from presentai.domain.errors import Conflict, Gone, NotFound, ValidationFailed
from presentai.domain.ids import new_id

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class ExportFormat(enum.StrEnum):
    """What an export produces."""

    PPTX = "pptx"
    PDF = "pdf"
    PNG = "png"  # one image per slide, in a ZIP archive
    GOOGLE_SLIDES = "google_slides"

    @property
    def extension(self) -> str:
        """The downloaded file's extension."""
        return {"pptx": "pptx", "pdf": "pdf", "png": "zip", "google_slides": "pptx"}[self.value]

    @property
    def media_type(self) -> str:
        """The downloaded file's content type."""
        return {
            "pptx": PPTX_MEDIA_TYPE,
            "pdf": "application/pdf",
            "png": "application/zip",
            "google_slides": PPTX_MEDIA_TYPE,
        }[self.value]

    @classmethod
    def parse(cls, value: str) -> ExportFormat:
        """The format named ``value``; ``ValidationFailed`` for anything else."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise ValidationFailed(f"format is one of {names}", {"format": "unknown"}) from None


class ExportStatus(enum.StrEnum):
    """``queued → running → completed | failed``."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


def _now() -> datetime:
    return datetime.now(UTC)


@define
class Export:
    """One export of a presentation, and the link it can be downloaded from until it expires.

    The link carries a random token of 256 bits: whoever holds it may download the file, as with a
    presigned URL, without signing in, until ``expires_at``.
    """

    id: str
    organization_id: str
    presentation_id: str
    format: ExportFormat
    status: ExportStatus = ExportStatus.QUEUED
    requested_by: str = ""
    storage_key: str = ""
    filename: str = ""
    size_bytes: int = 0
    download_token: str = ""
    error_message: str = ""
    created_at: datetime = field(factory=_now)
    completed_at: datetime | None = None
    expires_at: datetime | None = None

    @classmethod
    def request(cls, organization_id: str, presentation_id: str, export_format: ExportFormat, *, by: str) -> Export:
        """A new export, queued."""
        return cls(new_id(), organization_id, presentation_id, export_format, requested_by=by)

    def start(self) -> None:
        """A worker took it (again, if an earlier run died)."""
        if self.status is ExportStatus.COMPLETED:
            raise Conflict(f"export {self.id} is already completed")
        self.status = ExportStatus.RUNNING
        self.error_message = ""

    def complete(self, storage_key: str, filename: str, size_bytes: int, ttl: timedelta, now: datetime) -> None:
        """The file is stored; its link works for ``ttl`` from ``now``."""
        self.status = ExportStatus.COMPLETED
        self.storage_key = storage_key
        self.filename = filename
        self.size_bytes = size_bytes
        self.download_token = secrets.token_urlsafe(32)
        self.completed_at = now
        self.expires_at = now + ttl

    def fail(self, message: str) -> None:
        """The export could not be made; ``message`` says why."""
        self.status = ExportStatus.FAILED
        self.error_message = message

    @property
    def download_path(self) -> str | None:
        """Where the file is downloaded, under the service's public URL; ``None`` until it is made."""
        if self.status is not ExportStatus.COMPLETED or not self.download_token:
            return None
        return f"/api/v1/presentations/{self.presentation_id}/export/{self.id}/download?token={self.download_token}"

    def download_url(self, public_url: str, now: datetime) -> str | None:
        """The link under the service's ``public_url`` while it works; ``None`` before or after."""
        path = self.download_path
        if path is None or self.expired(now):
            return None
        return f"{public_url.rstrip('/')}{path}"

    def purge(self) -> None:
        """Its file was deleted (the link had expired); the record stays."""
        self.storage_key = ""

    def expired(self, now: datetime) -> bool:
        """Whether the download link has stopped working."""
        return self.expires_at is not None and now >= self.expires_at

    def check_download(self, token: str, now: datetime) -> None:
        """Allow a download with ``token``: ``NotFound`` for a wrong token (or none yet: the file is
        not made), ``Gone`` once the link has expired."""
        if not self.download_token or not hmac.compare_digest(self.download_token, token):
            raise NotFound.of("export", self.id)
        if self.expired(now):
            raise Gone(f"the download link of export {self.id} expired at {self.expires_at:%Y-%m-%d %H:%M} UTC")


def export_filename(title: str, export_format: ExportFormat) -> str:
    """A safe file name from the deck's title (letters of any script are kept), e.g. ``Q3-review.pptx``."""
    stem = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-_")[:80] or "presentation"
    return f"{stem}.{export_format.extension}"
