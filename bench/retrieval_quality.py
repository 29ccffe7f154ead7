"""Retrieval quality on the labelled query set: recall@k and MRR per embedder and mode.

A chunk is relevant to a query when it contains the query's answer span
(tests/data/retrieval_queries.json, written against the sample documents).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from presentai.adapters.embeddings.local import E5Embedder, StaticEmbedder
from presentai.adapters.lexical.bm25 import Bm25LexicalRanker
from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.qdrant.index import QdrantVectorIndex
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.domain.chunking import chunk_document
from presentai.domain.text import collapse_whitespace, detect_language
from presentai.ports.retrieval import SearchScope
from presentai.services.retrieval import RetrievalMode, Retriever

ROOT = Path(__file__).resolve().parent.parent
K = (1, 3, 5)


async def main() -> dict[str, object]:
    queries = json.loads((ROOT / "tests/data/retrieval_queries.json").read_text())["queries"]
    parser, tokenizer = ContentSniffingParser(), TiktokenTokenizer()
    chunks = []
    for name in sorted({q["document"] for q in queries}):
        data = (ROOT / "samples" / name).read_bytes()
        parsed = parser.parse(data, name)
        chunks += chunk_document(
            parsed,
            document_id=name,
            organization_id="bench",
            count_tokens=tokenizer.count,
            language=detect_language(parsed.text),
        )
    scope = SearchScope("bench", tuple(sorted({c.document_id for c in chunks})))
    results: dict[str, object] = {"chunks": len(chunks), "queries": len(queries)}
    for embedder in (StaticEmbedder(), E5Embedder()):
        index = QdrantVectorIndex(model=embedder.name, dimension=embedder.dimension, path=":memory:")
        started = time.perf_counter()
        vectors = await embedder.embed_passages([c.text for c in chunks])
        embed_seconds = time.perf_counter() - started
        await index.upsert(chunks, vectors)
        for mode in RetrievalMode:
            if mode is RetrievalMode.LEXICAL and embedder.name != "tokenlearn-static-64":
                continue
            retriever = Retriever(embedder=embedder, index=index, lexical=Bm25LexicalRanker(), mode=mode)
            ranks = []
            for q in queries:
                answer = collapse_whitespace(q["answer"])
                hits = (await retriever.search(q["query"], scope, chunks, 20)).hits
                by_id = {c.id: c for c in chunks}
                rank = next(
                    (i + 1 for i, h in enumerate(hits) if answer in collapse_whitespace(by_id[h.chunk_id].text)),
                    None,
                )
                ranks.append(rank)
            name = "bm25" if mode is RetrievalMode.LEXICAL else f"{embedder.name}/{mode.value}"
            row = {f"recall@{k}": round(sum(1 for r in ranks if r and r <= k) / len(ranks), 3) for k in K}
            row["mrr"] = round(sum(1 / r for r in ranks if r) / len(ranks), 3)
            row["embed_chunks_per_s"] = round(len(chunks) / embed_seconds, 1)
            results[name] = row
            print(f"{name:40s} {row}")
        await index.close()
    return results


if __name__ == "__main__":
    out = asyncio.run(main())
    target = ROOT / "bench/results/retrieval_quality.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=2))
    sys.exit(0)
