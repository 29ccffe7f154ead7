"""Token usage and exports per organization per calendar month (UTC), and the plan's monthly limits."""

from __future__ import annotations

from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.errors import RateLimited, StorageLimitExceeded, TokenLimitExceeded


def month_of(moment: datetime) -> str:
    """``YYYY-MM`` of ``moment`` in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def seconds_to_next_month(moment: datetime) -> int:
    """Seconds from ``moment`` until the first instant of the next UTC month (when quotas reset)."""
    moment = moment.astimezone(UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return max(1, int((datetime(year, month, 1, tzinfo=UTC) - moment).total_seconds()))


@frozen
class TokenUsage:
    """Tokens an organization used in one month (embedded at ingestion, read and written by LLMs), and the
    exports it asked for."""

    organization_id: str
    month: str
    embedding_tokens: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    exports: int = 0  # not tokens: metered apart, against the plan's monthly export limit

    @property
    def total(self) -> int:
        """Every token counted against the plan."""
        return self.embedding_tokens + self.input_tokens + self.output_tokens


def check_storage(stored: int, adding: int, limit: int, filename: str = "") -> None:
    """Refuse storing ``adding`` more bytes beside ``stored`` past ``limit`` (0 means no limit)."""
    if limit and stored + adding > limit:
        raise StorageLimitExceeded(
            f"the organization's storage of {limit / 2**20:,.0f} MB would be passed "
            f"({stored / 2**20:,.1f} MB stored, this file {adding / 2**20:,.1f} MB); "
            "upgrade the plan for more",
            filename,
            limit,
            stored,
            adding,
        )


def check_quota(usage: TokenUsage, planned: int, limit: int, now: datetime) -> None:
    """Refuse work of ``planned`` tokens that would pass ``limit``, or any work once it is reached (0: no limit)."""
    if limit and (usage.total + planned > limit or usage.total >= limit):
        raise TokenLimitExceeded(
            f"the monthly token limit of {limit:,} is reached ({usage.total:,} used in {usage.month}); "
            "it resets at the start of next month, or upgrade the plan",
            retry_after=seconds_to_next_month(now),
        )


def check_exports(usage: TokenUsage, limit: int, now: datetime) -> None:
    """Refuse one more export past the month's ``limit`` (0 means no limit)."""
    if limit and usage.exports + 1 > limit:
        raise RateLimited(
            f"the plan's {limit:,} exports a month are used ({usage.exports:,} in {usage.month}); "
            "the count resets at the start of next month, or upgrade the plan",
            retry_after=seconds_to_next_month(now),
        )
