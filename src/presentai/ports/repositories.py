"""The system of record: presentations, sources and chunks, always scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from presentai.domain.exports import Export
from presentai.domain.presentation import Presentation, PresentationSummary
from presentai.domain.projects import Project
from presentai.domain.prompts import PromptTemplate
from presentai.domain.sources import Chunk, SourceDocument


class PresentationRepository(Protocol):
    """Presentations with their slides and versions."""

    async def add(self, presentation: Presentation) -> None:
        """Store a new presentation."""
        ...

    async def get(self, organization_id: str, presentation_id: str) -> Presentation:
        """The presentation, if it belongs to ``organization_id``; else ``NotFound``."""
        ...

    async def save(self, presentation: Presentation) -> None:
        """Store the current state and bump ``presentation.revision``.

        ``Conflict`` when it was saved by someone else since this copy was read.
        """
        ...

    async def list(self, organization_id: str) -> list[Presentation]:
        """The organization's presentations that are not deleted, newest first."""
        ...

    async def page(
        self,
        organization_id: str,
        limit: int,
        *,
        before: str = "",
        status: str = "",
        text: str = "",
        project_id: str = "",
    ) -> Sequence[PresentationSummary]:
        """Up to ``limit`` live presentations older than id ``before``, newest first, filtered by status
        and by ``text`` in the title (case-insensitive)."""
        ...

    async def find_by_slide(self, organization_id: str, slide_id: str) -> Presentation | None:
        """The organization's presentation that holds the slide, if any."""
        ...

    async def deleted_before(self, cutoff: datetime, limit: int) -> Sequence[tuple[str, str]]:
        """(organization id, presentation id) of up to ``limit`` presentations of any organization deleted
        before ``cutoff``, oldest first (for housekeeping)."""
        ...

    async def remove(self, organization_id: str, presentation_id: str) -> None:
        """Delete the presentation for good, with its slides and versions."""
        ...


class SourceRepository(Protocol):
    """Source documents and their ingestion state."""

    async def add(self, source: SourceDocument) -> None:
        """Store a new source."""
        ...

    async def get(self, organization_id: str, source_id: str) -> SourceDocument:
        """The source, if it belongs to ``organization_id``; else ``NotFound``."""
        ...

    async def save(self, source: SourceDocument) -> None:
        """Store the current state of a source already added."""
        ...

    async def get_many(self, organization_id: str, source_ids: Sequence[str]) -> list[SourceDocument]:
        """The sources among ``source_ids`` that belong to ``organization_id``, in that order."""
        ...

    async def ids(self, organization_id: str) -> list[str]:
        """The ids of every source of the organization."""
        ...

    async def find_indexed(self, organization_id: str, content_hash: str, vector_model: str) -> SourceDocument | None:
        """The latest source of the organization with these bytes, indexed with this model, if any."""
        ...

    async def stored_bytes(self, organization_id: str) -> int:
        """The bytes of every original the organization has stored (its sources' sizes added up)."""
        ...


class ChunkRepository(Protocol):
    """Chunks of indexed sources."""

    async def replace_for_document(self, organization_id: str, document_id: str, chunks: Sequence[Chunk]) -> None:
        """Make ``chunks`` the document's only chunks."""
        ...

    async def for_documents(self, organization_id: str, document_ids: Sequence[str]) -> list[Chunk]:
        """Every chunk of the documents, in document then reading order."""
        ...

    async def get_many(self, organization_id: str, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks among ``chunk_ids`` that belong to ``organization_id``, in that order."""
        ...


class ProjectRepository(Protocol):
    """Projects, scoped to their organization."""

    async def add(self, project: Project) -> None:
        """Store a new project."""
        ...

    async def get(self, organization_id: str, project_id: str) -> Project:
        """The organization's project, or ``NotFound``."""
        ...

    async def save(self, project: Project) -> None:
        """Store the project's current state."""
        ...

    async def delete(self, organization_id: str, project_id: str) -> None:
        """Remove the project."""
        ...

    async def list(self, organization_id: str, include_archived: bool = False) -> list[Project]:
        """The organization's projects, newest first."""
        ...


class PromptTemplateRepository(Protocol):
    """Every version of every prompt template."""

    async def add(self, template: PromptTemplate) -> PromptTemplate:
        """Store a new version, numbered one after the latest of its name; the stored template."""
        ...

    async def get(self, template_id: str) -> PromptTemplate:
        """A version, or ``NotFound``."""
        ...

    async def save(self, template: PromptTemplate) -> None:
        """Store a version's active flag and weight."""
        ...

    async def all(self) -> list[PromptTemplate]:
        """Every version, by name then version."""
        ...


class ExportRepository(Protocol):
    """Exports of presentations, scoped to their organization."""

    async def add(self, export: Export) -> None:
        """Store a new export."""
        ...

    async def get(self, organization_id: str, export_id: str) -> Export:
        """The organization's export, or ``NotFound``."""
        ...

    async def save(self, export: Export) -> None:
        """Store the export's current state."""
        ...

    async def for_presentation(self, organization_id: str, presentation_id: str) -> list[Export]:
        """The presentation's exports, newest first."""
        ...

    async def for_download(self, export_id: str, token: str) -> Export | None:
        """The export whose download link carries ``token`` (the link is the credential), or ``None``."""
        ...

    async def for_organization(self, organization_id: str) -> list[Export]:
        """Every export of the organization, newest first."""
        ...

    async def expired(self, now: datetime, limit: int) -> list[Export]:
        """Up to ``limit`` exports of any organization whose link has expired by ``now`` but whose file is
        still stored, oldest first (for housekeeping)."""
        ...

    async def remove_for_presentation(self, organization_id: str, presentation_id: str) -> None:
        """Delete the presentation's exports."""
        ...
