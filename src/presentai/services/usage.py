"""Quotas: the plan's monthly token limit, checked before work that spends tokens and spent in one step
with the check; its storage, reserved before an original is stored; its monthly exports, counted as asked."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.errors import TokenLimitExceeded
from presentai.domain.usage import (
    TokenUsage,
    check_exports,
    check_quota,
    check_storage,
    month_of,
    seconds_to_next_month,
)
from presentai.ports.accounts import OrganizationRepository
from presentai.ports.repositories import SourceRepository
from presentai.ports.usage import UsageLedger


@frozen
class UsageReport:
    """An organization's usage for a month against its plan."""

    plan: str
    limit: int  # 0: no limit
    usage: TokenUsage
    history: tuple[TokenUsage, ...]
    stored_bytes: int = 0
    storage_limit: int = 0  # bytes; 0: no limit
    export_limit: int = 0  # exports a month; 0: no limit

    @property
    def remaining(self) -> int | None:
        """Tokens left this month (``None`` without a limit)."""
        return max(0, self.limit - self.usage.total) if self.limit else None


class Quotas:
    """Reads usage and refuses work past the plan's limits.

    Storage is reserved under a lock per organization until the source's row counts it, so concurrent
    uploads cannot together pass a limit that each passes alone (within one service process; the token
    and export limits hold across processes, as the ledger checks and adds in one statement).
    """

    def __init__(
        self,
        *,
        organizations: OrganizationRepository,
        ledger: UsageLedger,
        limits: Mapping[str, int],
        sources: SourceRepository | None = None,
        storage_limits: Mapping[str, int] | None = None,
        export_limits: Mapping[str, int] | None = None,
    ) -> None:
        self._organizations = organizations
        self._ledger = ledger
        self._limits = dict(limits)
        self._sources = sources
        self._storage_limits = dict(storage_limits or {})
        self._export_limits = dict(export_limits or {})
        self._storing: dict[str, asyncio.Lock] = {}
        self._reserved: Counter[str] = Counter()  # bytes being stored, not yet counted by the sources

    async def check(self, organization_id: str, planned_tokens: int = 0) -> None:
        """``TokenLimitExceeded`` if ``planned_tokens`` more would pass this month's limit."""
        now = datetime.now(UTC)
        organization = await self._organizations.get(organization_id)
        usage = await self._ledger.get(organization_id, month_of(now))
        check_quota(usage, planned_tokens, self._limits.get(organization.plan, 0), now)

    async def spend_embedding(self, organization_id: str, tokens: int) -> None:
        """Count ``tokens`` embedded this month, or ``TokenLimitExceeded`` (nothing counted) past the limit."""
        now = datetime.now(UTC)
        organization = await self._organizations.get(organization_id)
        limit = self._limits.get(organization.plan, 0)
        month = month_of(now)
        if await self._ledger.add_within(organization_id, month, token_limit=limit, embedding=tokens):
            return
        usage = await self._ledger.get(organization_id, month)
        check_quota(usage, tokens, limit, now)  # raises with the figures
        raise TokenLimitExceeded(  # the usage changed in between: still over
            f"the monthly token limit of {limit:,} is reached", retry_after=seconds_to_next_month(now)
        )

    async def count_export(self, organization_id: str) -> None:
        """Count one export this month, or ``RateLimited`` (nothing counted) past the plan's export limit."""
        now = datetime.now(UTC)
        organization = await self._organizations.get(organization_id)
        limit = self._export_limits.get(organization.plan, 0)
        month = month_of(now)
        if not await self._ledger.add_within(organization_id, month, export_limit=limit, exports=1):
            check_exports(await self._ledger.get(organization_id, month), limit, now)  # raises with the figures

    async def check_storage(self, organization_id: str, size: int, filename: str = "") -> None:
        """``StorageLimitExceeded`` if storing ``size`` more bytes would pass the plan's storage."""
        if self._sources is None:
            return
        organization = await self._organizations.get(organization_id)
        limit = self._storage_limits.get(organization.plan, 0)
        if limit:
            stored = await self._sources.stored_bytes(organization_id) + self._reserved[organization_id]
            check_storage(stored, size, limit, filename)

    @asynccontextmanager
    async def storage_reserved(self, organization_id: str, size: int, filename: str = "") -> AsyncIterator[None]:
        """Check and reserve ``size`` bytes of the plan's storage while the block stores the file and records
        its source (``StorageLimitExceeded`` first if they would pass it); released when the block ends."""
        lock = self._storing.setdefault(organization_id, asyncio.Lock())
        async with lock:
            await self.check_storage(organization_id, size, filename)
            self._reserved[organization_id] += size
        try:
            yield
        finally:
            self._reserved[organization_id] -= size
            if self._reserved[organization_id] <= 0:
                del self._reserved[organization_id]

    async def report(self, organization_id: str, month: str = "") -> UsageReport:
        """The month's usage (this month by default) with the last twelve months that had any."""
        organization = await self._organizations.get(organization_id)
        month = month or month_of(datetime.now(UTC))
        return UsageReport(
            organization.plan,
            self._limits.get(organization.plan, 0),
            await self._ledger.get(organization_id, month),
            tuple(await self._ledger.history(organization_id, 12)),
            await self._sources.stored_bytes(organization_id) if self._sources is not None else 0,
            self._storage_limits.get(organization.plan, 0),
            self._export_limits.get(organization.plan, 0),
        )
