"""Attribution checks and the composed deck (title, agenda, sources)."""

from __future__ import annotations

from presentai.domain.attribution import assess_bullet, quote_matches, support_score
from presentai.domain.deck import compose_deck
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem, Presentation
from presentai.domain.slides import Attribution, Bullet, Layout, Slide, SlideContent
from presentai.domain.sources import Chunk, SourceDocument

TEXT = "The Kelby battery was commissioned in September. It stores 200 megawatt-hours of energy."


def chunk(text: str = TEXT, chunk_id: str = "c1") -> Chunk:
    return Chunk(chunk_id, "doc", "org", 0, text, 0, len(text), 20, page=4)


def attribution(quote: str, start: int, chunk_id: str = "c1", page: int | None = 4) -> Attribution:
    return Attribution("doc", chunk_id, quote, start, start + len(quote), page=page)


def test_a_quote_matches_only_the_exact_span_of_its_chunk() -> None:
    quote = "It stores 200 megawatt-hours of energy."
    start = TEXT.index(quote)
    assert quote_matches(attribution(quote, start), chunk())
    assert not quote_matches(attribution(quote, start + 1), chunk())
    assert not quote_matches(attribution(quote, start, chunk_id="other"), chunk())


def test_a_claim_with_a_number_the_quote_does_not_state_scores_zero() -> None:
    quote = "It stores 200 megawatt-hours of energy."
    assert support_score("The battery stores 200 megawatt-hours", quote) > 0.6
    assert support_score("The battery stores 300 megawatt-hours", quote) == 0.0


def test_russian_inflections_still_count_as_support() -> None:
    assert support_score("Накопители энергии введены в сентябре", "Накопитель энергии был введён в сентябре.") >= 0.6


def test_assessing_marks_bullets_supported_or_not_and_scores_each_attribution() -> None:
    quote = "It stores 200 megawatt-hours of energy."
    good = Bullet("Stores 200 megawatt-hours of energy", 0, (attribution(quote, TEXT.index(quote)),))
    invented = Bullet("It earns 5 million euros a year", 0, (attribution(quote, TEXT.index(quote)),))
    misquoted = Bullet("Stores 200 megawatt-hours of energy", 0, (attribution("It stores 200 MWh.", 0),))
    chunks = {"c1": chunk()}
    assert assess_bullet(good, chunks).supported
    assert assess_bullet(good, chunks).attributions[0].score > 0.6
    assert not assess_bullet(invented, chunks).supported
    assert not assess_bullet(misquoted, chunks).supported
    assert assess_bullet(misquoted, chunks).attributions[0].score == 0.0


def presentation_with(slides: list[SlideContent], language: str = "en") -> Presentation:
    presentation = Presentation.create("org", "", GenerationParameters(slide_count=len(slides)))
    presentation.start_outlining()
    presentation.accept_outline(Outline("Grid report", tuple(OutlineItem(s.title) for s in slides)), language)
    for i, content in enumerate(slides):
        presentation.put_slide(Slide.create(presentation.id, content, outline_index=i))
    return presentation


def test_the_deck_opens_with_title_and_agenda_and_closes_with_the_sources_and_their_pages() -> None:
    pages = [3, 4, 5, 9]
    slides = [
        SlideContent(Layout.BULLETS, f"Slide {i}", (Bullet(f"Fact {i}", 0, (attribution("It", 0, page=p),)),))
        for i, p in enumerate(pages)
    ]
    source = SourceDocument.from_upload("org", "report.pdf", b"x")
    source.id = "doc"
    source.title = "Annual report"
    deck = compose_deck(presentation_with(slides), {"doc": source})
    layouts = [s.layout for s in deck.slides]
    assert layouts == [Layout.TITLE, Layout.AGENDA, *[Layout.BULLETS] * 4, Layout.SOURCES]
    assert [b.text for b in deck.slides[1].bullets] == ["Slide 0", "Slide 1", "Slide 2", "Slide 3"]
    assert deck.slides[-1].bullets[0].text == "Annual report (report.pdf) — pp. 3–5, 9"
    assert deck.sources["doc"].pages == (3, 4, 5, 9)


def test_a_russian_deck_gets_russian_labels() -> None:
    slides = [
        SlideContent(Layout.BULLETS, f"Слайд {i}", (Bullet("Факт", 0, (attribution("It", 0),)),)) for i in range(3)
    ]
    deck = compose_deck(presentation_with(slides, "ru"), {})
    assert deck.slides[1].title == "Содержание"
    assert deck.slides[-1].title == "Источники"


def test_sources_are_named_by_title_and_file_and_tool_made_titles_are_ignored() -> None:
    from presentai.domain.sources import Block, BlockKind, ParsedDocument

    def indexed(title: str, filename: str) -> str:
        source = SourceDocument.from_upload("org", filename, b"x")
        source.mark_indexed(ParsedDocument("application/pdf", (Block(BlockKind.PARAGRAPH, "t"),), title), [], "en")
        return source.display_name

    assert indexed("Annual report", "report.pdf") == "Annual report (report.pdf)"
    assert indexed("untitled", "scan.pdf") == "scan.pdf"
    assert indexed("Microsoft Word - draft.docx", "draft.pdf") == "draft.pdf"
    assert indexed("", "notes.md") == "notes.md"


def test_the_title_slide_names_a_source_the_deck_is_named_after_by_its_file_only() -> None:
    slides = [SlideContent(Layout.BULLETS, "Scope", (Bullet("Fact", 0, (attribution("It", 0, page=1),)),))]
    source = SourceDocument.from_upload("org", "practices.html", b"x")
    source.id = "doc"
    source.title = "6. Best Packaging Practices"
    presentation = presentation_with(slides)
    presentation.title = "Best Packaging Practices"
    deck = compose_deck(presentation, {"doc": source})
    assert deck.subtitle == "Built from: practices.html"
