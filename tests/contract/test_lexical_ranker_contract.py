"""The LexicalRanker contract, held by Bm25LexicalRanker: word overlap decides, inflections included."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from presentai.adapters.lexical.bm25 import Bm25LexicalRanker
from presentai.domain.sources import Chunk
from presentai.ports.retrieval import LexicalRanker

RANKERS: list[Callable[[], LexicalRanker]] = [Bm25LexicalRanker]

PASSAGES = [
    "The Ashby Moor battery stores 100 megawatt hours and provides frequency response.",
    "Smart meters were installed in the villages of Fellside during the autumn.",
    "Storm Ingrid brought down overhead lines across the upland districts in February.",
    "Накопитель энергии в Эшби-Мур введён в эксплуатацию в декабре.",
    "Ветроэлектростанция выработала первую электроэнергию в июне.",
    "The Board approved the dividend policy for the third regulatory period.",
]


def chunks_of(*texts: str, document_id: str = "doc-1") -> list[Chunk]:
    """Chunks of one document laid end to end, as the chunker would cut them."""
    chunks, start = [], 0
    for index, text in enumerate(texts):
        chunks.append(
            Chunk(
                id=f"{document_id}-chunk-{index}",
                document_id=document_id,
                organization_id="org-1",
                index=index,
                text=text,
                start=start,
                end=start + len(text),
                token_count=len(text.split()),
                language="ru" if any("а" <= c <= "я" for c in text.lower()) else "en",
            )
        )
        start += len(text) + 2
    return chunks


@pytest.fixture(params=RANKERS, ids=lambda ranker: ranker.__name__)
def ranker(request: pytest.FixtureRequest) -> LexicalRanker:
    return request.param()


@pytest.fixture
def passages() -> list[Chunk]:
    return chunks_of(*PASSAGES)


def ranked_ids(ranker: LexicalRanker, query: str, chunks: list[Chunk], limit: int = 10) -> list[str]:
    return [scored.chunk_id for scored in ranker.rank(query, chunks, limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("battery frequency response", 0),
        ("smart meters Fellside", 1),
        ("storm overhead lines", 2),
        ("dividend policy", 5),
    ],
)
def test_the_chunk_containing_the_querys_words_ranks_first(
    ranker: LexicalRanker, passages: list[Chunk], query: str, expected: int
) -> None:
    assert ranked_ids(ranker, query, passages)[0] == passages[expected].id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("накопителей", 3),  # genitive plural finds the nominative singular
        ("накопителями энергии", 3),
        ("ветроэлектростанции", 4),
        ("batteries", 0),  # English plural finds the singular
        ("installing meter", 1),
        ("STORM", 2),
    ],
)
def test_inflected_and_differently_cased_forms_of_a_word_match_it(
    ranker: LexicalRanker, passages: list[Chunk], query: str, expected: int
) -> None:
    assert ranked_ids(ranker, query, passages)[:1] == [passages[expected].id]


def test_the_letter_yo_and_ye_are_the_same_letter_for_matching(ranker: LexicalRanker) -> None:
    chunks = chunks_of("Ёмкость накопителя составляет 100 мегаватт-часов.", "Ветер и солнце.")

    assert ranked_ids(ranker, "емкость", chunks) == [chunks[0].id]


def test_chunks_sharing_no_word_with_the_query_are_left_out(ranker: LexicalRanker, passages: list[Chunk]) -> None:
    found = ranked_ids(ranker, "накопителей battery", passages)

    assert sorted(found) == sorted([passages[0].id, passages[3].id])


def test_a_query_with_no_word_in_any_chunk_finds_nothing(ranker: LexicalRanker, passages: list[Chunk]) -> None:
    assert ranker.rank("photosynthesis chlorophyll", passages, 5) == []


def test_scores_are_positive_and_in_descending_order(ranker: LexicalRanker, passages: list[Chunk]) -> None:
    scored = ranker.rank("battery meters storm board energy", passages, 10)

    assert len(scored) >= 3
    assert all(item.score > 0 for item in scored)
    assert [item.score for item in scored] == sorted((item.score for item in scored), reverse=True)


def test_a_chunk_sharing_more_query_words_outranks_one_sharing_fewer(ranker: LexicalRanker) -> None:
    chunks = chunks_of(
        "The battery was delivered in spring.",
        "The battery at Stonebridge provides frequency response to the grid.",
        "Frequency of inspections was increased.",
    )

    assert ranked_ids(ranker, "Stonebridge battery frequency response", chunks)[0] == chunks[1].id


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_no_more_than_limit_chunks_are_returned(ranker: LexicalRanker, passages: list[Chunk], limit: int) -> None:
    scored = ranker.rank("battery meters storm dividend", passages, limit)

    assert len(scored) == limit


def test_a_limit_larger_than_the_chunk_list_returns_every_match(ranker: LexicalRanker, passages: list[Chunk]) -> None:
    assert len(ranker.rank("battery meters storm dividend", passages, 100)) == 4


def test_a_limit_of_zero_returns_nothing(ranker: LexicalRanker, passages: list[Chunk]) -> None:
    assert ranker.rank("battery", passages, 0) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "— … !?", "a"])
def test_an_empty_query_or_one_without_words_returns_nothing(
    ranker: LexicalRanker, passages: list[Chunk], query: str
) -> None:
    assert ranker.rank(query, passages, 5) == []


def test_an_empty_chunk_list_returns_nothing(ranker: LexicalRanker) -> None:
    assert ranker.rank("battery", [], 5) == []


def test_only_ids_of_the_given_chunks_are_returned(ranker: LexicalRanker) -> None:
    first = chunks_of("Battery storage at Ashby Moor.", "Meters in Fellside.", document_id="doc-a")
    second = chunks_of("Battery storage at Stonebridge.", "Storm damage in Harrow Vale.", document_id="doc-b")

    ranker.rank("battery", first, 5)
    found = ranked_ids(ranker, "battery", second)

    assert found == [second[0].id]


def test_a_chunk_of_only_punctuation_does_not_break_ranking(ranker: LexicalRanker) -> None:
    chunks = chunks_of("— … •", "Battery storage at Ashby Moor.")

    assert ranked_ids(ranker, "battery", chunks) == [chunks[1].id]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("meter", "Smart-meter data helps engineers find faults."),
        ("voltage", "The high-voltage network was reinforced."),
        ("мегаватт часов", "Ёмкость накопителя составляет 100 мегаватт-часов."),
    ],
    ids=["smart-meter", "high-voltage", "megawatt-hours-russian"],
)
def test_a_word_matches_a_hyphenated_compound_that_contains_it(ranker: LexicalRanker, query: str, text: str) -> None:
    chunks = chunks_of(text, "Unrelated words about the weather.")

    assert ranked_ids(ranker, query, chunks) == [chunks[0].id]
