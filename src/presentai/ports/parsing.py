"""Turning the bytes of a file into structured text."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.preparation import PreparedDocument
from presentai.domain.sources import ParsedDocument


class DocumentParser(Protocol):
    """Reads a document's bytes into blocks of text, keeping headings and pages."""

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse ``data``; the type comes from the content, ``filename`` only names it in errors.

        Raises a ``SourceError`` subclass when the file cannot be used.
        """
        ...


class DocumentPreparer(Protocol):
    """Parses a document and cuts it into chunks: the part of ingestion that takes the CPU."""

    async def prepare(self, data: bytes, filename: str, *, document_id: str, organization_id: str) -> PreparedDocument:
        """``data`` parsed and chunked; raises a ``SourceError`` subclass when the file cannot be used."""
        ...
