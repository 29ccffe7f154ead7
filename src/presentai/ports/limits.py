"""Rate limits: how many requests a caller may make in a window, and lockouts for a while."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class RateDecision:
    """Whether one more request is allowed, and when to retry if not (seconds)."""

    allowed: bool
    remaining: int
    retry_after: int = 0


class RateLimiter(Protocol):
    """Counts requests per key in fixed windows."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one request for ``key``; refused once ``limit`` requests fell in the current window."""
        ...

    async def lock(self, key: str, seconds: int) -> None:
        """Lock ``key`` for ``seconds`` from now (a lock already longer is kept)."""
        ...

    async def locked(self, key: str) -> int:
        """Whole seconds left of ``key``'s lock; ``0`` when it is not locked."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
