"""Speaker notes: the slide's notes, then the source of every bullet, table and chart on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pptx.slide import Slide as PptxSlide

from presentai.domain.deck import Deck, DeckSource, label
from presentai.domain.slides import Attribution, Layout, SlideContent


def source_line(attribution: Attribution, sources: Mapping[str, DeckSource], language: str) -> str:
    """ "Annual report, p. 4": the source an attribution names, and its page."""
    source = sources.get(attribution.source_document_id)
    name = source.name if source is not None else attribution.source_document_id
    page = f", {label(language, 'page')} {attribution.page}" if attribution.page is not None else ""
    return f"{name}{page}"


def write_notes(slide: PptxSlide, content: SlideContent, deck: Deck) -> None:
    """The notes of ``content`` and one numbered line per attribution of its bullets (then table, chart)."""
    lines = [content.notes] if content.notes and content.layout is not Layout.TITLE else []
    cited: list[tuple[str, Attribution, bool]] = [
        (str(number), a, bullet.supported)
        for number, bullet in enumerate(content.bullets, start=1)
        for a in bullet.attributions
    ]
    for name, shown in (("table", content.table), ("chart", content.chart)):
        if shown is not None and shown.attribution is not None:
            cited.append((name, shown.attribution, True))
    if cited:
        lines.append(f"{label(deck.language, 'notes_sources')}:")
        lines.extend(_line(key, a, supported, deck) for key, a, supported in cited)
    if lines:
        cast(Any, slide.notes_slide.notes_text_frame).text = "\n".join(lines)


def _line(key: str, attribution: Attribution, supported: bool, deck: Deck) -> str:
    source = deck.sources.get(attribution.source_document_id)
    name = source.name if source is not None else attribution.source_document_id
    where = f", {label(deck.language, 'page')} {attribution.page}" if attribution.page is not None else ""
    section = f", § {attribution.section}" if attribution.section else ""
    flag = "" if supported else " [unsupported]"
    # The quote comes first, in curly quotes, so names and sections may hold any punctuation.
    return f"[{key}] “{attribution.quote}” — {name}{where}{section}{flag}"
