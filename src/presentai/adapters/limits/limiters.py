"""Fixed-window rate limiters and lockouts: in one process, or shared by every process through Redis.

Both read time from their ``clock`` only (a lock stores the moment it ends), so tests stop or move it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from presentai.domain.errors import ProviderError
from presentai.ports.limits import RateDecision

Clock = Callable[[], float]


def _window(now: float, window_seconds: int) -> tuple[int, int]:
    """The current window's number and the whole seconds until it ends."""
    number = int(now // window_seconds)
    return number, max(1, math.ceil((number + 1) * window_seconds - now))


def _left(until: float, now: float) -> int:
    return max(0, math.ceil(until - now))


class InProcessRateLimiter:
    """Counts in a dict; for the embedded mode and a single process."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._locks: dict[str, float] = {}

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one request."""
        number, retry_after = _window(self._clock(), window_seconds)
        if len(self._counts) > 100_000:  # forget finished windows
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= number}
        count = self._counts.get((key, number), 0) + 1
        self._counts[(key, number)] = count
        if count > limit:
            return RateDecision(False, 0, retry_after)
        return RateDecision(True, limit - count)

    async def lock(self, key: str, seconds: int) -> None:
        """Lock ``key`` until ``seconds`` from now."""
        now = self._clock()
        if len(self._locks) > 100_000:  # forget ended locks
            self._locks = {k: until for k, until in self._locks.items() if until > now}
        self._locks[key] = max(self._locks.get(key, 0.0), now + seconds)

    async def locked(self, key: str) -> int:
        """Seconds left of the lock."""
        return _left(self._locks.get(key, 0.0), self._clock())

    async def close(self) -> None:
        """Nothing to release."""


class RedisRateLimiter:
    """Counts with INCR and EXPIRE in Redis, so that every process of the service shares the limit."""

    def __init__(self, url: str, clock: Clock = time.time) -> None:
        import redis.asyncio as redis

        from presentai.adapters.redis_options import reconnecting

        self._redis = redis.from_url(url, **reconnecting(), socket_timeout=2, socket_connect_timeout=2)
        self._clock = clock

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one request."""
        from redis.exceptions import RedisError

        number, retry_after = _window(self._clock(), window_seconds)
        name = f"ratelimit:{key}:{number}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window_seconds + 1)
                count, _ = await pipe.execute()
        except RedisError as error:
            raise ProviderError(f"Redis is unreachable for rate limiting: {error}", "redis") from error
        if int(count) > limit:
            return RateDecision(False, 0, retry_after)
        return RateDecision(True, limit - int(count))

    async def lock(self, key: str, seconds: int) -> None:
        """Store when the lock ends; Redis forgets it a little after that (in its own time)."""
        from redis.exceptions import RedisError

        name, until = f"lock:{key}", self._clock() + seconds
        try:
            current = await self._redis.get(name)
            if current is None or float(current) < until:
                await self._redis.set(name, repr(until), ex=seconds + 60)
        except RedisError as error:
            raise ProviderError(f"Redis is unreachable for lockouts: {error}", "redis") from error

    async def locked(self, key: str) -> int:
        """Seconds left of the lock, by this limiter's clock."""
        from redis.exceptions import RedisError

        try:
            until = await self._redis.get(f"lock:{key}")
        except RedisError as error:
            raise ProviderError(f"Redis is unreachable for lockouts: {error}", "redis") from error
        return 0 if until is None else _left(float(until), self._clock())

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
