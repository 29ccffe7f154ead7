"""IsolatedDeckRenderer: DesignedDeckRenderer in a child process with a memory and a time budget, killed at
the budget or when the service stops (``python -m presentai.adapters.pptx.isolated`` is the child)."""

from __future__ import annotations

import os
import pickle
import resource
import sys

from presentai.adapters.children import ChildProcesses
from presentai.domain.deck import Deck
from presentai.domain.errors import RenderError
from presentai.domain.exports import PPTX_MEDIA_TYPE

_RENDER_ERROR = 3  # exit codes of the child
_OUT_OF_MEMORY = 4


class IsolatedDeckRenderer:
    """Renders in a fresh interpreter limited to ``memory_bytes`` of address space and ``timeout_s``.

    A deck too large for the budget fails its export with ``RenderError``; the service itself never
    grows with it, and its thread is freed the moment the child is killed.
    """

    media_type = PPTX_MEDIA_TYPE

    def __init__(self, *, children: ChildProcesses, memory_bytes: int = 1024 * 2**20, timeout_s: float = 300.0) -> None:
        self._children = children
        self._memory = memory_bytes
        self._timeout = timeout_s

    def render(self, deck: Deck, template: bytes | None = None) -> bytes:
        """The deck as PPTX bytes, made by the child."""
        command = [sys.executable, "-m", "presentai.adapters.pptx.isolated", str(self._memory)]
        payload = pickle.dumps((deck, template), protocol=pickle.HIGHEST_PROTOCOL)
        done = self._children.run(command, timeout_s=self._timeout, stdin=payload, env=_child_env())
        if done.stopped:
            raise RenderError("the export was stopped because the service is stopping")
        if done.timed_out:
            raise RenderError(f"rendering the deck took longer than {self._timeout:.0f} s and was stopped")
        if done.returncode == _OUT_OF_MEMORY:
            raise RenderError(f"rendering the deck needed more than {self._memory // 2**20} MB and was stopped")
        if done.returncode == _RENDER_ERROR:
            raise RenderError(done.stderr.decode(errors="replace").strip()[-500:] or "the deck could not be rendered")
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip()[-300:]
            raise RenderError(f"rendering the deck failed (exit {done.returncode}): {detail}")
        return done.stdout


def _child_env() -> dict[str, str]:
    """The service's environment with its import path, so the child imports the same presentai."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _child(memory_bytes: int) -> int:
    """Read a pickled (deck, template) from the parent, write the PPTX to stdout."""
    # Only the child draws: the service never imports python-pptx for it (an import on its event loop).
    from presentai.adapters.pptx.designed import DesignedDeckRenderer

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        deck, template = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our own parent, over a pipe
        data = DesignedDeckRenderer().render(deck, template)
    except RenderError as error:
        sys.stderr.write(str(error))
        return _RENDER_ERROR
    except MemoryError:
        return _OUT_OF_MEMORY
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1])))
