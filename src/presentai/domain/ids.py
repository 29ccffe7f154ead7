"""Time-ordered resource ids (UUIDv7) and request ids."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """Return a new UUIDv7 string: 48-bit unix milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 68) << 64 & (0xFFF << 64)  # 12 random bits (rand_a)
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & (2**62 - 1)  # 62 random bits (rand_b)
    return str(uuid.UUID(int=value))


def new_request_id() -> str:
    """Return a request id: ``req_`` followed by a UUIDv7."""
    return f"req_{new_id()}"
