"""The Embedder contract, run against both local models and the in-memory fake."""

from __future__ import annotations

import math

import pytest

from presentai.adapters.embeddings.local import E5Embedder, StaticEmbedder
from presentai.ports.embeddings import Embedder
from tests.fakes import InMemoryEmbedder

ADAPTERS = {"e5": E5Embedder, "static": StaticEmbedder, "in-memory": InMemoryEmbedder}


@pytest.fixture(scope="module", params=list(ADAPTERS))
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return ADAPTERS[request.param]()  # type: ignore[no-any-return]


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_every_vector_has_the_declared_dimension_and_unit_length(embedder: Embedder) -> None:
    texts = ["Grid batteries store energy.", "Ветропарк из 42 установок.", "x"]
    vectors = await embedder.embed_passages(texts)
    query = await embedder.embed_query("battery storage")
    assert len(vectors) == 3
    for vector in [*vectors, query]:
        assert len(vector) == embedder.dimension
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, rel_tol=1e-3)


async def test_embedding_is_deterministic_and_batch_independent(embedder: Embedder) -> None:
    alone = await embedder.embed_passages(["The substation was rebuilt in 2025."])
    batch = await embedder.embed_passages(["Unrelated text.", "The substation was rebuilt in 2025."])
    assert cosine(alone[0], batch[1]) > 0.999


async def test_no_texts_embed_to_no_vectors(embedder: Embedder) -> None:
    assert await embedder.embed_passages([]) == []


@pytest.mark.parametrize("name", ["e5", "static"])
async def test_a_query_is_closer_to_the_passage_that_answers_it(name: str) -> None:
    model = ADAPTERS[name]()
    passages = await model.embed_passages(
        ["The battery fleet can store 620 megawatt-hours of energy.", "The chief executive resigned in March."]
    )
    query = await model.embed_query("How much energy can the batteries store?")
    assert cosine(query, passages[0]) > cosine(query, passages[1])


async def test_the_multilingual_model_matches_a_russian_question_to_an_english_answer() -> None:
    model = E5Embedder()
    passages = await model.embed_passages(
        ["The wind farm has 42 turbines of 4.2 megawatts each.", "Dividends rose by 8.8 percent."]
    )
    query = await model.embed_query("Сколько турбин на ветроэлектростанции?")
    assert cosine(query, passages[0]) > cosine(query, passages[1])
