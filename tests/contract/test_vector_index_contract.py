"""The VectorIndex contract, run against Qdrant (local mode on disk) and the in-memory fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from presentai.adapters.qdrant.index import QdrantVectorIndex
from presentai.domain.ids import new_id
from presentai.domain.sources import Chunk
from presentai.ports.retrieval import SearchScope, VectorIndex
from tests.fakes import InMemoryVectorIndex

DIM = 4


@pytest.fixture(params=["qdrant-local", "in-memory"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[VectorIndex]:
    adapter: VectorIndex
    if request.param == "qdrant-local":
        adapter = QdrantVectorIndex(model="contract", dimension=DIM, path=str(tmp_path / "qdrant"))
    else:
        adapter = InMemoryVectorIndex()
    yield adapter
    await adapter.close()


def chunk(org: str, doc: str, index: int) -> Chunk:
    return Chunk(new_id(), doc, org, index, f"text {index}", 0, 6, 2)


def axis(i: int) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(DIM)]


async def test_search_returns_the_nearest_chunks_first(index: VectorIndex) -> None:
    chunks = [chunk("org", "d1", i) for i in range(3)]
    await index.upsert(chunks, [axis(0), axis(1), [0.7, 0.7, 0.0, 0.0]])
    hits = await index.search(axis(0), SearchScope("org", ("d1",)), limit=2)
    assert [h.chunk_id for h in hits] == [chunks[0].id, chunks[2].id]
    assert hits[0].score > hits[1].score


async def test_search_never_crosses_the_organization_or_the_scope_documents(index: VectorIndex) -> None:
    mine, other_doc, theirs = chunk("org", "d1", 0), chunk("org", "d2", 0), chunk("rival", "d1", 0)
    await index.upsert([mine, other_doc], [axis(0), axis(0)])
    await index.upsert([theirs], [axis(0)])
    hits = await index.search(axis(0), SearchScope("org", ("d1",)), limit=10)
    assert [h.chunk_id for h in hits] == [mine.id]
    assert await index.search(axis(0), SearchScope("org", ()), limit=10) == []


async def test_upserting_a_document_again_replaces_its_old_vectors(index: VectorIndex) -> None:
    old = [chunk("org", "d1", i) for i in range(3)]
    await index.upsert(old, [axis(0)] * 3)
    new = [chunk("org", "d1", 0)]
    await index.upsert(new, [axis(1)])
    hits = await index.search(axis(1), SearchScope("org", ("d1",)), limit=10)
    assert [h.chunk_id for h in hits] == [new[0].id]


async def test_retaining_documents_drops_the_organizations_other_vectors_only(index: VectorIndex) -> None:
    kept, dropped, rival = chunk("org", "d1", 0), chunk("org", "d2", 0), chunk("rival", "d9", 0)
    for c in (kept, dropped, rival):
        await index.upsert([c], [axis(0)])
    await index.retain_documents("org", ["d1"])
    assert [h.chunk_id for h in await index.search(axis(0), SearchScope("org", ("d1", "d2")), 10)] == [kept.id]
    assert [h.chunk_id for h in await index.search(axis(0), SearchScope("rival", ("d9",)), 10)] == [rival.id]
    await index.retain_documents("org", [])
    assert await index.search(axis(0), SearchScope("org", ("d1", "d2")), 10) == []


async def test_deleting_a_document_removes_only_its_vectors(index: VectorIndex) -> None:
    keep, drop = chunk("org", "d1", 0), chunk("org", "d2", 0)
    await index.upsert([keep], [axis(0)])
    await index.upsert([drop], [axis(0)])
    await index.delete_document("org", "d2")
    hits = await index.search(axis(0), SearchScope("org", ("d1", "d2")), limit=10)
    assert [h.chunk_id for h in hits] == [keep.id]
