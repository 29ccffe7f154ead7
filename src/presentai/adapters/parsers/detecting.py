"""The parser a user meets: detects the format from the content and hands over."""

from __future__ import annotations

from presentai.adapters.parsers.sniff import Kind, sniff
from presentai.domain.errors import CorruptDocument, EmptyDocument, FileTooLarge, PresentAIError
from presentai.domain.sources import ParsedDocument
from presentai.ports.parsing import DocumentParser

_NAMES = {
    Kind.PDF: "PDF",
    Kind.DOCX: "Word file",
    Kind.PPTX: "PowerPoint file",
    Kind.HTML: "HTML page",
    Kind.MARKDOWN: "Markdown file",
    Kind.TEXT: "text file",
}


class ContentSniffingParser:
    """Parses any supported format, chosen by content; the file name is only for messages."""

    def __init__(self, *, max_pages: int = 1000, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self._max_unzipped = max_unzipped_bytes
        self._max_pages = max_pages
        self._parsers: dict[Kind, DocumentParser] = {}

    def _parser(self, kind: Kind) -> DocumentParser:
        """The parser of ``kind``, its libraries imported when the first such file arrives."""
        if kind not in self._parsers:
            self._parsers[kind] = _make_parser(kind, self._max_pages)
        return self._parsers[kind]

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse ``data`` by its detected format."""
        if not data.strip():
            raise EmptyDocument("the file is empty", filename)
        kind = sniff(data, filename, max_unzipped=self._max_unzipped)
        try:
            document = self._parser(kind).parse(data, filename)
        except PresentAIError:
            raise
        except (MemoryError, RecursionError) as error:
            raise FileTooLarge("the document is too complex to read", filename) from error
        except Exception as error:
            raise CorruptDocument(f"the {_NAMES[kind]} has content that cannot be read", filename) from error
        if not any(block.text.strip() for block in document.blocks):
            raise EmptyDocument("the document contains no text", filename)
        return document


def _make_parser(kind: Kind, max_pages: int) -> DocumentParser:
    if kind is Kind.PDF:
        from presentai.adapters.parsers.pdf import PdfParser

        return PdfParser(max_pages)
    if kind in (Kind.DOCX, Kind.PPTX):
        from presentai.adapters.parsers.office import DocxParser, PptxParser

        return DocxParser() if kind is Kind.DOCX else PptxParser()
    from presentai.adapters.parsers.markup import HtmlParser, MarkdownParser, TextParser

    if kind is Kind.HTML:
        return HtmlParser()
    return MarkdownParser() if kind is Kind.MARKDOWN else TextParser()
