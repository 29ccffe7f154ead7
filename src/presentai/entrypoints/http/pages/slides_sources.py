"""Where a slide's statements come from, as the slide view shows them: each quote marked in its passage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from presentai.domain.slides import Attribution, SlideContent
from presentai.domain.sources import Chunk
from presentai.ports.repositories import ChunkRepository, SourceRepository

CONTEXT_CHARS = 700  # of a long passage, this much is shown on each side of the quote


def passage(attribution: Attribution, chunk: Chunk | None, names: Mapping[str, str]) -> dict[str, Any]:
    """The quote within its chunk's text (``before``/``quote``/``after``, plain text: the template escapes it)."""
    text = chunk.text if chunk is not None else ""
    start, end = attribution.start, attribution.end
    if not (0 <= start < end <= len(text) and text[start:end] == attribution.quote):
        found = text.find(attribution.quote) if attribution.quote else -1
        start, end = (found, found + len(attribution.quote)) if found >= 0 else (-1, -1)
    page = attribution.page
    if page is None and chunk is not None and start >= 0:
        page = chunk.page_at(start)
    shown: dict[str, Any] = {
        "name": names.get(attribution.source_document_id, ""),
        "page": page,
        "section": attribution.section or (chunk.section if chunk is not None else ""),
        "score": attribution.score,
        "found": start >= 0,
        "before": "",
        "quote": attribution.quote,
        "after": "",
    }
    if start >= 0:
        before, after = text[:start], text[end:]
        shown["before"] = ("…" + before[-CONTEXT_CHARS:].lstrip()) if len(before) > CONTEXT_CHARS else before
        shown["quote"] = text[start:end]
        shown["after"] = (after[:CONTEXT_CHARS].rstrip() + "…") if len(after) > CONTEXT_CHARS else after
    return shown


async def attributions(
    organization_id: str, content: SlideContent, chunks: ChunkRepository, sources: SourceRepository
) -> tuple[list[list[dict[str, Any]]], dict[str, str]]:
    """Each bullet's passages (in bullet order), and the sources' names by id."""
    cited = content.attributions
    found = await chunks.get_many(organization_id, _unique(a.chunk_id for a in cited))
    by_id = {c.id: c for c in found}
    documents = await sources.get_many(organization_id, _unique(a.source_document_id for a in cited))
    names = {d.id: d.display_name for d in documents}
    shown = [[passage(a, by_id.get(a.chunk_id), names) for a in b.attributions] for b in content.bullets]
    return shown, names


def _unique(ids: Sequence[str] | Any) -> list[str]:
    return list(dict.fromkeys(ids))
