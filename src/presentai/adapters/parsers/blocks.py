"""Building a document's blocks while tracking the heading each one falls under."""

from __future__ import annotations

import re

from presentai.domain.sources import Block, BlockKind, ParsedDocument
from presentai.domain.text import collapse_whitespace

_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+){0,4})\.?\s+\S")


def heading_level_from_numbering(text: str) -> int | None:
    """``"2.3 Battery storage"`` → 2; ``None`` when the text is not numbered."""
    match = _NUMBERED_HEADING.match(text)
    return match.group(1).count(".") + 1 if match else None


class BlockBuilder:
    """Collects blocks in reading order; each block's section is the deepest heading above it."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._headings: list[tuple[int, str]] = []  # the current heading stack (level, text)

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        """Add a heading of ``level`` (1 = top)."""
        text = collapse_whitespace(text)
        if not text:
            return
        level = max(1, min(level, 6))
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._headings.append((level, text))
        self._blocks.append(Block(BlockKind.HEADING, text, page, level, text))

    def heading_append(self, text: str) -> None:
        """Extend the last heading with a wrapped continuation line."""
        if not self._blocks or self._blocks[-1].kind is not BlockKind.HEADING:
            self.heading(text, self._headings[-1][0] if self._headings else 1)
            return
        last = self._blocks[-1]
        if last.text.endswith("\u00ad"):  # broken at a hyphen: "OSCAL-" + "BASED", "Manage-" + "ment"
            joined = last.text[:-1] + ("-" if text.lstrip()[:1].isupper() else "") + text.lstrip()
        else:
            joined = f"{last.text} {text}"
        joined = collapse_whitespace(joined)
        level, _ = self._headings.pop()
        self._headings.append((level, joined))
        self._blocks[-1] = Block(BlockKind.HEADING, joined, last.page, last.level, joined)

    def add(
        self,
        kind: BlockKind,
        text: str,
        page: int | None = None,
        level: int = 0,
        page_starts: tuple[tuple[int, int], ...] = (),
    ) -> None:
        """Add a paragraph, list item or table under the current heading.

        ``page_starts`` are offsets into ``text`` as given, so it must already be
        whitespace-collapsed when it has any.
        """
        clean = text.strip() if kind is BlockKind.TABLE else collapse_whitespace(text)
        if page_starts and clean != text:
            raise ValueError("page_starts need text that is already collapsed")
        if clean:
            self._blocks.append(Block(kind, clean, page, level, self.section, page_starts))

    @property
    def section(self) -> str:
        """The deepest current heading."""
        return self._headings[-1][1] if self._headings else ""

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks so far."""
        return tuple(self._blocks)

    def document(self, media_type: str, title: str = "", page_count: int | None = None) -> ParsedDocument:
        """The parsed document; the title defaults to the first top-level heading."""
        if not title:
            top = [b for b in self._blocks if b.kind is BlockKind.HEADING]
            title = min(top, key=lambda b: b.level).text if top else ""
        return ParsedDocument(media_type, self.blocks, title[:200], page_count)


def table_text(rows: list[list[str]]) -> str:
    """A table as lines of cells separated by `` | ``; empty rows are dropped."""
    lines = []
    for row in rows:
        cells = [collapse_whitespace(cell or "") for cell in row]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
