"""Counting the tokens each organization uses."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.usage import TokenUsage


class UsageLedger(Protocol):
    """Monthly token counters per organization; additions from many processes never lose a count."""

    async def add(
        self, organization_id: str, month: str, *, embedding: int = 0, input: int = 0, output: int = 0
    ) -> None:
        """Add tokens to the organization's counters for ``month`` (``YYYY-MM``)."""
        ...

    async def get(self, organization_id: str, month: str) -> TokenUsage:
        """The month's counters (zeros when nothing was used)."""
        ...

    async def history(self, organization_id: str, months: int) -> list[TokenUsage]:
        """The latest ``months`` months that have usage, newest first."""
        ...
