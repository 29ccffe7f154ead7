"""In-process repositories for the embedded mode; every read is scoped to one organization.

They hand out copies, so that a caller mutating an entity does not change the
stored state until it calls ``save``, exactly as with a database. Only the
mutable containers are copied: slide versions, outlines and parameters are
frozen values and are shared, which keeps a save linear in the slide count.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from attrs import evolve

from presentai.domain.errors import Conflict, NotFound
from presentai.domain.exports import Export, ExportStatus
from presentai.domain.presentation import Presentation, PresentationSummary
from presentai.domain.projects import Project
from presentai.domain.prompts import PromptTemplate
from presentai.domain.sources import Chunk, IngestionStatus, SourceDocument


def _copy(presentation: Presentation) -> Presentation:
    return evolve(
        presentation,
        source_ids=list(presentation.source_ids),
        warnings=list(presentation.warnings),
        slides=[evolve(slide, versions=list(slide.versions)) for slide in presentation.slides],
    )


class InProcessPresentationRepository:
    """Presentations kept in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, Presentation] = {}

    async def add(self, presentation: Presentation) -> None:
        """Store a new presentation."""
        self._rows[presentation.id] = _copy(presentation)

    async def get(self, organization_id: str, presentation_id: str) -> Presentation:
        """The organization's presentation, or ``NotFound``."""
        row = self._rows.get(presentation_id)
        if row is None or row.organization_id != organization_id:
            raise NotFound.of("presentation", presentation_id)
        return _copy(row)

    async def save(self, presentation: Presentation) -> None:
        """Replace the stored state."""
        stored = self._rows.get(presentation.id)
        if stored is None or stored.organization_id != presentation.organization_id:
            raise NotFound.of("presentation", presentation.id)
        if stored.revision != presentation.revision:
            raise Conflict("the presentation was changed meanwhile; reload it and try again")
        presentation.revision += 1
        self._rows[presentation.id] = _copy(presentation)

    async def page(
        self,
        organization_id: str,
        limit: int,
        *,
        before: str = "",
        status: str = "",
        text: str = "",
        project_id: str = "",
    ) -> list[PresentationSummary]:
        """A page of summaries, newest first."""
        found = [
            PresentationSummary.of(p)
            for p in sorted(self._rows.values(), key=lambda p: p.id, reverse=True)
            if p.organization_id == organization_id
            and p.deleted_at is None
            and (not before or p.id < before)
            and (not status or p.status.value == status)
            and (not project_id or p.project_id == project_id)
            and text.lower() in p.title.lower()
        ]
        return found[:limit]

    async def find_by_slide(self, organization_id: str, slide_id: str) -> Presentation | None:
        """The organization's presentation holding the slide."""
        for row in self._rows.values():
            if row.organization_id == organization_id and any(s.id == slide_id for s in row.slides):
                return _copy(row)
        return None

    async def list(self, organization_id: str) -> list[Presentation]:
        """Newest first."""
        rows = [p for p in self._rows.values() if p.organization_id == organization_id and p.deleted_at is None]
        return [_copy(p) for p in sorted(rows, key=lambda p: p.id, reverse=True)]

    async def deleted_before(self, cutoff: datetime, limit: int) -> Sequence[tuple[str, str]]:
        """Oldest deletion first."""
        rows = sorted(
            (p for p in self._rows.values() if p.deleted_at is not None and p.deleted_at < cutoff),
            key=lambda p: (p.deleted_at, p.id),
        )
        return [(p.organization_id, p.id) for p in rows[:limit]]

    async def remove(self, organization_id: str, presentation_id: str) -> None:
        """Forget the presentation."""
        row = self._rows.get(presentation_id)
        if row is not None and row.organization_id == organization_id:
            del self._rows[presentation_id]


class InProcessSourceRepository:
    """Source documents kept in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, SourceDocument] = {}

    async def add(self, source: SourceDocument) -> None:
        """Store a new source."""
        self._rows[source.id] = copy.copy(source)

    async def get(self, organization_id: str, source_id: str) -> SourceDocument:
        """The organization's source, or ``NotFound``."""
        row = self._rows.get(source_id)
        if row is None or row.organization_id != organization_id:
            raise NotFound.of("source", source_id)
        return copy.copy(row)

    async def save(self, source: SourceDocument) -> None:
        """Replace the stored state."""
        stored = self._rows.get(source.id)
        if stored is None or stored.organization_id != source.organization_id:
            raise NotFound.of("source", source.id)
        self._rows[source.id] = copy.copy(source)

    async def get_many(self, organization_id: str, source_ids: Sequence[str]) -> list[SourceDocument]:
        """The organization's sources among ``source_ids``, in that order."""
        found = (self._rows.get(i) for i in source_ids)
        return [copy.copy(s) for s in found if s is not None and s.organization_id == organization_id]

    async def find_indexed(self, organization_id: str, content_hash: str, vector_model: str) -> SourceDocument | None:
        """The latest matching indexed source."""
        matches = [
            s
            for s in self._rows.values()
            if (s.organization_id, s.content_hash, s.vector_model, s.status)
            == (organization_id, content_hash, vector_model, IngestionStatus.INDEXED)
        ]
        return copy.copy(max(matches, key=lambda s: s.id)) if matches else None

    async def ids(self, organization_id: str) -> list[str]:
        """The organization's source ids, oldest first."""
        return sorted(i for i, s in self._rows.items() if s.organization_id == organization_id)

    async def stored_bytes(self, organization_id: str) -> int:
        """The organization's sources' sizes added up."""
        return sum(s.size_bytes for s in self._rows.values() if s.organization_id == organization_id)


class InProcessChunkRepository:
    """Chunks kept per document (chunks are immutable values, so no copies are needed)."""

    def __init__(self) -> None:
        self._by_document: dict[str, list[Chunk]] = {}
        self._by_id: dict[str, Chunk] = {}

    async def replace_for_document(self, organization_id: str, document_id: str, chunks: Sequence[Chunk]) -> None:
        """Make ``chunks`` the document's only chunks."""
        for old in self._by_document.pop(document_id, []):
            self._by_id.pop(old.id, None)
        kept = [c for c in chunks if c.organization_id == organization_id and c.document_id == document_id]
        self._by_document[document_id] = sorted(kept, key=lambda c: c.index)
        self._by_id.update((c.id, c) for c in kept)

    async def for_documents(self, organization_id: str, document_ids: Sequence[str]) -> list[Chunk]:
        """The documents' chunks, document by document, in reading order."""
        return [c for d in document_ids for c in self._by_document.get(d, []) if c.organization_id == organization_id]

    async def get_many(self, organization_id: str, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The organization's chunks among ``chunk_ids``, in that order."""
        found = (self._by_id.get(i) for i in chunk_ids)
        return [c for c in found if c is not None and c.organization_id == organization_id]


class InProcessProjectRepository:
    """Projects in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, Project] = {}

    async def add(self, project: Project) -> None:
        """Store a new project."""
        self._rows[project.id] = copy.copy(project)

    async def get(self, organization_id: str, project_id: str) -> Project:
        """The organization's project, or ``NotFound``."""
        row = self._rows.get(project_id)
        if row is None or row.organization_id != organization_id:
            raise NotFound.of("project", project_id)
        return copy.copy(row)

    async def save(self, project: Project) -> None:
        """Store the project's state."""
        await self.get(project.organization_id, project.id)
        self._rows[project.id] = copy.copy(project)

    async def delete(self, organization_id: str, project_id: str) -> None:
        """Remove the project."""
        if project_id in self._rows and self._rows[project_id].organization_id == organization_id:
            del self._rows[project_id]

    async def list(self, organization_id: str, include_archived: bool = False) -> list[Project]:
        """The organization's projects, newest first."""
        rows = [
            p
            for p in self._rows.values()
            if p.organization_id == organization_id and (include_archived or not p.archived)
        ]
        return [copy.copy(p) for p in sorted(rows, key=lambda p: p.id, reverse=True)]


class InProcessPromptTemplateRepository:
    """Prompt template versions in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, PromptTemplate] = {}

    async def add(self, template: PromptTemplate) -> PromptTemplate:
        """Number and store a new version."""
        template.version = 1 + max((t.version for t in self._rows.values() if t.name == template.name), default=0)
        self._rows[template.id] = copy.copy(template)
        return copy.copy(template)

    async def get(self, template_id: str) -> PromptTemplate:
        """A version, or ``NotFound``."""
        if template_id not in self._rows:
            raise NotFound.of("prompt template", template_id)
        return copy.copy(self._rows[template_id])

    async def save(self, template: PromptTemplate) -> None:
        """Store the active flag and the weight."""
        self._rows[template.id] = copy.copy(template)

    async def all(self) -> list[PromptTemplate]:
        """By name, then version."""
        return [copy.copy(t) for t in sorted(self._rows.values(), key=lambda t: (t.name, t.version))]


class InProcessExportRepository:
    """Exports in a dict."""

    def __init__(self) -> None:
        self._rows: dict[str, Export] = {}

    async def add(self, export: Export) -> None:
        """Store a new export."""
        self._rows[export.id] = copy.copy(export)

    async def get(self, organization_id: str, export_id: str) -> Export:
        """The organization's export, or ``NotFound``."""
        found = self._rows.get(export_id)
        if found is None or found.organization_id != organization_id:
            raise NotFound.of("export", export_id)
        return copy.copy(found)

    async def save(self, export: Export) -> None:
        """Store the export's state."""
        await self.get(export.organization_id, export.id)
        self._rows[export.id] = copy.copy(export)

    async def for_presentation(self, organization_id: str, presentation_id: str) -> list[Export]:
        """Newest first."""
        return [e for e in await self.for_organization(organization_id) if e.presentation_id == presentation_id]

    async def for_download(self, export_id: str, token: str) -> Export | None:
        """The export with this link token."""
        found = self._rows.get(export_id)
        if found is None or not token or found.download_token != token:
            return None
        return copy.copy(found)

    async def for_organization(self, organization_id: str) -> list[Export]:
        """Newest first."""
        rows = [e for e in self._rows.values() if e.organization_id == organization_id]
        return [copy.copy(e) for e in sorted(rows, key=lambda e: e.id, reverse=True)]

    async def expired(self, now: datetime, limit: int) -> list[Export]:
        """Oldest expiry first."""
        rows = [
            e
            for e in self._rows.values()
            if e.storage_key and e.expires_at is not None and e.status is ExportStatus.COMPLETED and e.expired(now)
        ]
        return [copy.copy(e) for e in sorted(rows, key=lambda e: (e.expires_at, e.id))[:limit]]

    async def remove_for_presentation(self, organization_id: str, presentation_id: str) -> None:
        """Forget the presentation's exports."""
        for export in await self.for_presentation(organization_id, presentation_id):
            del self._rows[export.id]
