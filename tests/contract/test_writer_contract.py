"""The OutlinePlanner and SlideWriter contracts: the extractive writer and the test fake."""

from __future__ import annotations

import pytest

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.adapters.writers.extractive import ExtractiveWriter, condense
from presentai.domain.chunking import chunk_document
from presentai.domain.presentation import GenerationParameters
from presentai.domain.sources import Chunk, SourceDocument
from presentai.domain.text import detect_language
from presentai.ports.writing import OutlinePlanner, PlanningInput, SlideWriter
from tests.conftest import SAMPLES
from tests.fakes import QuotingWriter


def load(name: str) -> tuple[SourceDocument, list[Chunk]]:
    data = (SAMPLES / name).read_bytes()
    parsed = ContentSniffingParser().parse(data, name)
    source = SourceDocument.from_upload("org", name, data)
    source.title = parsed.title
    language = detect_language(parsed.text)
    chunks = chunk_document(
        parsed, document_id=source.id, organization_id="org", count_tokens=TiktokenTokenizer().count, language=language
    )
    return source, chunks


@pytest.fixture(scope="module")
def corpus() -> tuple[list[SourceDocument], list[Chunk]]:
    documents, chunks = [], []
    for name in ("annual-report-2025.pdf", "field-notes.md"):
        source, pieces = load(name)
        documents.append(source)
        chunks += pieces
    return documents, chunks


@pytest.fixture(params=["extractive", "fake"])
def writer(request: pytest.FixtureRequest) -> ExtractiveWriter | QuotingWriter:
    return ExtractiveWriter() if request.param == "extractive" else QuotingWriter()


@pytest.mark.parametrize("slides", [1, 3, 12, 40])
async def test_the_outline_has_exactly_the_requested_number_of_items(
    writer: OutlinePlanner, corpus: tuple[list[SourceDocument], list[Chunk]], slides: int
) -> None:
    documents, chunks = corpus
    outline = await writer.plan(PlanningInput(GenerationParameters(slide_count=slides), "en", documents, chunks, {}))
    outline.validate(slides)
    known = {c.id for c in chunks}
    assert all(set(item.chunk_ids) <= known and item.chunk_ids for item in outline.items)


async def test_every_bullet_quotes_a_span_of_a_chunk_it_was_given(
    writer: OutlinePlanner | SlideWriter, corpus: tuple[list[SourceDocument], list[Chunk]]
) -> None:
    documents, chunks = corpus
    params = GenerationParameters(slide_count=6)
    outline = await writer.plan(PlanningInput(params, "en", documents, chunks, {}))  # type: ignore[union-attr]
    by_id = {c.id: c for c in chunks}
    for item in outline.items:
        given = [by_id[i] for i in item.chunk_ids]
        content = await writer.write(item, given, params, "en")  # type: ignore[union-attr]
        assert content.bullets
        for bullet in content.bullets:
            for a in bullet.attributions:
                assert by_id[a.chunk_id].text[a.start : a.end] == a.quote
                assert a.chunk_id in item.chunk_ids


async def test_the_extractive_outline_follows_the_topic_when_one_is_given(
    corpus: tuple[list[SourceDocument], list[Chunk]],
) -> None:
    documents, chunks = corpus
    relevance = {c.id: 1.0 for c in chunks if "battery" in c.text.lower() or "batteries" in c.text.lower()}
    params = GenerationParameters(slide_count=3, topic="Battery storage")
    outline = await ExtractiveWriter().plan(PlanningInput(params, "en", documents, chunks, relevance))
    assert outline.title == "Battery storage"
    hits = sum(1 for item in outline.items if any(i in relevance for i in item.chunk_ids))
    assert hits == 3


async def test_extractive_bullets_only_remove_words_from_their_quote(
    corpus: tuple[list[SourceDocument], list[Chunk]],
) -> None:
    documents, chunks = corpus
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=8)
    outline = await writer.plan(PlanningInput(params, "en", documents, chunks, {}))
    by_id = {c.id: c for c in chunks}
    for item in outline.items:
        content = await writer.write(item, [by_id[i] for i in item.chunk_ids], params, "en")
        assert 1 <= len(content.bullets) <= 5
        for bullet in content.bullets:
            quote_words = bullet.attributions[0].quote.lower().split()
            position = 0
            for word in bullet.text.lower().strip(".").split():  # a subsequence of the quote's words
                while position < len(quote_words) and quote_words[position].strip(".,;") != word.strip(".,;"):
                    position += 1
                assert position < len(quote_words), f"{word!r} of {bullet.text!r} is not in its quote"


async def test_regeneration_offers_different_passages_when_the_sources_allow(
    corpus: tuple[list[SourceDocument], list[Chunk]],
) -> None:
    documents, chunks = corpus
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=4)
    outline = await writer.plan(PlanningInput(params, "en", documents, chunks, {}))
    by_id = {c.id: c for c in chunks}
    # The item whose own passages hold the most sentences: the one where the sources allow another take.
    item = max(outline.items, key=lambda i: sum(len(by_id[c].sentences) for c in i.chunk_ids))
    first = await writer.write(item, [by_id[i] for i in item.chunk_ids], params, "en")
    second = await writer.write(item, [by_id[i] for i in item.chunk_ids], params, "en", previous=first)
    assert {a.quote for a in first.attributions} != {a.quote for a in second.attributions}


@pytest.mark.parametrize(
    ("sentence", "bullet"),
    [
        ("However, revenue grew by 7.3 percent.", "Revenue grew by 7.3 percent"),
        ("Кроме того, компания ввела 42 установки.", "Компания ввела 42 установки"),
        ("Revenue grew.", "Revenue grew"),
        (
            "For all architectures, ADAM [KB14] was used for training.",
            "For all architectures, ADAM was used for training",
        ),
        ("This network is described in [tf-16b].", "This network is described in [tf-16b]"),
        (
            "DATES: The FAA must receive comments by September 21, 2020.",
            "The FAA must receive comments by September 21, 2020",
        ),
        ("(6) In the Operating Procedures chapter, add figure 5.", "In the Operating Procedures chapter, add figure 5"),
        ("Однако вы пока не добавили никакого кода.", "Вы пока не добавили никакого кода"),
        (
            "An Accessibility Governance Board, chaired by the Section 508 Program Manager, shall meet quarterly to "
            "review compliance metrics, approve exceptions, and monitor remediation efforts.",
            "An Accessibility Governance Board shall meet quarterly to review compliance metrics, approve exceptions, "
            "and monitor remediation efforts",
        ),
    ],
)
def test_condensing_drops_connectives_and_the_final_period(sentence: str, bullet: str) -> None:
    assert condense(sentence) == bullet


async def test_a_russian_deck_from_russian_sources_has_russian_titles_and_bullets() -> None:
    source, chunks = load("otchet-vetroparka.pdf")
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=4)
    outline = await writer.plan(PlanningInput(params, "ru", [source], chunks, {}))
    by_id = {c.id: c for c in chunks}
    content = await writer.write(outline.items[0], [by_id[i] for i in outline.items[0].chunk_ids], params, "ru")
    assert detect_language(outline.title) == "ru"
    assert all(detect_language(item.title) == "ru" for item in outline.items)
    assert all(detect_language(b.text) == "ru" for b in content.bullets)


async def test_short_sources_give_a_shorter_outline_never_repeated_slides() -> None:
    from presentai.domain.sources import Block, BlockKind, ParsedDocument

    text = "The plan starts in May. It costs 4 million euros. The board approved it in March."
    parsed = ParsedDocument("text/markdown", (Block(BlockKind.PARAGRAPH, text, None, 0, "Plan"),))
    source = SourceDocument.from_upload("org", "plan.md", text.encode())
    chunks = chunk_document(
        parsed, document_id=source.id, organization_id="org", count_tokens=TiktokenTokenizer().count
    )
    outline = await ExtractiveWriter().plan(
        PlanningInput(GenerationParameters(slide_count=6), "en", [source], chunks, {})
    )
    assert 1 <= len(outline.items) < 6
    assert len({item.chunk_ids for item in outline.items}) == len(outline.items)


@pytest.mark.parametrize(
    "sentence", ["First quarter revenue rose 12 percent.", "Third parties hold 20 percent.", "Also known as RP3."]
)
def test_a_leading_word_without_a_comma_is_part_of_the_claim_and_is_kept(sentence: str) -> None:
    assert condense(sentence) == sentence.rstrip(".")
