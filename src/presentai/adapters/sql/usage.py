"""SqlUsageLedger: monthly token and export counters, incremented in place so that concurrent workers add up."""

from __future__ import annotations

from presentai.adapters.sql.database import Database, Row
from presentai.domain.usage import TokenUsage

_COLUMNS = "embedding_tokens, input_tokens, output_tokens, exports"
_UPSERT = (
    f"INSERT INTO token_usage (organization_id, month, {_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (organization_id, month) DO UPDATE SET"
    " embedding_tokens = token_usage.embedding_tokens + excluded.embedding_tokens,"
    " input_tokens = token_usage.input_tokens + excluded.input_tokens,"
    " output_tokens = token_usage.output_tokens + excluded.output_tokens,"
    " exports = token_usage.exports + excluded.exports"
)
_WITHIN = (
    " WHERE (%s = 0 OR token_usage.embedding_tokens + token_usage.input_tokens + token_usage.output_tokens"
    " + excluded.embedding_tokens <= %s)"
    " AND (%s = 0 OR token_usage.exports + excluded.exports <= %s)"
    " RETURNING exports"
)


class SqlUsageLedger:
    """``token_usage`` rows keyed by organization and month; an upsert adds to the counters."""

    def __init__(self, database: Database) -> None:
        self._database = database

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
        """Add to the month's counters (one statement: no lost update between processes)."""
        if not (embedding or input or output or exports):
            return
        async with self._database.transaction() as session:
            await session.execute(_UPSERT, [organization_id, month, embedding, input, output, exports])

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
        """Add only within the limits: one conditional upsert, so the check and the addition are one step."""
        if (token_limit and embedding > token_limit) or (export_limit and exports > export_limit):
            return False  # a first row for the month is inserted unchecked: it must fit by itself
        async with self._database.transaction() as session:
            added = await session.fetch(
                _UPSERT + _WITHIN,
                [
                    organization_id,
                    month,
                    embedding,
                    0,
                    0,
                    exports,
                    token_limit,
                    token_limit,
                    export_limit,
                    export_limit,
                ],
            )
        return bool(added)

    async def get(self, organization_id: str, month: str) -> TokenUsage:
        """The month's counters."""
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT {_COLUMNS} FROM token_usage WHERE organization_id = %s AND month = %s",
                [organization_id, month],
            )
        return _usage(organization_id, month, rows[0]) if rows else TokenUsage(organization_id, month)

    async def history(self, organization_id: str, months: int) -> list[TokenUsage]:
        """The latest months with usage."""
        async with self._database.read() as session:
            rows = await session.fetch(
                f"SELECT month, {_COLUMNS} FROM token_usage WHERE organization_id = %s ORDER BY month DESC LIMIT %s",
                [organization_id, months],
            )
        return [_usage(organization_id, row["month"], row) for row in rows]


def _usage(organization_id: str, month: str, row: Row) -> TokenUsage:
    return TokenUsage(
        organization_id,
        month,
        int(row["embedding_tokens"]),
        int(row["input_tokens"]),
        int(row["output_tokens"]),
        int(row["exports"]),
    )
