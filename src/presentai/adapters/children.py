"""Child processes the service can always stop: each runs with a time limit (and, where asked, memory and
CPU limits of its own), and every one still running is killed when the service stops.

Rendering and conversion run in threads that wait on such a child: a thread cannot be interrupted, but
killing its child ends its wait at once, so a runaway export never holds up a shutdown.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from contextlib import suppress

from attrs import frozen


@frozen
class Finished:
    """What a child left behind."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool = False
    stopped: bool = False  # killed because the service is stopping


class ChildProcesses:
    """The children of one service: run with a timeout, all killed by ``stop_all`` when it stops."""

    def __init__(self) -> None:
        self._running: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def run(
        self, command: Sequence[str], *, timeout_s: float, stdin: bytes = b"", env: dict[str, str] | None = None
    ) -> Finished:
        """Run ``command`` to its end, or kill it (and its process group) past ``timeout_s`` or at shutdown."""
        if self._stopping.is_set():
            return Finished(-signal.SIGKILL, b"", b"", stopped=True)
        process = subprocess.Popen(  # noqa: S603 - our own commands, never a shell
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: LibreOffice's helpers die with it
        )
        with self._lock:
            self._running.add(process)
        try:
            try:
                out, err = process.communicate(stdin, timeout=timeout_s)
            except subprocess.TimeoutExpired:
                _kill(process)
                out, err = process.communicate()
                return Finished(process.returncode, out, err, timed_out=True)
            return Finished(process.returncode, out, err, stopped=self._stopping.is_set() and process.returncode < 0)
        finally:
            with self._lock:
                self._running.discard(process)

    def stop_all(self) -> int:
        """Kill every child still running, and refuse to start more; how many were killed."""
        self._stopping.set()
        with self._lock:
            running = list(self._running)
        for process in running:
            _kill(process)
        return len(running)

    @property
    def running(self) -> int:
        """How many children are running now."""
        with self._lock:
            return len(self._running)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(ProcessLookupError):
        process.kill()
