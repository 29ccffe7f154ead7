"""Share links in SQL; every statement names the organization, except the lookup by token digest."""

from __future__ import annotations

from presentai.adapters.sql.database import Database, Row, from_timestamp
from presentai.domain.errors import NotFound
from presentai.domain.shares import ShareLink

_SELECT = (
    "SELECT id, organization_id, presentation_id, token_hash, token_prefix, created_by, show_attributions,"
    " created_at, expires_at, revoked_at FROM share_links WHERE "
)


class SqlShareRepository:
    """Share links in the ``share_links`` table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, link: ShareLink) -> None:
        """Store a new link."""
        async with self._database.transaction() as session:
            await session.execute(
                "INSERT INTO share_links (id, organization_id, presentation_id, token_hash, token_prefix,"
                " created_by, show_attributions, created_at, expires_at, revoked_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    link.id, link.organization_id, link.presentation_id, link.token_hash, link.token_prefix,
                    link.created_by, link.show_attributions, link.created_at, link.expires_at, link.revoked_at,
                ],
            )  # fmt: skip

    async def get(self, organization_id: str, share_id: str) -> ShareLink:
        """The organization's link, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(_SELECT + "id = %s AND organization_id = %s", [share_id, organization_id])
        if not rows:
            raise NotFound.of("share link", share_id)
        return _link(rows[0])

    async def save(self, link: ShareLink) -> None:
        """Store the link's current state."""
        async with self._database.transaction() as session:
            await session.execute(
                "UPDATE share_links SET show_attributions = %s, expires_at = %s, revoked_at = %s"
                " WHERE id = %s AND organization_id = %s",
                [link.show_attributions, link.expires_at, link.revoked_at, link.id, link.organization_id],
            )

    async def for_presentation(
        self, organization_id: str, presentation_id: str, limit: int = 50, before: str = ""
    ) -> list[ShareLink]:
        """Newest first, older than ``before``."""
        sql = _SELECT + "organization_id = %s AND presentation_id = %s"
        params: list[object] = [organization_id, presentation_id]
        if before:
            sql += " AND id < %s"
            params.append(before)
        async with self._database.read() as session:
            rows = await session.fetch(sql + " ORDER BY id DESC LIMIT %s", [*params, limit])
        return [_link(row) for row in rows]

    async def by_token(self, token_hash: str) -> ShareLink | None:
        """The link with this token digest."""
        async with self._database.read() as session:
            rows = await session.fetch(_SELECT + "token_hash = %s", [token_hash])
        return _link(rows[0]) if rows else None


def _link(row: Row) -> ShareLink:
    return ShareLink(
        row["id"],
        row["organization_id"],
        row["presentation_id"],
        row["token_hash"],
        row["token_prefix"],
        row["created_by"],
        bool(row["show_attributions"]),
        from_timestamp(row["created_at"]),
        from_timestamp(row["expires_at"]) if row["expires_at"] is not None else None,
        from_timestamp(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )
