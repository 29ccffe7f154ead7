"""QdrantVectorIndex: chunk vectors with tenant payload, searched inside one tenant's documents.

Local mode (a folder on disk) allows one process per folder, is not
thread-safe, and filters in Python; so PresentAI keeps one collection per
embedding model, always narrows searches to the few documents of a
presentation, and runs every call of the (synchronous) client in a worker
thread, one at a time, off the event loop. On a Qdrant server the
organization id is a tenant-partitioned payload index.

qdrant-client is imported on first use, not with this module: its pydantic
models take about two seconds to build, which a run that searches by keywords
only never needs to pay.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from presentai.domain.errors import VectorIndexUnavailable, WorkspaceInUse
from presentai.domain.sources import Chunk
from presentai.ports.retrieval import ScoredChunk, SearchScope

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

_UPSERT_BATCH = 256
T = TypeVar("T")


@functools.cache
def _qdrant() -> Any:
    """qdrant-client's ``models`` module, imported once, on first use."""
    from qdrant_client import models

    return models


@functools.cache
def _failures() -> tuple[type[BaseException], ...]:
    """The client's errors that mean the index is unavailable."""
    from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

    return (ResponseHandlingException, UnexpectedResponse, OSError)


def _in_use(path: str) -> WorkspaceInUse:
    return WorkspaceInUse(
        f"the workspace {path} is in use by another PresentAI process; wait for it to finish or use another workspace"
    )


def _organization(organization_id: str) -> Any:
    models = _qdrant()
    return models.FieldCondition(key="organization_id", match=models.MatchValue(value=organization_id))


class QdrantVectorIndex:
    """Stores and searches chunk vectors in Qdrant (server URL, or a local folder)."""

    def __init__(
        self,
        *,
        model: str,
        dimension: int,
        path: str | None = None,
        url: str | None = None,
        api_key: str | None = None,
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("give exactly one of path (local mode) or url (server)")
        self._path = path
        self._url = url
        self._api_key = api_key
        self._dimension = dimension
        self._collection = "chunks_" + re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")
        self._client: QdrantClient | None = None
        self._lock = threading.Lock()  # one call at a time: local mode is not thread-safe

    async def _call(self, action: Callable[[QdrantClient], T], failure: str) -> T:
        def run() -> T:
            with self._lock:
                try:
                    return action(self._connect())
                except _failures() as error:
                    raise VectorIndexUnavailable(f"Qdrant {failure} failed: {error}", "qdrant") from error

        return await asyncio.to_thread(run)

    def _connect(self) -> QdrantClient:
        if self._client is not None:
            return self._client
        from qdrant_client import QdrantClient

        models = _qdrant()
        if self._path is not None and self._path != ":memory:":
            _refuse_if_locked(self._path)
        try:
            if self._path is not None:
                client = QdrantClient(path=self._path)
            else:
                client = QdrantClient(url=self._url, api_key=self._api_key, timeout=10)
        except RuntimeError as error:  # local mode: the folder was locked between our check and the client's
            raise _in_use(str(self._path)) from error
        try:
            if not client.collection_exists(self._collection):
                client.create_collection(
                    self._collection,
                    vectors_config=models.VectorParams(size=self._dimension, distance=models.Distance.COSINE),
                )
                if self._url is not None:
                    client.create_payload_index(
                        self._collection,
                        "organization_id",
                        models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
                    )
                    client.create_payload_index(self._collection, "document_id", models.PayloadSchemaType.KEYWORD)
        except _failures() as error:
            client.close()
            raise VectorIndexUnavailable(f"Qdrant is unreachable: {error}", "qdrant") from error
        self._client = client
        return client

    async def open(self) -> None:
        """Connect, and create the collection if it is missing."""
        await self._call(lambda client: None, "connection")

    async def upsert(
        self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], *, presentation_id: str = ""
    ) -> None:
        """Replace the vectors of the chunks' documents with these."""
        models = _qdrant()
        points = [
            models.PointStruct(
                id=chunk.id,
                vector=list(vector),
                payload={
                    "organization_id": chunk.organization_id,
                    "document_id": chunk.document_id,
                    "presentation_id": presentation_id,
                    "chunk_index": chunk.index,
                    "language": chunk.language,
                },
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        documents = {(c.organization_id, c.document_id) for c in chunks}

        def replace(client: QdrantClient) -> None:
            for organization_id, document_id in documents:
                self._delete(client, organization_id, [document_id])
            for i in range(0, len(points), _UPSERT_BATCH):
                client.upsert(self._collection, points[i : i + _UPSERT_BATCH], wait=True)

        await self._call(replace, "upsert")

    async def search(self, vector: Sequence[float], scope: SearchScope, limit: int) -> list[ScoredChunk]:
        """Nearest chunks among the scope's documents of the scope's organization."""
        if not scope.document_ids:
            return []
        models = _qdrant()
        query_filter = models.Filter(
            must=[
                _organization(scope.organization_id),
                models.FieldCondition(key="document_id", match=models.MatchAny(any=list(scope.document_ids))),
            ]
        )
        response = await self._call(
            lambda client: client.query_points(
                self._collection, query=list(vector), query_filter=query_filter, limit=limit, with_payload=False
            ),
            "search",
        )
        return [ScoredChunk(str(point.id), float(point.score)) for point in response.points]

    async def delete_document(self, organization_id: str, document_id: str) -> None:
        """Remove a document's vectors."""
        await self._call(lambda client: self._delete(client, organization_id, [document_id]), "delete")

    async def retain_documents(self, organization_id: str, document_ids: Sequence[str]) -> None:
        """Remove the organization's vectors of every document not in ``document_ids``."""
        models = _qdrant()
        keep = models.FieldCondition(key="document_id", match=models.MatchAny(any=list(document_ids)))
        selector = models.FilterSelector(
            filter=models.Filter(must=[_organization(organization_id)], must_not=[keep] if document_ids else [])
        )
        await self._call(lambda client: client.delete(self._collection, points_selector=selector, wait=True), "delete")

    def _delete(self, client: QdrantClient, organization_id: str, document_ids: list[str]) -> None:
        models = _qdrant()
        selector = models.FilterSelector(
            filter=models.Filter(
                must=[
                    _organization(organization_id),
                    models.FieldCondition(key="document_id", match=models.MatchAny(any=document_ids)),
                ]
            )
        )
        client.delete(self._collection, points_selector=selector, wait=True)

    async def close(self) -> None:
        """Close the client and release the local folder's lock."""

        def close() -> None:
            with self._lock:
                if self._client is not None:
                    self._client.close()
                    self._client = None

        await asyncio.to_thread(close)


def _refuse_if_locked(path: str) -> None:
    """Check the local folder's lock ourselves: qdrant-client leaks its lock file when it finds it taken."""
    lock = Path(path) / ".lock"
    if not lock.exists():
        return
    import portalocker  # it imports redis on the way: only when there is a lock to check

    with lock.open("r+") as handle:
        try:
            portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException as error:
            raise _in_use(path) from error
        portalocker.unlock(handle)
