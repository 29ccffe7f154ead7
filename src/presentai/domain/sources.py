"""Source documents, what a parser makes of them, and the chunks they are cut into."""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from attrs import define, field, frozen

from presentai.domain.ids import new_id

BLOCK_SEPARATOR = "\n\n"


def megabytes(size: int) -> str:
    """A byte count as people read it: ``20971520`` → ``"20 MB"`` (binary megabytes)."""
    value = size / 2**20
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


class BlockKind(enum.StrEnum):
    """What a block of parsed text is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"


@frozen
class Block:
    """One block of text in reading order, with where it sits in the document."""

    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0  # heading level (1 = top) for headings, nesting depth for list items
    section: str = ""  # the heading path it falls under, e.g. "2.3 Battery storage"
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, page) where a later page begins

    def page_at(self, offset: int) -> int | None:
        """The page on which character ``offset`` of ``text`` lies."""
        page = self.page
        for start, number in self.page_starts:
            if start <= offset:
                page = number
        return page


@frozen
class ParsedDocument:
    """A document's text as blocks; ``text`` joins them with blank lines.

    Character offsets everywhere in PresentAI (chunks, attributions) are offsets
    into ``text``.
    """

    media_type: str
    blocks: tuple[Block, ...]
    title: str = ""
    page_count: int | None = None

    @property
    def text(self) -> str:
        """The whole document as one string: the blocks joined by blank lines."""
        return BLOCK_SEPARATOR.join(block.text for block in self.blocks)

    def block_offsets(self) -> list[int]:
        """Return the offset in ``text`` at which each block starts."""
        offsets, position = [], 0
        for block in self.blocks:
            offsets.append(position)
            position += len(block.text) + len(BLOCK_SEPARATOR)
        return offsets


@frozen
class Chunk:
    """A passage of a document: a slice ``text == document.text[start:end]``."""

    id: str
    document_id: str
    organization_id: str
    index: int
    text: str
    start: int
    end: int
    token_count: int
    page: int | None = None
    page_end: int | None = None
    section: str = ""
    language: str = "en"
    page_breaks: tuple[tuple[int, int], ...] = ()  # (offset in text, page starting there)
    sentences: tuple[tuple[int, int], ...] = ()  # spans of whole prose sentences in text (not headings or tables)

    def page_at(self, offset: int) -> int | None:
        """The page on which character ``offset`` of ``text`` lies."""
        page = self.page
        for start, number in self.page_breaks:
            if start <= offset:
                page = number
        return page


class IngestionStatus(enum.StrEnum):
    """Where a source is in its ingestion."""

    PENDING = "pending"
    PROCESSING = "processing"
    INDEXED = "indexed"
    FAILED = "failed"


@define
class SourceDocument:
    """A user's source file and its ingestion state."""

    id: str
    organization_id: str
    filename: str
    size_bytes: int
    content_hash: str
    presentation_id: str = ""  # the presentation it was added to, if any
    storage_key: str = ""
    media_type: str = ""
    title: str = ""
    language: str = ""
    page_count: int | None = None
    status: IngestionStatus = IngestionStatus.PENDING
    chunks_created: int = 0
    error_code: str = ""
    error_message: str = ""
    vector_model: str = ""  # the embedding model its chunks were indexed with
    created_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def from_upload(cls, organization_id: str, filename: str, data: bytes, presentation_id: str = "") -> SourceDocument:
        """A new pending source for the bytes a user gave us."""
        return cls(
            id=new_id(),
            organization_id=organization_id,
            filename=filename,
            size_bytes=len(data),
            content_hash=hashlib.sha256(data).hexdigest(),
            presentation_id=presentation_id,
        )

    def start_processing(self) -> None:
        """Mark the source as being parsed and indexed."""
        self.status = IngestionStatus.PROCESSING
        self.error_code = self.error_message = ""

    def mark_indexed(
        self, parsed: ParsedDocument, chunks: Sequence[Chunk], language: str, vector_model: str = ""
    ) -> None:
        """Record a successful ingestion."""
        self.status = IngestionStatus.INDEXED
        self.vector_model = vector_model
        self.media_type = parsed.media_type
        self.title = parsed.title if _meaningful_title(parsed.title) else ""
        self.page_count = parsed.page_count
        self.language = language
        self.chunks_created = len(chunks)

    def mark_failed(self, code: str, message: str) -> None:
        """Record a failed ingestion with a machine code and a message for people."""
        self.status = IngestionStatus.FAILED
        self.error_code = code
        self.error_message = message
        self.chunks_created = 0

    @property
    def display_name(self) -> str:
        """What to call the document on a slide: its title and file name, so that twins stay apart."""
        return f"{self.title} ({self.filename})" if self.title and self.title != self.filename else self.filename


_PLACEHOLDER_TITLES = re.compile(
    r"^(untitled|untitled document|document\d*|presentation\d*|powerpoint presentation|slide \d+|"
    r"microsoft (word|powerpoint) - .*|без названия|презентация\d*|документ\d*)$",
    re.IGNORECASE,
)


def _meaningful_title(title: str) -> bool:
    """False for the titles tools fill in by themselves ("untitled", "Microsoft Word - x.docx")."""
    return bool(title.strip()) and not _PLACEHOLDER_TITLES.match(title.strip())
