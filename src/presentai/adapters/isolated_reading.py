"""ChildProcessPreparer: parsing and chunking in a child process with a memory and a time budget, killed at
the budget or when the service stops (``python -m presentai.adapters.isolated_reading`` is the child).

The child reads with the same ``ContentSniffingParser``, tokenizer and chunking rules as a thread would, so
the chunks are the same; only the interpreter differs, and the service's event loop never waits on it.
A small document is read on a thread instead (starting an interpreter costs more than reading it), in the
same slots.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import pickle
import resource
import sys
import zipfile
from typing import Any

from attrs import Factory, frozen

from presentai.adapters.children import ChildProcesses, Finished
from presentai.adapters.slots import FairSlots
from presentai.domain.chunking import ChunkingRules
from presentai.domain.errors import CorruptDocument, FileTooLarge, SourceError
from presentai.domain.preparation import PreparedDocument
from presentai.ports.parsing import DocumentPreparer

log = logging.getLogger("presentai.ingest")
_SOURCE_ERROR = 3  # exit codes of the child
_OUT_OF_MEMORY = 4


@frozen
class ReadingRules:
    """How the child reads: the parser's limits, the tokenizer that counts chunks, the chunking rules."""

    max_pages: int = 1000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    encoding: str = "o200k_base"
    chunking: ChunkingRules = Factory(ChunkingRules)


class ChildProcessPreparer:
    """Prepares each document in a fresh interpreter limited to ``memory_bytes`` and ``timeout_s``.

    At most ``processes`` run at once, and at most ``per_organization`` for one organization (a fair
    queue: a freed slot goes to the longest waiting organization under its cap). A document too big
    for the budget fails with ``FileTooLarge``; the service itself never grows with it.

    A document that reads as fewer than ``nearby_below_bytes`` (its size, or for a ZIP container such as
    DOCX what it unpacks to) is given to ``nearby`` (a preparer on threads, with the same reading rules)
    in the same slot instead: the interpreter's start would be most of its time.
    """

    def __init__(
        self,
        *,
        children: ChildProcesses,
        rules: ReadingRules,
        memory_bytes: int = 1024 * 2**20,
        timeout_s: float = 300.0,
        processes: int = 2,
        per_organization: int = 1,
        nearby: DocumentPreparer | None = None,
        nearby_below_bytes: int = 0,
    ) -> None:
        self._children = children
        self._nearby = nearby
        self._nearby_below = nearby_below_bytes if nearby is not None else 0
        self._rules = rules
        self._memory = memory_bytes
        self._timeout = timeout_s
        self._slots = FairSlots(processes, per_organization)

    async def prepare(self, data: bytes, filename: str, *, document_id: str, organization_id: str) -> PreparedDocument:
        """``data`` parsed and chunked by a child process (or, when small, on a thread)."""
        async with self._slots.taken(organization_id):
            if self._nearby is not None and await self._is_small(data):
                return await self._nearby.prepare(
                    data, filename, document_id=document_id, organization_id=organization_id
                )
            payload = pickle.dumps(
                (self._rules, data, filename, document_id, organization_id), protocol=pickle.HIGHEST_PROTOCOL
            )
            command = [sys.executable, "-m", "presentai.adapters.isolated_reading", str(self._memory)]
            done = await asyncio.to_thread(
                self._children.run, command, timeout_s=self._timeout, stdin=payload, env=_child_env()
            )
        return await asyncio.to_thread(self._outcome, done, filename)

    async def _is_small(self, data: bytes) -> bool:
        if len(data) >= self._nearby_below:
            return False
        return await asyncio.to_thread(unpacked_size, data) < self._nearby_below

    def _outcome(self, done: Finished, filename: str) -> PreparedDocument:
        if done.stopped:
            raise asyncio.CancelledError  # the service is stopping: the source is recorded as interrupted
        if done.timed_out:
            raise FileTooLarge(f"reading the document took longer than {self._timeout:.0f} s", filename)
        if done.returncode == _OUT_OF_MEMORY:
            raise FileTooLarge(f"reading the document needed more than {self._memory // 2**20} MB", filename)
        if done.returncode == _SOURCE_ERROR:
            error: Any = pickle.loads(done.stdout)  # noqa: S301 - from our own child, over a pipe
            if isinstance(error, SourceError):
                raise error
        if done.returncode != 0:
            log.warning("reading %s ended with %d: %s", filename, done.returncode, done.stderr[-500:])
            raise CorruptDocument(f"the document could not be read (its reader ended with {done.returncode})", filename)
        prepared = pickle.loads(done.stdout)  # noqa: S301 - from our own child, over a pipe
        if not isinstance(prepared, PreparedDocument):
            raise CorruptDocument("the document could not be read (its reader answered nonsense)", filename)
        return prepared


def unpacked_size(data: bytes) -> int:
    """How much reading ``data`` unpacks: its length, or a ZIP container's (DOCX, PPTX, XLSX) declared content."""
    if not data.startswith(b"PK\x03\x04"):
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return max(len(data), sum(info.file_size for info in archive.infolist()))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return len(data)  # the parser refuses it at once, wherever it runs


def _child_env() -> dict[str, str]:
    """The service's environment with its import path, so the child imports the same presentai."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _child(memory_bytes: int) -> int:
    """Read a pickled (rules, data, filename, document id, organization id); write the prepared document."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from presentai.adapters.parsers.detecting import ContentSniffingParser
    from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer

    rules, data, filename, document_id, organization_id = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    try:
        parser = ContentSniffingParser(max_pages=rules.max_pages, max_unzipped_bytes=rules.max_unzipped_bytes)
        parsed = parser.parse(data, filename)
        del data
        prepared = PreparedDocument.of(
            parsed,
            document_id=document_id,
            organization_id=organization_id,
            count_tokens=TiktokenTokenizer(rules.encoding).count,
            rules=rules.chunking,
        )
        del parsed
        answer = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
    except SourceError as error:
        sys.stdout.buffer.write(pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL))
        return _SOURCE_ERROR
    except MemoryError:
        return _OUT_OF_MEMORY
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1])))
