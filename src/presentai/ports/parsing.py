"""Turning the bytes of a file into structured text."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.sources import ParsedDocument


class DocumentParser(Protocol):
    """Reads a document's bytes into blocks of text, keeping headings and pages."""

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse ``data``; the type comes from the content, ``filename`` only names it in errors.

        Raises a ``SourceError`` subclass when the file cannot be used.
        """
        ...
