"""OpenAIEmbedder: any server that speaks OpenAI's embeddings protocol (``POST /v1/embeddings``) —
OpenAI's text-embedding-3-large (3072 dims), on-premise BGE-M3 (1024), e5 servers — over httpx."""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Sequence
from typing import Any

import httpx

from presentai.adapters.http_transport import AiohttpTransport
from presentai.domain.errors import EmbeddingUnavailable

_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class OpenAIEmbedder:
    """Batches texts, retries passing trouble, and returns unit-length vectors of the declared size.

    ``input_type`` (``query``/``passage``) is sent only to servers that use it (e5, BGE behind TEI);
    OpenAI's own API is sent the documented fields only.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        dimension: int,
        api_key: str = "",
        send_input_type: bool = False,
        batch_size: int = 64,
        timeout_s: float = 30.0,
        max_attempts: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout_s,
            transport=transport or AiohttpTransport(),  # far less CPU per call than httpcore
        )
        self._model = model
        self._dimension = dimension
        self._send_input_type = send_input_type
        self._batch = batch_size
        self._attempts = max_attempts

    @property
    def name(self) -> str:
        """The model's name (stored with its vectors)."""
        return f"{self._model}@{self._dimension}"

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        return self._dimension

    async def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for passages, in order."""
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self._batch):
            vectors.extend(await self._embed(list(texts[i : i + self._batch]), "passage"))
        return vectors

    async def embed_query(self, text: str) -> list[float]:
        """A vector for a search query."""
        return (await self._embed([text], "query"))[0]

    async def _embed(self, texts: list[str], kind: str) -> list[list[float]]:
        body: dict[str, Any] = {"model": self._model, "input": texts, "encoding_format": "float"}
        if self._send_input_type:
            body["input_type"] = kind
        problem = ""
        for attempt in range(self._attempts):
            if attempt:
                await asyncio.sleep(random.uniform(0, 0.5 * 2**attempt))  # noqa: S311 - jitter, not crypto
            try:
                response = await self._client.post("/embeddings", json=body)
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}"
                continue
            if response.status_code in _RETRYABLE:
                problem = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise EmbeddingUnavailable(
                    f"the embedding service refused: HTTP {response.status_code} {response.text[:200]}", self._model
                )
            try:
                return self._vectors(response.json(), len(texts))
            except (ValueError, KeyError, TypeError) as error:
                problem = f"unexpected answer: {error}"
        raise EmbeddingUnavailable(f"the embedding service failed: {problem}", self._model)

    def _vectors(self, data: dict[str, Any], expected: int) -> list[list[float]]:
        rows = sorted(data["data"], key=lambda row: row["index"])
        if len(rows) != expected:
            raise ValueError(f"{len(rows)} vectors for {expected} texts")
        vectors = []
        for row in rows:
            vector = [float(v) for v in row["embedding"]]
            if len(vector) != self._dimension:
                raise ValueError(f"a vector of {len(vector)} dimensions, {self._dimension} configured")
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            vectors.append([v / norm for v in vector])
        return vectors

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
