"""Time-ordered resource ids (UUIDv7, monotonic within a process) and request ids."""

from __future__ import annotations

import os
import threading
import time
import uuid


class _MonotonicClock:
    """Milliseconds plus a 12-bit counter within each one (RFC 9562, method 1)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._millis = 0
        self._counter = 0

    def tick(self) -> tuple[int, int]:
        with self._lock:
            millis = max(time.time_ns() // 1_000_000, self._millis)
            if millis == self._millis:
                self._counter += 1
                if self._counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                    millis += 1
                    self._counter = 0
            else:
                self._counter = int.from_bytes(os.urandom(2), "big") & 0x7FF  # leave room to count up
            self._millis = millis
            return millis, self._counter


_clock = _MonotonicClock()


def new_id() -> str:
    """Return a new UUIDv7 string; ids made later in this process always sort after earlier ones."""
    millis, counter = _clock.tick()
    value = (millis & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= counter << 64
    value |= 0b10 << 62  # RFC 9562 variant
    value |= int.from_bytes(os.urandom(8), "big") & (2**62 - 1)
    return str(uuid.UUID(int=value))


def new_request_id() -> str:
    """Return a request id: ``req_`` followed by a UUIDv7."""
    return f"req_{new_id()}"
