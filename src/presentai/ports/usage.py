"""Counting the tokens each organization uses."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.usage import TokenUsage


class UsageLedger(Protocol):
    """Monthly token and export counters per organization; additions from many processes never lose a count."""

    async def add(
        self,
        organization_id: str,
        month: str,
        *,
        embedding: int = 0,
        input: int = 0,
        output: int = 0,
        exports: int = 0,
    ) -> None:
        """Add to the organization's counters for ``month`` (``YYYY-MM``)."""
        ...

    async def add_within(
        self,
        organization_id: str,
        month: str,
        *,
        token_limit: int = 0,
        export_limit: int = 0,
        embedding: int = 0,
        exports: int = 0,
    ) -> bool:
        """Add, in one step, only if the month's tokens stay within ``token_limit`` and its exports within
        ``export_limit`` (0: no limit); whether it was added. Concurrent callers never pass a limit together."""
        ...

    async def get(self, organization_id: str, month: str) -> TokenUsage:
        """The month's counters (zeros when nothing was used)."""
        ...

    async def history(self, organization_id: str, months: int) -> list[TokenUsage]:
        """The latest ``months`` months that have usage, newest first."""
        ...
