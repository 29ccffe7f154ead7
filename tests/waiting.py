"""Waiting for what a test can observe, never for a length of time: poll a condition until a deadline
long enough that no load on the machine reaches it (when it does, something is broken)."""

from __future__ import annotations

import asyncio
import subprocess
import time
import urllib.request
from collections.abc import Awaitable, Callable

import pytest

DEADLINE_S = 60.0
_POLL_S = 0.05


def wait_until(
    ready: Callable[[], bool],
    what: str,
    *,
    process: subprocess.Popen[bytes] | None = None,
    timeout_s: float = DEADLINE_S,
) -> None:
    """Poll ``ready`` until it is true; fail saying ``what`` did not happen in ``timeout_s``, or at once
    if ``process`` (the server being waited for) exits."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        _give_up_if(what, process, deadline, timeout_s)
        time.sleep(_POLL_S)


async def until(
    ready: Callable[[], Awaitable[bool]],
    what: str,
    *,
    process: subprocess.Popen[bytes] | None = None,
    timeout_s: float = DEADLINE_S,
) -> None:
    """``wait_until`` for a condition that is awaited, without blocking the event loop."""
    deadline = time.monotonic() + timeout_s
    while not await ready():
        _give_up_if(what, process, deadline, timeout_s)
        await asyncio.sleep(_POLL_S)


def answers_ok(url: str) -> bool:
    """Whether an HTTP GET of ``url`` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _give_up_if(what: str, process: subprocess.Popen[bytes] | None, deadline: float, timeout_s: float) -> None:
    if process is not None and process.poll() is not None:
        pytest.fail(f"{what}: the process exited with status {process.returncode}")
    if time.monotonic() > deadline:
        pytest.fail(f"{what}: not within {timeout_s:.0f} s")
