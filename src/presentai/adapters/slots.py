"""FairSlots: at most so many holders at once, and at most so many of one organization."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class FairSlots:
    """``total`` slots, of which one key (an organization) holds at most ``per_key`` at once.

    A freed slot goes to the longest-waiting holder whose key is under its cap, so five big uploads of
    one organization queue behind each other while another organization's small file takes the slot
    they leave free.
    """

    def __init__(self, total: int, per_key: int) -> None:
        self._total = max(1, total)
        self._per_key = max(1, min(per_key, self._total))
        self._held: Counter[str] = Counter()
        self._waiting: deque[tuple[str, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def taken(self, key: str) -> AsyncIterator[None]:
        """Hold a slot for ``key`` while the block runs (waiting for one first if need be)."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((key, turn))
        self._hand_out()
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release(key)  # a slot was handed over just as the wait was cancelled
            elif (key, turn) in self._waiting:
                self._waiting.remove((key, turn))
            raise
        try:
            yield
        finally:
            self._release(key)

    @property
    def held(self) -> int:
        """Slots held now."""
        return sum(self._held.values())

    def held_by(self, key: str) -> int:
        """Slots ``key`` holds now."""
        return self._held[key]

    def _release(self, key: str) -> None:
        self._held[key] -= 1
        if self._held[key] <= 0:
            del self._held[key]
        self._hand_out()

    def _hand_out(self) -> None:
        for key, turn in list(self._waiting):
            if self.held >= self._total:
                return
            if self._held[key] >= self._per_key:
                continue
            self._waiting.remove((key, turn))
            if not turn.done():
                self._held[key] += 1
                turn.set_result(None)
