"""Composing the full deck: title, agenda, the content slides and a closing Sources slide."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from presentai.domain.brand_kits import BrandStyle
from presentai.domain.presentation import Presentation
from presentai.domain.slides import Bullet, Layout, SlideContent
from presentai.domain.sources import SourceDocument
from presentai.domain.wording import normalized

_LABELS = {
    "en": {
        "agenda": "Agenda",
        "sources": "Sources",
        "page": "p.",
        "pages": "pp.",
        "generated": "Built from",
        "continued": "cont.",
        "notes_sources": "Sources",
    },
    "ru": {
        "agenda": "Содержание",
        "sources": "Источники",
        "page": "с.",
        "pages": "с.",
        "generated": "Подготовлено по",
        "continued": "продолжение",
        "notes_sources": "Источники",
    },
}


def label(language: str, key: str) -> str:
    """A deck label (``agenda``, ``sources``…) in ``language``, English when unknown."""
    return _LABELS.get(language, _LABELS["en"])[key]


@frozen
class DeckSource:
    """A source as listed on the Sources slide."""

    document_id: str
    name: str
    pages: tuple[int, ...] = ()


@frozen
class Deck:
    """Everything a renderer needs, in slide order.

    ``theme`` names the built-in master it is drawn on (``""``: the renderer's own); ``brand`` (a brand
    kit) recolours that master with the kit's colours, fonts and logo; a template, passed beside the
    deck, replaces both.
    """

    title: str
    subtitle: str
    language: str
    slides: tuple[SlideContent, ...]
    sources: Mapping[str, DeckSource]
    brand: BrandStyle | None = None
    theme: str = ""


def compose_deck(presentation: Presentation, sources: Mapping[str, SourceDocument]) -> Deck:
    """Build the deck of ``presentation``: derived slides are made here, never stored."""
    language = presentation.language
    content = [slide.content for slide in presentation.slides]
    cited: dict[str, set[int]] = {}
    for slide in content:
        for attribution in slide.attributions:
            pages = cited.setdefault(attribution.source_document_id, set())
            if attribution.page is not None:
                pages.add(attribution.page)
    deck_sources = {
        doc_id: DeckSource(doc_id, sources[doc_id].display_name if doc_id in sources else doc_id, tuple(sorted(pages)))
        for doc_id, pages in cited.items()
    }
    subtitle = presentation.outline.subtitle if presentation.outline else ""
    # A source the deck is named after is given by its file name: the title would only repeat the deck's.
    names = [
        sources[d].filename if d in sources and _names(presentation.title, sources[d].title) else s.name
        for d, s in deck_sources.items()
        if s.name != presentation.title
    ]
    if not subtitle and names:
        subtitle = f"{label(language, 'generated')}: {', '.join(names)}"
    slides = [SlideContent(Layout.TITLE, presentation.title, notes=subtitle)]
    if len(content) > 2:
        agenda = tuple(Bullet(s.title) for s in content if s.layout is not Layout.SECTION)
        slides.append(SlideContent(Layout.AGENDA, label(language, "agenda"), agenda))
    slides.extend(content)
    if deck_sources:
        slides.append(
            SlideContent(
                Layout.SOURCES,
                label(language, "sources"),
                tuple(Bullet(_source_line(s, language)) for s in deck_sources.values()),
            )
        )
    return Deck(presentation.title, subtitle, language, tuple(slides), deck_sources, theme=presentation.theme)


def _names(deck_title: str, document_title: str) -> bool:
    """Whether the deck's title is the document's (perhaps without its numbering)."""
    deck, document = normalized(deck_title), normalized(document_title)
    return bool(deck) and (deck == document or document.endswith(" " + deck))


def _source_line(source: DeckSource, language: str) -> str:
    if not source.pages:
        return source.name
    key = "page" if len(source.pages) == 1 else "pages"
    return f"{source.name} — {label(language, key)} {_page_ranges(source.pages)}"


def _page_ranges(pages: tuple[int, ...]) -> str:
    """``(1, 2, 3, 7)`` → ``"1–3, 7"``."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)
