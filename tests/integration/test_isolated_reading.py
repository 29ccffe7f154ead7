"""Reading uploads in child processes gives the same result as reading them on threads, within a budget."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import attrs
import pytest

from presentai.adapters.children import ChildProcesses
from presentai.adapters.isolated_reading import ChildProcessPreparer, ReadingRules, unpacked_size
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


def _stopped() -> ChildProcesses:
    """Children that refuse to start: whatever reaches a child ends as interrupted."""
    children = ChildProcesses()
    children.stop_all()
    return children


def _docx_unpacking_to(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * size + "</w:document>")
    return out.getvalue()


@pytest.mark.parametrize("name", ["annual-report-2025.pdf", "field-notes.md", "strategiya-2026.docx"])
async def test_a_small_document_is_read_on_a_thread_into_the_chunks_a_child_makes(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    thread = ThreadedPreparer(ContentSniffingParser(), TiktokenTokenizer(), ChunkingRules())
    # the children refuse to start, so these chunks can only come from the thread
    nearby = ChildProcessPreparer(
        children=_stopped(), rules=ReadingRules(), nearby=thread, nearby_below_bytes=unpacked_size(data) + 1
    )
    apart = ChildProcessPreparer(children=ChildProcesses(), rules=ReadingRules())
    here = await nearby.prepare(data, name, document_id="doc", organization_id="org")
    there = await apart.prepare(data, name, document_id="doc", organization_id="org")
    assert here.chunks
    assert _without_ids(here) == _without_ids(there)


async def test_a_document_at_the_size_or_unpacking_past_it_is_read_in_a_child() -> None:
    thread = ThreadedPreparer(ContentSniffingParser(), TiktokenTokenizer(), ChunkingRules())
    preparer = ChildProcessPreparer(children=_stopped(), rules=ReadingRules(), nearby=thread, nearby_below_bytes=4096)
    at_size = b"# A\n\n" + b"word " * 818 + b"x"
    assert len(at_size) == 4096
    bomb = _docx_unpacking_to(64 * 1024)  # a few hundred bytes that unpack to 64 KiB
    assert len(bomb) < 4096
    for data in (at_size, bomb):
        with pytest.raises(asyncio.CancelledError):  # it went to a child, which the stopped service refused
            await preparer.prepare(data, "f.docx", document_id="doc", organization_id="org")
    small = await preparer.prepare(b"# A\n\nText.", "a.md", document_id="doc", organization_id="org")
    assert small.chunks  # one byte less than the size: read on the thread


class GatedPreparer:
    """A thread preparer that holds each document until the test lets it go, counting who is inside."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.most_at_once = 0
        self.entered = asyncio.Condition()
        self.release = asyncio.Event()

    async def prepare(self, data: bytes, filename: str, *, document_id: str, organization_id: str) -> PreparedDocument:
        async with self.entered:
            self.inside.append(organization_id)
            self.most_at_once = max(self.most_at_once, len(self.inside))
            self.entered.notify_all()
        await self.release.wait()
        self.inside.remove(organization_id)
        return PreparedDocument.of(
            ContentSniffingParser().parse(data, filename),
            document_id=document_id,
            organization_id=organization_id,
            count_tokens=TiktokenTokenizer().count,
            rules=ChunkingRules(),
        )


async def test_small_documents_on_threads_take_the_same_fair_slots_as_children() -> None:
    gated = GatedPreparer()
    preparer = ChildProcessPreparer(
        children=_stopped(),
        rules=ReadingRules(),
        processes=2,
        per_organization=1,
        nearby=gated,
        nearby_below_bytes=2**20,
    )
    reads = [
        asyncio.ensure_future(preparer.prepare(b"# A\n\nText.", f"{org}.md", document_id=org, organization_id=org))
        for org in ("big-tenant", "big-tenant", "big-tenant", "other")
    ]
    async with gated.entered:
        await gated.entered.wait_for(lambda: len(gated.inside) == 2)
    assert sorted(gated.inside) == ["big-tenant", "other"]  # one per organization: the other tenant is not queued
    gated.release.set()
    done = await asyncio.gather(*reads)
    assert all(d.chunks for d in done)
    assert gated.most_at_once == 2
