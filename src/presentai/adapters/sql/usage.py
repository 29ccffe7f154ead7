"""SqlUsageLedger: monthly token counters, incremented in place so that concurrent workers add up."""

from __future__ import annotations

from presentai.adapters.sql.database import Database
from presentai.domain.usage import TokenUsage

_COLUMNS = "embedding_tokens, input_tokens, output_tokens"


class SqlUsageLedger:
    """``token_usage`` rows keyed by organization and month; an upsert adds to the counters."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(
        self, organization_id: str, month: str, *, embedding: int = 0, input: int = 0, output: int = 0
    ) -> None:
        """Add to the month's counters (one statement: no lost update between processes)."""
        if not (embedding or input or output):
            return
        async with self._database.transaction() as session:
            await session.execute(
                f"INSERT INTO token_usage (organization_id, month, {_COLUMNS}) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (organization_id, month) DO UPDATE SET"
                " embedding_tokens = token_usage.embedding_tokens + excluded.embedding_tokens,"
                " input_tokens = token_usage.input_tokens + excluded.input_tokens,"
                " output_tokens = token_usage.output_tokens + excluded.output_tokens",
                [organization_id, month, embedding, input, output],
            )

    async def get(self, organization_id: str, month: str) -> TokenUsage:
        """The month's counters."""
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT {_COLUMNS} FROM token_usage WHERE organization_id = %s AND month = %s",
                [organization_id, month],
            )
        if not rows:
            return TokenUsage(organization_id, month)
        row = rows[0]
        return TokenUsage(
            organization_id, month, int(row["embedding_tokens"]), int(row["input_tokens"]), int(row["output_tokens"])
        )

    async def history(self, organization_id: str, months: int) -> list[TokenUsage]:
        """The latest months with usage."""
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT month, {_COLUMNS} FROM token_usage WHERE organization_id = %s ORDER BY month DESC LIMIT %s",
                [organization_id, months],
            )
        return [
            TokenUsage(
                organization_id,
                row["month"],
                int(row["embedding_tokens"]),
                int(row["input_tokens"]),
                int(row["output_tokens"]),
            )
            for row in rows
        ]
