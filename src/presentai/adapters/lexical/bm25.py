"""Bm25LexicalRanker: BM25 (bm25s) over Snowball-stemmed English and Russian words."""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

import bm25s
import Stemmer

from presentai.domain.sources import Chunk
from presentai.domain.text import words
from presentai.ports.retrieval import ScoredChunk

_CYRILLIC = re.compile(r"[а-яё]")
_CACHE_SIZE = 16  # indexes kept, one per distinct set of chunks (≈ one per presentation)


class Bm25LexicalRanker:
    """Ranks chunks with BM25; the index of a chunk set is built once and cached."""

    def __init__(self) -> None:
        self._english = Stemmer.Stemmer("english")
        self._russian = Stemmer.Stemmer("russian")
        self._cache: OrderedDict[tuple[str, ...], bm25s.BM25] = OrderedDict()
        self._lock = threading.Lock()

    def tokens(self, text: str) -> list[str]:
        """Stemmed words of ``text``, by their own alphabet's rules; compounds count whole and by parts."""
        tokens = []
        for word in words(text):
            parts = re.split(r"[-'’]", word)
            for piece in (word, *parts) if len(parts) > 1 else (word,):
                if len(piece) > 1:
                    tokens.append(self._stem(piece))
        return tokens

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - the ranker lives as long as the process
    def _stem(self, word: str) -> str:
        stemmer = self._russian if _CYRILLIC.search(word) else self._english
        return str(stemmer.stemWord(word))

    def rank(self, query: str, chunks: Sequence[Chunk], limit: int) -> list[ScoredChunk]:
        """The best ``limit`` chunks for ``query``; chunks sharing no word with it are left out."""
        query_tokens = self.tokens(query)
        if not chunks or not query_tokens or limit <= 0:
            return []
        index = self._index(chunks)
        k = min(limit, len(chunks))
        with self._lock:  # bm25s retrieval is not documented as thread-safe
            ids, scores = index.retrieve([query_tokens], k=k, show_progress=False, n_threads=1)
        return [ScoredChunk(chunks[int(i)].id, float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    def _index(self, chunks: Sequence[Chunk]) -> bm25s.BM25:
        key = tuple(chunk.id for chunk in chunks)
        with self._lock:
            index = self._cache.get(key)
            if index is not None:
                self._cache.move_to_end(key)
                return index
        corpus = [self.tokens(chunk.text) or ["\u2205"] for chunk in chunks]
        index = bm25s.BM25()
        index.index(corpus, show_progress=False)
        with self._lock:
            self._cache[key] = index
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return index
