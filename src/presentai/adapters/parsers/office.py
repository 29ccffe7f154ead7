"""Word (.docx) and PowerPoint (.pptx) documents."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, cast

import docx
import pptx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape

from presentai.adapters.parsers.blocks import BlockBuilder, heading_level_from_numbering, table_text
from presentai.domain.errors import CorruptDocument, EncryptedDocument
from presentai.domain.sources import BlockKind, ParsedDocument

_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.I)


# What python-docx / python-pptx raise, through zipfile and lxml, on a damaged or odd container.
_OPEN_ERRORS = (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, NotImplementedError, OSError, EOFError)


def _open_error(error: Exception, filename: str, what: str) -> CorruptDocument | EncryptedDocument:
    if isinstance(error, RuntimeError) and "encrypted" in str(error).lower():
        return EncryptedDocument(f"the {what} is password-protected", filename)
    return CorruptDocument(f"the {what} is damaged or is not a valid document", filename)


def _flatten(shapes: Iterable[BaseShape]) -> Iterator[Any]:
    """Every shape, with the members of group shapes in place of the groups."""
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _flatten(cast(GroupShape, shape).shapes)
        else:
            yield shape


class DocxParser:
    """Reads Word documents: headings by style, lists, tables, and page breaks when Word recorded them."""

    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse a DOCX's bytes."""
        try:
            document = docx.Document(io.BytesIO(data))
        except (*_OPEN_ERRORS, RuntimeError) as error:
            raise _open_error(error, filename, "Word file") from error
        builder = BlockBuilder()
        body = document.element.body
        # Page numbers are known only where Word recorded its page breaks in the file.
        has_pages = any(sum(_page_breaks(element)) for element in body.iterchildren())
        page = 1
        for element in body.iterchildren():
            before, after = _page_breaks(element)
            page += before
            if element.tag == qn("w:p"):
                self._paragraph(builder, Paragraph(element, document), page if has_pages else None)
            elif element.tag == qn("w:tbl"):
                rows = [[cell.text for cell in row.cells] for row in DocxTable(element, document).rows]
                builder.add(BlockKind.TABLE, table_text(rows), page if has_pages else None)
            page += after
        title = (document.core_properties.title or "").strip()
        return builder.document(self.media_type, title, page if has_pages else None)

    @staticmethod
    def _paragraph(builder: BlockBuilder, paragraph: Paragraph, page: int | None) -> None:
        text = paragraph.text
        if not text.strip():
            return
        style = paragraph.style.name if paragraph.style is not None else ""
        match = _HEADING_STYLE.match(style or "")
        if style in ("Title", "Заголовок"):
            builder.heading(text, 1, page)
        elif match:
            builder.heading(text, int(match.group(1)), page)
        elif "List" in (style or "") or (paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None):
            builder.add(BlockKind.LIST_ITEM, text, page)
        else:
            level = heading_level_from_numbering(text)
            if level is not None and len(text) < 100 and not text.rstrip().endswith("."):
                builder.heading(text, level, page)
            else:
                builder.add(BlockKind.PARAGRAPH, text, page)


def _page_breaks(element: etree._Element) -> tuple[int, int]:
    """Page breaks inside a paragraph or table: (before its first text, after it).

    Explicit breaks and those Word recorded when it last laid the document out
    both count; a paragraph starts on the page current at its first character.
    """
    rendered, explicit, text = qn("w:lastRenderedPageBreak"), qn("w:br"), qn("w:t")
    before = after = 0
    seen_text = False
    for node in element.iter(rendered, explicit, text):
        if node.tag == text:
            seen_text = seen_text or bool(node.text and node.text.strip())
        elif node.tag == rendered or node.get(qn("w:type")) == "page":
            if seen_text:
                after += 1
            else:
                before += 1
    return before, after


class PptxParser:
    """Reads PowerPoint decks: each slide is a page whose title is a heading."""

    media_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse a PPTX's bytes."""
        try:
            deck = pptx.Presentation(io.BytesIO(data))
        except (*_OPEN_ERRORS, RuntimeError) as error:
            raise _open_error(error, filename, "PowerPoint file") from error
        builder = BlockBuilder()
        count = 0
        for number, slide in enumerate(deck.slides, start=1):
            count = number
            title_shape = slide.shapes.title
            title_id = title_shape.shape_id if title_shape is not None else None
            if title_shape is not None and title_shape.text_frame.text.strip():
                builder.heading(title_shape.text_frame.text, 1, number)
            for shape in _flatten(slide.shapes):
                if shape.shape_id == title_id:  # python-pptx hands out a new proxy per access
                    continue
                if getattr(shape, "has_text_frame", False):
                    for paragraph in shape.text_frame.paragraphs:
                        text = "".join(run.text for run in paragraph.runs)
                        kind = BlockKind.LIST_ITEM if paragraph.level else BlockKind.PARAGRAPH
                        builder.add(kind, text, number, paragraph.level)
                elif getattr(shape, "has_table", False):
                    rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                    builder.add(BlockKind.TABLE, table_text(rows), number)
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                builder.add(BlockKind.PARAGRAPH, slide.notes_slide.notes_text_frame.text, number)
        title = (deck.core_properties.title or "").strip()
        return builder.document(self.media_type, title, count)
