"""Options every Redis client of ours shares: after Redis restarts, a pooled connection that died is
replaced and the command retried (with backoff) instead of failing the request that happened to use it."""

from __future__ import annotations

from typing import Any


def reconnecting() -> dict[str, Any]:
    """Keyword arguments for ``redis.asyncio.from_url``."""
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return {
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "health_check_interval": 30,
    }
