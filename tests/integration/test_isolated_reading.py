"""Reading uploads in child processes gives the same result as reading them on threads, within a budget."""

from __future__ import annotations

import asyncio
from pathlib import Path

import attrs
import pytest

from presentai.adapters.children import ChildProcesses
from presentai.adapters.isolated_reading import ChildProcessPreparer, ReadingRules
from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.domain.chunking import ChunkingRules
from presentai.domain.errors import CorruptDocument, EmptyDocument, FileTooLarge, UnsupportedFileType
from presentai.domain.preparation import PreparedDocument
from presentai.services.ingest import ThreadedPreparer

SAMPLES = Path(__file__).parents[2] / "samples"


def _without_ids(prepared: PreparedDocument) -> PreparedDocument:
    return attrs.evolve(prepared, chunks=tuple(attrs.evolve(c, id="") for c in prepared.chunks))


@pytest.mark.parametrize("name", ["annual-report-2025.pdf", "field-notes.md", "strategiya-2026.docx"])
async def test_a_child_process_reads_a_document_into_the_same_chunks_as_a_thread(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    child = ChildProcessPreparer(children=ChildProcesses(), rules=ReadingRules())
    thread = ThreadedPreparer(ContentSniffingParser(), TiktokenTokenizer(), ChunkingRules())
    apart = await child.prepare(data, name, document_id="doc", organization_id="org")
    here = await thread.prepare(data, name, document_id="doc", organization_id="org")
    assert apart.chunks
    assert _without_ids(apart) == _without_ids(here)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"   ", EmptyDocument),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, UnsupportedFileType),
        (b"%PDF-1.7\n" + b"x" * 99, CorruptDocument),
    ],
)
async def test_a_file_the_child_cannot_use_fails_with_the_same_error_as_on_a_thread(data: bytes, error: type) -> None:
    child = ChildProcessPreparer(children=ChildProcesses(), rules=ReadingRules())
    with pytest.raises(error) as raised:
        await child.prepare(data, "odd.bin", document_id="doc", organization_id="org")
    assert raised.value.source == "odd.bin"


async def test_a_document_past_the_memory_budget_fails_and_the_service_stays_as_it_was() -> None:
    text = ("# Part\n\n" + "A sentence that fills the budget quickly enough. " * 40 + "\n\n") * 6000
    # Out of memory, Python raises MemoryError, but tiktoken's Rust may hang instead: the time budget ends it.
    child = ChildProcessPreparer(
        children=ChildProcesses(), rules=ReadingRules(), memory_bytes=200 * 2**20, timeout_s=20
    )
    with pytest.raises(FileTooLarge, match=r"200 MB|too complex|longer than 20 s"):
        await child.prepare(text.encode(), "huge.md", document_id="doc", organization_id="org")


async def test_a_stopping_service_kills_the_reader_and_refuses_new_ones() -> None:
    children = ChildProcesses()
    children.stop_all()
    child = ChildProcessPreparer(children=children, rules=ReadingRules())
    with pytest.raises(asyncio.CancelledError):  # the source is then recorded as interrupted
        await child.prepare(b"# A\n\nText.", "a.md", document_id="doc", organization_id="org")
