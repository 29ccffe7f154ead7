"""Token-aware chunking: budgets, whole sentences, sections, overlap and offsets."""

from __future__ import annotations

import itertools

import pytest

from presentai.domain.chunking import ChunkingRules, chunk_document
from presentai.domain.errors import ValidationFailed
from presentai.domain.sources import Block, BlockKind, ParsedDocument
from presentai.domain.text import sentence_spans
from tests.fakes import WordTokenizer

count = WordTokenizer().count


def paragraph(n: int, section: str, page: int, lang: str = "en") -> Block:
    if lang == "ru":
        text = " ".join(f"Предложение номер {i} абзаца {n} описывает накопители энергии." for i in range(8))
    else:
        text = " ".join(f"Sentence {i} of paragraph {n} describes grid batteries in detail." for i in range(8))
    return Block(BlockKind.PARAGRAPH, text, page, 0, section)


def document(lang: str = "en") -> ParsedDocument:
    blocks = [Block(BlockKind.HEADING, "1. Overview", 1, 1, "1. Overview")]
    blocks += [paragraph(n, "1. Overview", 1 + n // 2, lang) for n in range(5)]
    blocks += [Block(BlockKind.HEADING, "2. Money", 3, 1, "2. Money"), paragraph(9, "2. Money", 3, lang)]
    return ParsedDocument("text/plain", tuple(blocks))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_chunk_is_a_slice_of_the_document_that_ends_at_a_sentence_end(lang: str) -> None:
    doc = document(lang)
    rules = ChunkingRules(max_tokens=60, overlap_tokens=12)
    chunks = chunk_document(doc, document_id="d", organization_id="o", count_tokens=count, rules=rules)
    ends = {doc.block_offsets()[i] + e for i, b in enumerate(doc.blocks) for _, e in sentence_spans(b.text)}
    assert len(chunks) > 4
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.end in ends
        assert chunk.token_count <= 60 + 2  # the heading carried into a chunk may add its words


def test_consecutive_chunks_of_a_section_share_whole_trailing_sentences_within_the_overlap() -> None:
    doc = document()
    chunks = chunk_document(doc, document_id="d", organization_id="o", count_tokens=count, rules=ChunkingRules(60, 12))
    same_section = [(a, b) for a, b in itertools.pairwise(chunks) if a.section == b.section]
    assert same_section
    for a, b in same_section:
        shared = a.end - b.start
        assert shared > 0
        assert count(doc.text[b.start : a.end]) <= 12


def test_chunks_never_cross_a_section_and_start_with_their_heading() -> None:
    chunks = chunk_document(document(), document_id="d", organization_id="o", count_tokens=count)
    money = [c for c in chunks if c.section == "2. Money"]
    assert money
    assert money[0].text.startswith("2. Money")
    assert all("paragraph 9" not in c.text for c in chunks if c.section == "1. Overview")


def test_chunks_know_the_pages_they_span_and_the_page_of_any_offset() -> None:
    doc = document()
    chunks = chunk_document(doc, document_id="d", organization_id="o", count_tokens=count, rules=ChunkingRules(90, 0))
    spanning = [c for c in chunks if c.page != c.page_end]
    assert spanning
    chunk = spanning[0]
    assert chunk.page_at(0) == chunk.page
    assert chunk.page_at(len(chunk.text) - 1) == chunk.page_end


def test_a_sentence_far_over_the_hard_limit_is_cut_at_words_so_no_chunk_grows_without_bound() -> None:
    run_on = " ".join(f"word{i}" for i in range(3000))
    doc = ParsedDocument("text/plain", (Block(BlockKind.PARAGRAPH, run_on, None, 0, ""),))
    chunks = chunk_document(doc, document_id="d", organization_id="o", count_tokens=count, rules=ChunkingRules())
    assert len(chunks) >= 3000 // 768
    assert all(c.token_count <= 768 for c in chunks)
    assert " ".join(c.text for c in chunks) == run_on


def test_table_rows_are_kept_whole() -> None:
    table = "\n".join(f"Row {i} | {i * 10} | {i * 20}" for i in range(40))
    doc = ParsedDocument("text/plain", (Block(BlockKind.TABLE, table, 1, 0, "T"),))
    chunks = chunk_document(doc, document_id="d", organization_id="o", count_tokens=count, rules=ChunkingRules(30, 0))
    assert len(chunks) > 1
    assert all(line.startswith("Row ") for c in chunks for line in c.text.split("\n"))


@pytest.mark.parametrize(
    "rules",
    [{"max_tokens": 8}, {"max_tokens": 100, "overlap_tokens": 60}, {"max_tokens": 500, "hard_limit_tokens": 100}],
)
def test_unreasonable_rules_are_refused(rules: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed):
        ChunkingRules(**rules)
