"""Quotas: the plan's monthly token limit, checked before work that spends tokens, and its storage,
checked before an original is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.usage import TokenUsage, check_quota, check_storage, month_of
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

    @property
    def remaining(self) -> int | None:
        """Tokens left this month (``None`` without a limit)."""
        return max(0, self.limit - self.usage.total) if self.limit else None


class Quotas:
    """Reads usage and refuses work past the plan's monthly token limit."""

    def __init__(
        self,
        *,
        organizations: OrganizationRepository,
        ledger: UsageLedger,
        limits: Mapping[str, int],
        sources: SourceRepository | None = None,
        storage_limits: Mapping[str, int] | None = None,
    ) -> None:
        self._organizations = organizations
        self._ledger = ledger
        self._limits = dict(limits)
        self._sources = sources
        self._storage_limits = dict(storage_limits or {})

    async def check(self, organization_id: str, planned_tokens: int = 0) -> None:
        """``TokenLimitExceeded`` if ``planned_tokens`` more would pass this month's limit."""
        now = datetime.now(UTC)
        organization = await self._organizations.get(organization_id)
        usage = await self._ledger.get(organization_id, month_of(now))
        check_quota(usage, planned_tokens, self._limits.get(organization.plan, 0), now)

    async def check_storage(self, organization_id: str, size: int, filename: str = "") -> None:
        """``StorageLimitExceeded`` if storing ``size`` more bytes would pass the plan's storage."""
        if self._sources is None:
            return
        organization = await self._organizations.get(organization_id)
        limit = self._storage_limits.get(organization.plan, 0)
        if limit:
            check_storage(await self._sources.stored_bytes(organization_id), size, limit, filename)

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
        )
