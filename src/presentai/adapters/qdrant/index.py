"""QdrantVectorIndex: chunk vectors with tenant payload, searched inside one tenant's documents.

Local mode (a folder on disk) allows one process per folder and filters in
Python, so PresentAI keeps one collection per embedding model and always
narrows searches to the few documents of a presentation; on a Qdrant server the
organization id is a tenant-partitioned payload index.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path

import portalocker
from qdrant_client import AsyncQdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from presentai.domain.errors import VectorIndexUnavailable, WorkspaceInUse
from presentai.domain.sources import Chunk
from presentai.ports.retrieval import ScoredChunk, SearchScope

_UPSERT_BATCH = 256


class QdrantVectorIndex:
    """Stores and searches chunk vectors in Qdrant (server URL, or a local folder)."""

    def __init__(
        self, *, model: str, dimension: int, path: str | None = None, url: str | None = None, api_key: str | None = None
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("give exactly one of path (local mode) or url (server)")
        self._path = path
        self._url = url
        self._api_key = api_key
        self._dimension = dimension
        self._collection = "chunks_" + re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")
        self._client: AsyncQdrantClient | None = None
        self._ready = asyncio.Lock()

    async def _connect(self) -> AsyncQdrantClient:
        async with self._ready:
            if self._client is not None:
                return self._client
            if self._path is not None and self._path != ":memory:":
                self._refuse_if_locked(self._path)
            try:
                client = (
                    AsyncQdrantClient(path=self._path)
                    if self._path is not None
                    else AsyncQdrantClient(url=self._url, api_key=self._api_key, timeout=10)
                )
                if not await client.collection_exists(self._collection):
                    await client.create_collection(
                        self._collection,
                        vectors_config=models.VectorParams(size=self._dimension, distance=models.Distance.COSINE),
                    )
                    if self._url is not None:
                        await client.create_payload_index(
                            self._collection,
                            "organization_id",
                            models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
                        )
                        await client.create_payload_index(
                            self._collection, "document_id", models.PayloadSchemaType.KEYWORD
                        )
            except RuntimeError as error:  # local mode: the folder is locked by another process
                raise WorkspaceInUse(
                    f"the workspace {self._path} is in use by another PresentAI process; "
                    "wait for it to finish or use another workspace"
                ) from error
            except (ResponseHandlingException, UnexpectedResponse, OSError) as error:
                raise VectorIndexUnavailable(f"Qdrant is unreachable: {error}", "qdrant") from error
            self._client = client
            return client

    @staticmethod
    def _refuse_if_locked(path: str) -> None:
        """Check the local folder's lock ourselves: qdrant-client leaks its lock file when it finds it taken."""
        lock = Path(path) / ".lock"
        if not lock.exists():
            return
        with lock.open("r+") as handle:
            try:
                portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
            except portalocker.exceptions.LockException as error:
                raise WorkspaceInUse(
                    f"the workspace {path} is in use by another PresentAI process; "
                    "wait for it to finish or use another workspace"
                ) from error
            portalocker.unlock(handle)

    async def open(self) -> None:
        """Connect, and create the collection if it is missing."""
        await self._connect()

    async def upsert(
        self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], *, presentation_id: str = ""
    ) -> None:
        """Replace the vectors of the chunks' documents with these."""
        client = await self._connect()
        try:
            for organization_id, document_id in {(c.organization_id, c.document_id) for c in chunks}:
                await self._delete(client, organization_id, document_id)
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
            for i in range(0, len(points), _UPSERT_BATCH):
                await client.upsert(self._collection, points[i : i + _UPSERT_BATCH], wait=True)
        except (ResponseHandlingException, UnexpectedResponse, OSError) as error:
            raise VectorIndexUnavailable(f"Qdrant upsert failed: {error}", "qdrant") from error

    async def search(self, vector: Sequence[float], scope: SearchScope, limit: int) -> list[ScoredChunk]:
        """Nearest chunks among the scope's documents of the scope's organization."""
        if not scope.document_ids:
            return []
        client = await self._connect()
        query_filter = models.Filter(
            must=[
                models.FieldCondition(key="organization_id", match=models.MatchValue(value=scope.organization_id)),
                models.FieldCondition(key="document_id", match=models.MatchAny(any=list(scope.document_ids))),
            ]
        )
        try:
            response = await client.query_points(
                self._collection, query=list(vector), query_filter=query_filter, limit=limit, with_payload=False
            )
        except (ResponseHandlingException, UnexpectedResponse, OSError) as error:
            raise VectorIndexUnavailable(f"Qdrant search failed: {error}", "qdrant") from error
        return [ScoredChunk(str(point.id), float(point.score)) for point in response.points]

    async def delete_document(self, organization_id: str, document_id: str) -> None:
        """Remove a document's vectors."""
        client = await self._connect()
        try:
            await self._delete(client, organization_id, document_id)
        except (ResponseHandlingException, UnexpectedResponse, OSError) as error:
            raise VectorIndexUnavailable(f"Qdrant delete failed: {error}", "qdrant") from error

    async def _delete(self, client: AsyncQdrantClient, organization_id: str, document_id: str) -> None:
        await client.delete(
            self._collection,
            points_selector=models.FilterSelector(
                filter=models.Filter(
                    must=[
                        models.FieldCondition(key="organization_id", match=models.MatchValue(value=organization_id)),
                        models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id)),
                    ]
                )
            ),
            wait=True,
        )

    async def close(self) -> None:
        """Close the client and release the local folder's lock."""
        if self._client is not None:
            await self._client.close()
            self._client = None
