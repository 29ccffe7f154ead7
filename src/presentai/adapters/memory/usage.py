"""InProcessUsageLedger: monthly token and export counters in a dict."""

from __future__ import annotations

from attrs import evolve

from presentai.domain.usage import TokenUsage


class InProcessUsageLedger:
    """Counters keyed by organization and month (no await between read and write: atomic in one loop)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], TokenUsage] = {}

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
        """Add to the month's counters."""
        current = self._rows.get((organization_id, month), TokenUsage(organization_id, month))
        self._rows[organization_id, month] = evolve(
            current,
            embedding_tokens=current.embedding_tokens + embedding,
            input_tokens=current.input_tokens + input,
            output_tokens=current.output_tokens + output,
            exports=current.exports + exports,
        )

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
        """Add only within the limits (checked and added with no await between)."""
        current = self._rows.get((organization_id, month), TokenUsage(organization_id, month))
        if token_limit and current.total + embedding > token_limit:
            return False
        if export_limit and current.exports + exports > export_limit:
            return False
        await self.add(organization_id, month, embedding=embedding, exports=exports)
        return True

    async def get(self, organization_id: str, month: str) -> TokenUsage:
        """The month's counters."""
        return self._rows.get((organization_id, month), TokenUsage(organization_id, month))

    async def history(self, organization_id: str, months: int) -> list[TokenUsage]:
        """The latest months with usage."""
        mine = sorted((u for (o, _), u in self._rows.items() if o == organization_id), key=lambda u: u.month)
        return list(reversed(mine))[:months]
