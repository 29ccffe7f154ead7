"""Tables of real sources come back as tables (header and rows) from the chunks they fall in."""

from __future__ import annotations

from pathlib import Path

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.domain.chunking import chunk_document
from presentai.domain.sources import Chunk
from presentai.domain.tables import tables_in

CORPUS = Path(__file__).parents[1] / "corpus"


def chunks_of(name: str) -> list[Chunk]:
    path = CORPUS / name
    document = ContentSniffingParser().parse(path.read_bytes(), path.name)
    return chunk_document(document, document_id="d", organization_id="o", count_tokens=TiktokenTokenizer().count)


def test_a_risk_matrix_of_a_real_deck_is_a_five_by_five_table_with_its_header() -> None:
    found = [t for c in chunks_of("en/gsa-itacm-2026-risk-assessment-framework-deck.pptx") for t in tables_in(c)]
    matrix = next(t.table for t in found if "Severe Consequence" in t.table.header)
    assert matrix.header[1:] == (
        "Negligible Consequence",
        "Minor Consequence",
        "Moderate Consequence",
        "Significant Consequence",
        "Severe Consequence",
    )
    assert len(matrix.rows) == 5
    assert all(len(row) == len(matrix.header) for row in matrix.rows)
    assert matrix.rows[0][-1] == "Critical"


def test_a_table_s_span_is_its_text_in_the_chunk_and_never_a_prose_sentence() -> None:
    for chunk in chunks_of("en/gsa-itacm-2026-risk-assessment-framework-deck.pptx"):
        for found in tables_in(chunk):
            text = chunk.text[found.start : found.end]
            assert found.table.header[-1] in text.splitlines()[0]
            assert not any(s < found.end and found.start < e for s, e in chunk.sentences)


def test_markdown_prose_with_a_pipe_in_it_is_no_table() -> None:
    document = ContentSniffingParser().parse(
        b"# Notes\n\nThe shell pipe a | b joins two commands. It is common.\n\n| Year | Sales |\n|---|---|\n"
        b"| 2024 | 10 |\n| 2025 | 12 |\n",
        "notes.md",
    )
    chunks = chunk_document(document, document_id="d", organization_id="o", count_tokens=TiktokenTokenizer().count)
    tables = [t.table for c in chunks for t in tables_in(c)]
    assert [(t.header, t.rows) for t in tables] == [(("Year", "Sales"), (("2024", "10"), ("2025", "12")))]
