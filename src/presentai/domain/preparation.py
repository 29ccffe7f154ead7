"""A document made ready to index: parsed, its language detected, cut into chunks."""

from __future__ import annotations

from attrs import frozen

from presentai.domain.chunking import ChunkingRules, TokenCounter, chunk_document
from presentai.domain.sources import Chunk, ParsedDocument
from presentai.domain.text import detect_language


@frozen
class PreparedDocument:
    """What ingestion keeps of a parsed document: what the source records of it, and its chunks."""

    media_type: str
    title: str
    page_count: int | None
    language: str
    chunks: tuple[Chunk, ...]

    @classmethod
    def of(
        cls,
        parsed: ParsedDocument,
        *,
        document_id: str,
        organization_id: str,
        count_tokens: TokenCounter,
        rules: ChunkingRules,
    ) -> PreparedDocument:
        """Detect the language of ``parsed`` and cut it into chunks by ``rules``."""
        language = detect_language(parsed.text)
        chunks = chunk_document(
            parsed,
            document_id=document_id,
            organization_id=organization_id,
            count_tokens=count_tokens,
            rules=rules,
            language=language,
        )
        return cls(parsed.media_type, parsed.title, parsed.page_count, language, tuple(chunks))

    @property
    def header(self) -> ParsedDocument:
        """The parsed document without its blocks (the chunks carry its text): what a source records."""
        return ParsedDocument(self.media_type, (), self.title, self.page_count)
