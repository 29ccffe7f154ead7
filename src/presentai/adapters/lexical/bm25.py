"""Bm25LexicalRanker: BM25 (bm25s) over Snowball-stemmed English and Russian words."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

import bm25s
import Stemmer

from presentai.domain.sources import Chunk
from presentai.domain.text import has_cyrillic, words
from presentai.ports.retrieval import ScoredChunk

_CACHE_SIZE = 16  # indexes kept, one per distinct set of chunks (≈ one per presentation)
_STEMS_KEPT = 200_000  # stemmed words remembered (words repeat: most of a text's stems are known)
_COMPOUND = re.compile(r"[-'’]")


class _Stemmers(threading.local):
    """PyStemmer's stemmers must not be shared between threads: one pair per thread."""

    def __init__(self) -> None:
        self.english = Stemmer.Stemmer("english")
        self.russian = Stemmer.Stemmer("russian")


class Bm25LexicalRanker:
    """Ranks chunks with BM25; the index of a chunk set is built once, even when asked for at once."""

    def __init__(self) -> None:
        self._stemmers = _Stemmers()
        self._cache: OrderedDict[tuple[str, ...], bm25s.BM25] = OrderedDict()
        self._building: dict[tuple[str, ...], threading.Lock] = {}
        self._lock = threading.Lock()
        self._stems: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        """Stemmed words of ``text``, by their own alphabet's rules; compounds count whole and by parts."""
        stems = self._stems
        tokens = []
        for word in words(text):
            parts = _COMPOUND.split(word)
            for piece in (word, *parts) if len(parts) > 1 else (word,):
                if len(piece) > 1:
                    stem = stems.get(piece)
                    if stem is None:
                        stem = self._stem(piece)
                    tokens.append(stem)
        return tokens

    def _stem(self, piece: str) -> str:
        stemmer = self._stemmers.russian if has_cyrillic(piece) else self._stemmers.english
        stem = str(stemmer.stemWord(piece))
        if len(self._stems) >= _STEMS_KEPT:
            self._stems.clear()
        self._stems[piece] = stem
        return stem

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
            building = self._building.setdefault(key, threading.Lock())
        with building:  # the first caller builds; the others wait for its index
            with self._lock:
                index = self._cache.get(key)
            if index is not None:
                return index
            index = bm25s.BM25()
            index.index([self.tokens(chunk.text) or ["\u2205"] for chunk in chunks], show_progress=False)
            with self._lock:
                self._cache[key] = index
                self._building.pop(key, None)
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return index
