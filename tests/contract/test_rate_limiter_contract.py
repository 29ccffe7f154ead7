"""The RateLimiter contract: in-process, and a real Redis shared by every process."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from presentai.adapters.limits.limiters import InProcessRateLimiter, RedisRateLimiter
from presentai.domain.ids import new_id
from presentai.ports.limits import RateLimiter

REDIS_URL = os.environ.get("PRESENTAI_TEST_REDIS", "redis://127.0.0.1:6379/15")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["in-process", "redis"])
async def limiter(request: pytest.FixtureRequest, clock: Clock) -> AsyncIterator[RateLimiter]:
    adapter: RateLimiter = (
        InProcessRateLimiter(clock) if request.param == "in-process" else RedisRateLimiter(REDIS_URL, clock)
    )
    yield adapter
    await adapter.close()


async def test_requests_up_to_the_limit_pass_and_the_next_is_told_when_to_retry(
    limiter: RateLimiter, clock: Clock
) -> None:
    key = f"user:{new_id()}"
    decisions = [await limiter.hit(key, 3, 60) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert 1 <= decisions[3].retry_after <= 60


async def test_a_new_window_starts_afresh_and_keys_are_counted_apart(limiter: RateLimiter, clock: Clock) -> None:
    key, other = f"user:{new_id()}", f"user:{new_id()}"
    for _ in range(2):
        await limiter.hit(key, 2, 60)
    assert not (await limiter.hit(key, 2, 60)).allowed
    assert (await limiter.hit(other, 2, 60)).allowed
    clock.now += 60
    assert (await limiter.hit(key, 2, 60)).allowed


async def test_two_processes_sharing_redis_share_the_count(clock: Clock) -> None:
    first, second = RedisRateLimiter(REDIS_URL, clock), RedisRateLimiter(REDIS_URL, clock)
    key = f"user:{new_id()}"
    try:
        assert (await first.hit(key, 2, 60)).allowed
        assert (await second.hit(key, 2, 60)).allowed
        assert not (await first.hit(key, 2, 60)).allowed
    finally:
        await first.close()
        await second.close()


async def test_a_lock_holds_until_its_time_by_the_limiters_clock_and_a_longer_one_is_kept(
    limiter: RateLimiter, clock: Clock
) -> None:
    key, other = f"account:{new_id()}", f"account:{new_id()}"
    assert await limiter.locked(key) == 0
    await limiter.lock(key, 300)
    assert await limiter.locked(key) == 300
    assert await limiter.locked(other) == 0
    clock.now += 100
    await limiter.lock(key, 10)  # a shorter lock does not cut the running one short
    assert await limiter.locked(key) == 200
    clock.now += 200
    assert await limiter.locked(key) == 0
