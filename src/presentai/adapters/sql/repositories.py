"""SQL repositories: presentations (slides, append-only versions), sources and chunks.

Every statement names the organization, so no query can return another
tenant's rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from presentai.adapters.sql.database import Database, Json, Row, Session, from_json, from_timestamp
from presentai.adapters.sql.rows import dump, load_content, load_outline, load_parameters
from presentai.domain.errors import Conflict, NotFound
from presentai.domain.exports import Export, ExportFormat, ExportStatus
from presentai.domain.presentation import Presentation, PresentationStatus, PresentationSummary
from presentai.domain.projects import Project
from presentai.domain.prompts import PromptTemplate
from presentai.domain.slides import Slide, SlideVersion, VersionReason
from presentai.domain.sources import Chunk, IngestionStatus, SourceDocument

T = TypeVar("T")


async def _by_ids(
    database: Database,
    table: str,
    columns: str,
    organization_id: str,
    ids: Sequence[str],
    *,
    convert: Callable[[Row], T],
) -> list[T]:
    """The organization's rows of ``table`` among ``ids``, converted, in the order of ``ids``."""
    if not ids:
        return []
    async with database.transaction() as session:
        rows = await session.fetch(
            f"SELECT {columns} FROM {table} WHERE organization_id = %s AND id IN ({', '.join(['%s'] * len(ids))})",
            [organization_id, *ids],
        )
    found = {row["id"]: convert(row) for row in rows}
    return [found[i] for i in ids if i in found]


class SqlPresentationRepository:
    """Presentations in SQL; saving writes new slide versions only, never rewrites old ones."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, presentation: Presentation) -> None:
        """Store a new presentation."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO presentations (id, organization_id, title, status, parameters, outline, language,"
                " warnings, error_message, deleted_at, project_id, job_id, theme, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    presentation.id,
                    presentation.organization_id,
                    *self._fields(presentation),
                    presentation.created_at,
                ],
            )
            await self._write_children(session, presentation)

    async def get(self, organization_id: str, presentation_id: str) -> Presentation:
        """The organization's presentation, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM presentations WHERE id = %s AND organization_id = %s", [presentation_id, organization_id]
            )
            if not rows:
                raise NotFound.of("presentation", presentation_id)
            return await self._load(session, rows[0])

    async def save(self, presentation: Presentation) -> None:
        """Store the current state: fields, source list, slide order and any new versions."""
        async with self._database.transaction() as session:
            found = await session.fetch(
                "UPDATE presentations SET title = %s, status = %s, parameters = %s, outline = %s, language = %s,"
                " warnings = %s, error_message = %s, deleted_at = %s, project_id = %s, job_id = %s, theme = %s,"
                " revision = revision + 1"
                " WHERE id = %s AND organization_id = %s AND revision = %s RETURNING revision",
                [*self._fields(presentation), presentation.id, presentation.organization_id, presentation.revision],
            )
            if not found:
                exists = await session.fetch(
                    "SELECT 1 FROM presentations WHERE id = %s AND organization_id = %s",
                    [presentation.id, presentation.organization_id],
                )
                if not exists:
                    raise NotFound.of("presentation", presentation.id)
                raise Conflict("the presentation was changed meanwhile; reload it and try again")
            await self._write_children(session, presentation)
        presentation.revision = found[0]["revision"]

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
        """A page of summaries in one query, newest first."""
        sql = (
            "SELECT id, organization_id, title, status, parameters, language, created_at, theme FROM presentations"
            " WHERE organization_id = %s AND deleted_at IS NULL"
        )
        params: list[object] = [organization_id]
        if before:
            sql += " AND id < %s"
            params.append(before)
        if status:
            sql += " AND status = %s"
            params.append(status)
        if project_id:
            sql += " AND project_id = %s"
            params.append(project_id)
        if text:
            sql += " AND LOWER(title) LIKE %s ESCAPE '\\'"
            params.append("%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        sql += " ORDER BY id DESC LIMIT %s"
        params.append(limit)
        async with self._database.read() as session:
            rows = await session.fetch(sql, params)
        return [
            PresentationSummary(
                row["id"],
                row["organization_id"],
                row["title"],
                PresentationStatus(row["status"]),
                load_parameters(from_json(row["parameters"])),
                row["language"],
                from_timestamp(row["created_at"]),
                row["theme"],
            )
            for row in rows
        ]

    async def deleted_before(self, cutoff: datetime, limit: int) -> list[tuple[str, str]]:
        """Oldest deletion first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT organization_id, id FROM presentations WHERE deleted_at IS NOT NULL AND deleted_at < %s"
                " ORDER BY deleted_at, id LIMIT %s",
                [cutoff, limit],
            )
        return [(row["organization_id"], row["id"]) for row in rows]

    async def remove(self, organization_id: str, presentation_id: str) -> None:
        """Delete the presentation; its slides, versions, source links and exports go by their cascades."""
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM presentations WHERE id = %s AND organization_id = %s", [presentation_id, organization_id]
            )

    async def find_by_slide(self, organization_id: str, slide_id: str) -> Presentation | None:
        """The organization's presentation holding the slide."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT p.* FROM presentations p JOIN slides s ON s.presentation_id = p.id"
                " WHERE s.id = %s AND p.organization_id = %s",
                [slide_id, organization_id],
            )
            return await self._load(session, rows[0]) if rows else None

    async def list(self, organization_id: str) -> list[Presentation]:
        """Newest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM presentations WHERE organization_id = %s AND deleted_at IS NULL ORDER BY id DESC",
                [organization_id],
            )
            return [await self._load(session, row) for row in rows]

    @staticmethod
    def _fields(presentation: Presentation) -> tuple[object, ...]:
        outline = presentation.outline
        return (
            presentation.title,
            presentation.status.value,
            Json(dump(presentation.parameters)),
            Json(dump(outline)) if outline is not None else None,
            presentation.language,
            Json(list(presentation.warnings)),
            presentation.error_message,
            presentation.deleted_at,
            presentation.project_id,
            presentation.job_id,
            presentation.theme,
        )

    @staticmethod
    async def _write_children(session: Session, presentation: Presentation) -> None:
        await session.execute("DELETE FROM presentation_sources WHERE presentation_id = %s", [presentation.id])
        await session.executemany(
            "INSERT INTO presentation_sources (presentation_id, source_id, position) VALUES (%s, %s, %s)",
            [(presentation.id, source_id, i) for i, source_id in enumerate(presentation.source_ids)],
        )
        stored = await session.fetch(
            "SELECT s.id, MAX(v.number) AS latest FROM slides s LEFT JOIN slide_versions v ON v.slide_id = s.id"
            " WHERE s.presentation_id = %s GROUP BY s.id",
            [presentation.id],
        )
        latest = {row["id"]: row["latest"] or 0 for row in stored}
        current = {slide.id for slide in presentation.slides}
        for gone in set(latest) - current:
            await session.execute("DELETE FROM slides WHERE id = %s", [gone])
        for position, slide in enumerate(presentation.slides):
            await session.execute(
                "INSERT INTO slides (id, presentation_id, position, outline_index) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET position = excluded.position, outline_index = excluded.outline_index",
                [slide.id, presentation.id, position, slide.outline_index],
            )
            if slide.versions and slide.oldest_kept > 1:  # versions beyond the limit were dropped
                await session.execute(
                    "DELETE FROM slide_versions WHERE slide_id = %s AND number < %s", [slide.id, slide.oldest_kept]
                )
            await session.executemany(
                "INSERT INTO slide_versions (slide_id, number, content, reason, created_by, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (slide.id, v.number, Json(dump(v.content)), v.reason.value, v.created_by, v.created_at)
                    for v in slide.versions
                    if v.number > latest.get(slide.id, 0)
                ],
            )

    @staticmethod
    async def _load(session: Session, row: Row) -> Presentation:
        presentation_id = row["id"]
        sources = await session.fetch(
            "SELECT source_id FROM presentation_sources WHERE presentation_id = %s ORDER BY position",
            [presentation_id],
        )
        versions = await session.fetch(
            "SELECT s.id, s.outline_index, v.number, v.content, v.reason, v.created_by, v.created_at"
            " FROM slides s JOIN slide_versions v ON v.slide_id = s.id"
            " WHERE s.presentation_id = %s ORDER BY s.position, v.number",
            [presentation_id],
        )
        slides: dict[str, Slide] = {}
        for v in versions:
            slide = slides.setdefault(v["id"], Slide(v["id"], presentation_id, [], v["outline_index"]))
            slide.versions.append(
                SlideVersion(
                    v["number"],
                    load_content(from_json(v["content"])),
                    VersionReason(v["reason"]),
                    v["created_by"],
                    from_timestamp(v["created_at"]),
                )
            )
        return Presentation(
            id=presentation_id,
            organization_id=row["organization_id"],
            title=row["title"],
            parameters=load_parameters(from_json(row["parameters"])),
            source_ids=[s["source_id"] for s in sources],
            status=PresentationStatus(row["status"]),
            outline=load_outline(from_json(row["outline"])),
            slides=list(slides.values()),
            language=row["language"],
            warnings=list(from_json(row["warnings"])),
            error_message=row["error_message"],
            created_at=from_timestamp(row["created_at"]),
            deleted_at=from_timestamp(row["deleted_at"]) if row["deleted_at"] else None,
            revision=row["revision"],
            project_id=row["project_id"],
            job_id=row["job_id"],
            theme=row["theme"],
        )


_SOURCE_COLUMNS = (
    "id, organization_id, presentation_id, filename, size_bytes, content_hash, storage_key, media_type, title,"
    " language, page_count, status, chunks_created, error_code, error_message, vector_model, created_at"
)


class SqlSourceRepository:
    """Source documents in SQL."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, source: SourceDocument) -> None:
        """Store a new source."""
        async with self._database.transaction() as session:
            await session.execute(
                f"INSERT INTO sources ({_SOURCE_COLUMNS}) VALUES ({', '.join(['%s'] * 17)})", _source_values(source)
            )

    async def get(self, organization_id: str, source_id: str) -> SourceDocument:
        """The organization's source, or ``NotFound``."""
        found = await self.get_many(organization_id, [source_id])
        if not found:
            raise NotFound.of("source", source_id)
        return found[0]

    async def save(self, source: SourceDocument) -> None:
        """Store the current state."""
        async with self._database.transaction() as session:
            found = await session.fetch(
                "UPDATE sources SET storage_key = %s, media_type = %s, title = %s, language = %s, page_count = %s,"
                " status = %s, chunks_created = %s, error_code = %s, error_message = %s, vector_model = %s"
                " WHERE id = %s AND organization_id = %s RETURNING id",
                [
                    source.storage_key,
                    source.media_type,
                    source.title,
                    source.language,
                    source.page_count,
                    source.status.value,
                    source.chunks_created,
                    source.error_code,
                    source.error_message,
                    source.vector_model,
                    source.id,
                    source.organization_id,
                ],
            )
            if not found:
                raise NotFound.of("source", source.id)

    async def get_many(self, organization_id: str, source_ids: Sequence[str]) -> list[SourceDocument]:
        """The organization's sources among ``source_ids``, in that order."""
        return await _by_ids(self._database, "sources", _SOURCE_COLUMNS, organization_id, source_ids, convert=_source)

    async def find_indexed(self, organization_id: str, content_hash: str, vector_model: str) -> SourceDocument | None:
        """The latest matching indexed source."""
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE organization_id = %s AND content_hash = %s"
                " AND vector_model = %s AND status = %s ORDER BY id DESC LIMIT 1",
                [organization_id, content_hash, vector_model, IngestionStatus.INDEXED.value],
            )
        return _source(rows[0]) if rows else None

    async def ids(self, organization_id: str) -> list[str]:
        """The organization's source ids, oldest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT id FROM sources WHERE organization_id = %s ORDER BY id", [organization_id]
            )
        return [row["id"] for row in rows]

    async def stored_bytes(self, organization_id: str) -> int:
        """The organization's sources' sizes added up, by the database."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT COALESCE(SUM(size_bytes), 0) AS stored FROM sources WHERE organization_id = %s",
                [organization_id],
            )
        return int(rows[0]["stored"])


def _source_values(source: SourceDocument) -> list[object]:
    return [
        source.id,
        source.organization_id,
        source.presentation_id,
        source.filename,
        source.size_bytes,
        source.content_hash,
        source.storage_key,
        source.media_type,
        source.title,
        source.language,
        source.page_count,
        source.status.value,
        source.chunks_created,
        source.error_code,
        source.error_message,
        source.vector_model,
        source.created_at,
    ]


def _source(row: Row) -> SourceDocument:
    return SourceDocument(
        id=row["id"],
        organization_id=row["organization_id"],
        filename=row["filename"],
        size_bytes=row["size_bytes"],
        content_hash=row["content_hash"],
        presentation_id=row["presentation_id"],
        storage_key=row["storage_key"],
        media_type=row["media_type"],
        title=row["title"],
        language=row["language"],
        page_count=row["page_count"],
        status=IngestionStatus(row["status"]),
        chunks_created=row["chunks_created"],
        error_code=row["error_code"],
        error_message=row["error_message"],
        vector_model=row["vector_model"],
        created_at=from_timestamp(row["created_at"]),
    )


_CHUNK_COLUMNS = (
    "id, document_id, organization_id, chunk_index, text, start_offset, end_offset, token_count, page, page_end,"
    " section, language, page_breaks, sentences"
)


class SqlChunkRepository:
    """Chunks in SQL."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def replace_for_document(self, organization_id: str, document_id: str, chunks: Sequence[Chunk]) -> None:
        """Make ``chunks`` the document's only chunks."""
        kept = [c for c in chunks if c.organization_id == organization_id and c.document_id == document_id]
        rows = await asyncio.to_thread(_chunk_rows, kept)  # a large document's rows take a while to build
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM chunks WHERE organization_id = %s AND document_id = %s", [organization_id, document_id]
            )
            await session.executemany(f"INSERT INTO chunks ({_CHUNK_COLUMNS}) VALUES ({', '.join(['%s'] * 14)})", rows)

    async def for_documents(self, organization_id: str, document_ids: Sequence[str]) -> list[Chunk]:
        """The documents' chunks, document by document, in reading order."""
        if not document_ids:
            return []
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE organization_id = %s"
                f" AND document_id IN ({', '.join(['%s'] * len(document_ids))}) ORDER BY chunk_index",
                [organization_id, *document_ids],
            )
        by_document: dict[str, list[Chunk]] = {}
        for row in rows:
            by_document.setdefault(row["document_id"], []).append(_chunk(row))
        return [c for d in document_ids for c in by_document.get(d, [])]

    async def get_many(self, organization_id: str, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The organization's chunks among ``chunk_ids``, in that order."""
        return await _by_ids(self._database, "chunks", _CHUNK_COLUMNS, organization_id, chunk_ids, convert=_chunk)


def _chunk(row: Row) -> Chunk:
    return Chunk(
        id=row["id"],
        document_id=row["document_id"],
        organization_id=row["organization_id"],
        index=row["chunk_index"],
        text=row["text"],
        start=row["start_offset"],
        end=row["end_offset"],
        token_count=row["token_count"],
        page=row["page"],
        page_end=row["page_end"],
        section=row["section"],
        language=row["language"],
        page_breaks=tuple((int(a), int(b)) for a, b in from_json(row["page_breaks"])),
        sentences=tuple((int(a), int(b)) for a, b in from_json(row["sentences"])),
    )


class SqlProjectRepository:
    """Projects in SQL."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, project: Project) -> None:
        """Store a new project."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO projects (id, organization_id, name, description, archived, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [project.id, project.organization_id, project.name, project.description, project.archived,
                 project.created_at],
            )  # fmt: skip

    async def get(self, organization_id: str, project_id: str) -> Project:
        """The organization's project, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM projects WHERE id = %s AND organization_id = %s", [project_id, organization_id]
            )
        if not rows:
            raise NotFound.of("project", project_id)
        return _project(rows[0])

    async def save(self, project: Project) -> None:
        """Store the project's name, description and archive flag."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE projects SET name = %s, description = %s, archived = %s WHERE id = %s AND organization_id = %s",
                [project.name, project.description, project.archived, project.id, project.organization_id],
            )

    async def delete(self, organization_id: str, project_id: str) -> None:
        """Remove the project."""
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM projects WHERE id = %s AND organization_id = %s", [project_id, organization_id]
            )

    async def list(self, organization_id: str, include_archived: bool = False) -> list[Project]:
        """The organization's projects, newest first."""
        sql = "SELECT * FROM projects WHERE organization_id = %s"
        if not include_archived:
            sql += " AND archived = %s"
        async with self._database.read() as session:
            rows = await session.fetch(
                sql + " ORDER BY id DESC", [organization_id] + ([] if include_archived else [False])
            )
        return [_project(row) for row in rows]


def _project(row: Row) -> Project:
    return Project(
        row["id"], row["organization_id"], row["name"], row["description"], bool(row["archived"]),
        from_timestamp(row["created_at"]),
    )  # fmt: skip


def _template(row: Row) -> PromptTemplate:
    return PromptTemplate(
        row["id"], row["name"], int(row["version"]), row["system"], bool(row["active"]), int(row["weight"]),
        row["created_by"], from_timestamp(row["created_at"]),
    )  # fmt: skip


class SqlPromptTemplateRepository:
    """Prompt template versions in SQL; (name, version) is unique."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, template: PromptTemplate) -> PromptTemplate:
        """Number the version after the latest of its name and store it (a concurrent add retries)."""
        for _ in range(3):
            try:
                async with self._database.transaction() as session:
                    rows = await session.fetch(
                        "SELECT COALESCE(MAX(version), 0) AS latest FROM prompt_templates WHERE name = %s",
                        [template.name],
                    )
                    template.version = int(rows[0]["latest"]) + 1
                    await session.execute(
                        "INSERT INTO prompt_templates (id, name, version, system, active, weight, created_by,"
                        " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        [
                            template.id, template.name, template.version, template.system, template.active,
                            template.weight, template.created_by, template.created_at,
                        ],
                    )  # fmt: skip
                return template
            except Conflict:
                continue
        raise Conflict(f"could not number a new version of {template.name!r}; try again")

    async def get(self, template_id: str) -> PromptTemplate:
        """A version, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM prompt_templates WHERE id = %s", [template_id])
        if not rows:
            raise NotFound.of("prompt template", template_id)
        return _template(rows[0])

    async def save(self, template: PromptTemplate) -> None:
        """Store the active flag and the weight."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE prompt_templates SET active = %s, weight = %s WHERE id = %s",
                [template.active, template.weight, template.id],
            )

    async def all(self) -> list[PromptTemplate]:
        """By name, then version."""
        async with self._database.read() as session:
            rows = await session.fetch("SELECT * FROM prompt_templates ORDER BY name, version")
        return [_template(r) for r in rows]


def _export(row: Row) -> Export:
    return Export(
        row["id"], row["organization_id"], row["presentation_id"], ExportFormat(row["format"]),
        ExportStatus(row["status"]), row["requested_by"], row["storage_key"], row["filename"],
        int(row["size_bytes"]), row["download_token"], row["error_message"], from_timestamp(row["created_at"]),
        _maybe_timestamp(row["completed_at"]), _maybe_timestamp(row["expires_at"]),
    )  # fmt: skip


def _maybe_timestamp(value: object) -> datetime | None:
    return None if value is None else from_timestamp(value)


class SqlExportRepository:
    """Exports in SQL; they go with their presentation."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, export: Export) -> None:
        """Store a new export."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO exports (id, organization_id, presentation_id, format, status, requested_by,"
                " storage_key, filename, size_bytes, download_token, error_message, created_at, completed_at,"
                " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    export.id, export.organization_id, export.presentation_id, export.format.value,
                    export.status.value, export.requested_by, export.storage_key, export.filename,
                    export.size_bytes, export.download_token, export.error_message, export.created_at,
                    export.completed_at, export.expires_at,
                ],
            )  # fmt: skip

    async def get(self, organization_id: str, export_id: str) -> Export:
        """The organization's export, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM exports WHERE id = %s AND organization_id = %s", [export_id, organization_id]
            )
        if not rows:
            raise NotFound.of("export", export_id)
        return _export(rows[0])

    async def save(self, export: Export) -> None:
        """Store the export's state."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE exports SET status = %s, storage_key = %s, filename = %s, size_bytes = %s,"
                " download_token = %s, error_message = %s, completed_at = %s, expires_at = %s"
                " WHERE id = %s AND organization_id = %s",
                [
                    export.status.value, export.storage_key, export.filename, export.size_bytes,
                    export.download_token, export.error_message, export.completed_at, export.expires_at,
                    export.id, export.organization_id,
                ],
            )  # fmt: skip

    async def for_presentation(self, organization_id: str, presentation_id: str) -> list[Export]:
        """Newest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM exports WHERE organization_id = %s AND presentation_id = %s ORDER BY id DESC",
                [organization_id, presentation_id],
            )
        return [_export(r) for r in rows]

    async def for_download(self, export_id: str, token: str) -> Export | None:
        """The export with this link token."""
        if not token:
            return None
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM exports WHERE id = %s AND download_token = %s", [export_id, token]
            )
        return _export(rows[0]) if rows else None

    async def for_organization(self, organization_id: str) -> list[Export]:
        """Newest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM exports WHERE organization_id = %s ORDER BY id DESC", [organization_id]
            )
        return [_export(r) for r in rows]

    async def expired(self, now: datetime, limit: int) -> list[Export]:
        """Oldest expiry first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM exports WHERE status = %s AND storage_key <> '' AND expires_at <= %s"
                " ORDER BY expires_at, id LIMIT %s",
                [ExportStatus.COMPLETED.value, now, limit],
            )
        return [_export(r) for r in rows]

    async def remove_for_presentation(self, organization_id: str, presentation_id: str) -> None:
        """Delete the presentation's exports."""
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM exports WHERE organization_id = %s AND presentation_id = %s",
                [organization_id, presentation_id],
            )


def _chunk_rows(chunks: Sequence[Chunk]) -> list[tuple[Any, ...]]:
    return [
        (
            c.id,
            c.document_id,
            c.organization_id,
            c.index,
            c.text,
            c.start,
            c.end,
            c.token_count,
            c.page,
            c.page_end,
            c.section,
            c.language,
            Json([list(b) for b in c.page_breaks]),
            Json([list(s) for s in c.sentences]),
        )
        for c in chunks
    ]
