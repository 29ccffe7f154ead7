"""Token-aware chunking: passages that respect sentences, sections and a token budget."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from attrs import frozen

from presentai.domain.errors import ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.sources import Block, BlockKind, Chunk, ParsedDocument
from presentai.domain.text import sentence_spans

TokenCounter = Callable[[str], int]


@frozen
class ChunkingRules:
    """How big a chunk may be and how much consecutive chunks share.

    A chunk never ends inside a sentence. A single sentence longer than
    ``hard_limit_tokens`` (a table dump or text with no punctuation) is the one
    case that is cut, at word boundaries, so that no chunk grows without bound.
    """

    max_tokens: int = 256
    overlap_tokens: int = 48
    hard_limit_tokens: int = 768

    def __attrs_post_init__(self) -> None:
        if not 16 <= self.max_tokens <= 8192:
            raise ValidationFailed("max_tokens must be between 16 and 8192", {"max_tokens": "out of range"})
        if not 0 <= self.overlap_tokens < self.max_tokens // 2:
            raise ValidationFailed("overlap must be under half a chunk", {"overlap_tokens": "out of range"})
        if self.hard_limit_tokens < self.max_tokens:
            raise ValidationFailed("hard limit below max_tokens", {"hard_limit_tokens": "out of range"})


@frozen
class _Unit:
    """A sentence (or a heading, or a table row) located in the document text."""

    start: int
    end: int
    tokens: int
    block: Block
    page: int | None
    prose: bool  # a whole sentence of running text: the only kind of unit a bullet may quote

    @property
    def is_heading(self) -> bool:
        return self.block.kind is BlockKind.HEADING


def chunk_document(
    document: ParsedDocument,
    *,
    document_id: str,
    organization_id: str,
    count_tokens: TokenCounter,
    rules: ChunkingRules = ChunkingRules(),
    language: str = "en",
) -> list[Chunk]:
    """Cut ``document`` into chunks that follow ``rules``.

    Chunks do not cross a change of section; consecutive chunks of one section
    share whole trailing sentences worth at most ``rules.overlap_tokens``.
    """
    text = document.text
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    used = 0

    def flush(with_overlap: bool) -> None:
        nonlocal current, used
        if any(not unit.is_heading for unit in current):
            groups.append(current)
            current = _overlap(current, rules.overlap_tokens) if with_overlap else []
        # a chunk of nothing but headings is kept and prefixed to what follows
        used = sum(unit.tokens for unit in current)

    section = None
    for unit in _units(document, text, count_tokens, rules):
        if unit.block.section != section and not (current and all(u.is_heading for u in current)):
            flush(with_overlap=False)
        section = unit.block.section
        if current and used + unit.tokens > rules.max_tokens and not all(u.is_heading for u in current):
            flush(with_overlap=True)
        current.append(unit)
        used += unit.tokens
    flush(with_overlap=False)

    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        body = next((u.block for u in group if not u.is_heading), group[0].block)
        pages = [u.page for u in group if u.page is not None]
        piece = text[start:end]
        breaks: list[tuple[int, int]] = []
        for unit in group:
            if unit.page is not None and (not breaks or breaks[-1][1] != unit.page):
                breaks.append((unit.start - start, unit.page))
        chunks.append(
            Chunk(
                id=new_id(),
                document_id=document_id,
                organization_id=organization_id,
                index=index,
                text=piece,
                start=start,
                end=end,
                token_count=count_tokens(piece),
                page=min(pages) if pages else None,
                page_end=max(pages) if pages else None,
                section=body.section,
                language=language,
                page_breaks=tuple(breaks),
                sentences=tuple((u.start - start, u.end - start) for u in group if u.prose),
            )
        )
    return chunks


def _overlap(units: list[_Unit], budget: int) -> list[_Unit]:
    """The trailing sentences of ``units`` worth at most ``budget`` tokens (never all)."""
    kept: list[_Unit] = []
    total = 0
    for unit in reversed(units[1:]):
        if unit.is_heading or total + unit.tokens > budget:
            break
        kept.insert(0, unit)
        total += unit.tokens
    return kept


def _units(document: ParsedDocument, text: str, count_tokens: TokenCounter, rules: ChunkingRules) -> Iterator[_Unit]:
    for block, offset in zip(document.blocks, document.block_offsets(), strict=True):
        if block.kind is BlockKind.HEADING:
            spans = [(0, len(block.text))]
        elif block.kind is BlockKind.TABLE:
            spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", block.text)]
        else:
            spans = sentence_spans(block.text)
        prose = block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
        for start, end in spans:
            tokens = count_tokens(block.text[start:end])
            if tokens <= rules.hard_limit_tokens:
                yield _Unit(offset + start, offset + end, tokens, block, block.page_at(start), prose)
                continue
            for piece_start, piece_end in _cut_at_words(block.text, start, end, rules.max_tokens, count_tokens):
                piece_tokens = count_tokens(block.text[piece_start:piece_end])
                yield _Unit(
                    offset + piece_start, offset + piece_end, piece_tokens, block, block.page_at(piece_start), False
                )


def _cut_at_words(
    text: str, start: int, end: int, max_tokens: int, count_tokens: TokenCounter
) -> Iterator[tuple[int, int]]:
    """Cut an oversized sentence at word boundaries into pieces of about ``max_tokens``."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    # estimate words per piece from the sentence's own token density
    total = count_tokens(text[start:end])
    per_piece = max(1, int(len(words) * max_tokens / max(total, 1)))
    for i in range(0, len(words), per_piece):
        piece = words[i : i + per_piece]
        yield start + piece[0][0], start + piece[-1][1]
