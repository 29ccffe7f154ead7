"""Brand kits in SQL; every statement names the organization."""

from __future__ import annotations

from presentai.adapters.sql.database import Database, Row, Session, from_timestamp
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandKit, StoredFile
from presentai.domain.errors import NotFound

_INSERT = (
    "INSERT INTO brand_kits (id, organization_id, name, color_primary, color_accent, color_background, color_text,"
    " heading_font, body_font, logo_key, logo_media_type, logo_size_bytes, template_key, template_size_bytes,"
    " is_default, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


class SqlBrandKitRepository:
    """Brand kits in the ``brand_kits`` table."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, kit: BrandKit) -> None:
        """Store a new kit."""
        async with self._database.transaction() as session:
            await self._undefault_others(session, kit)
            await session.execute(_INSERT, _values(kit))

    async def get(self, organization_id: str, kit_id: str) -> BrandKit:
        """The organization's kit, or ``NotFound``."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM brand_kits WHERE id = %s AND organization_id = %s", [kit_id, organization_id]
            )
        if not rows:
            raise NotFound.of("brand kit", kit_id)
        return _kit(rows[0])

    async def save(self, kit: BrandKit) -> None:
        """Store the kit's current state."""
        async with self._database.transaction() as session:
            await self._undefault_others(session, kit)
            values = _values(kit)
            await session.execute(
                "UPDATE brand_kits SET name = %s, color_primary = %s, color_accent = %s, color_background = %s,"
                " color_text = %s, heading_font = %s, body_font = %s, logo_key = %s, logo_media_type = %s,"
                " logo_size_bytes = %s, template_key = %s, template_size_bytes = %s, is_default = %s,"
                " updated_at = %s WHERE id = %s AND organization_id = %s",
                [*values[2:15], values[16], kit.id, kit.organization_id],
            )

    async def delete(self, organization_id: str, kit_id: str) -> None:
        """Remove the kit."""
        async with self._database.transaction() as session:
            await session.execute(
                "DELETE FROM brand_kits WHERE id = %s AND organization_id = %s", [kit_id, organization_id]
            )

    async def list(self, organization_id: str) -> list[BrandKit]:
        """The organization's kits, newest first."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM brand_kits WHERE organization_id = %s ORDER BY id DESC", [organization_id]
            )
        return [_kit(row) for row in rows]

    async def default_for(self, organization_id: str) -> BrandKit | None:
        """The organization's default kit, if any."""
        async with self._database.read() as session:
            rows = await session.fetch(
                "SELECT * FROM brand_kits WHERE organization_id = %s AND is_default = %s",
                [organization_id, True],
            )
        return _kit(rows[0]) if rows else None

    @staticmethod
    async def _undefault_others(session: Session, kit: BrandKit) -> None:
        """One default per organization: the unique index would refuse a second."""
        if kit.is_default:
            await session.execute(
                "UPDATE brand_kits SET is_default = %s WHERE organization_id = %s AND id <> %s AND is_default = %s",
                [False, kit.organization_id, kit.id, True],
            )


def _values(kit: BrandKit) -> list[object]:
    c, f, logo, template = kit.colours, kit.fonts, kit.logo, kit.template
    return [
        kit.id, kit.organization_id, kit.name, c.primary, c.accent, c.background, c.text, f.heading, f.body,
        logo.key if logo else "", logo.media_type if logo else "", logo.size_bytes if logo else 0,
        template.key if template else "", template.size_bytes if template else 0,
        kit.is_default, kit.created_at, kit.updated_at,
    ]  # fmt: skip


def _kit(row: Row) -> BrandKit:
    logo = StoredFile(row["logo_key"], row["logo_media_type"], int(row["logo_size_bytes"])) if row["logo_key"] else None
    template = (
        StoredFile(row["template_key"], "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   int(row["template_size_bytes"]))
        if row["template_key"] else None
    )  # fmt: skip
    return BrandKit(
        row["id"],
        row["organization_id"],
        row["name"],
        BrandColours(row["color_primary"], row["color_accent"], row["color_background"], row["color_text"]),
        BrandFonts(row["heading_font"], row["body_font"]),
        logo,
        template,
        bool(row["is_default"]),
        from_timestamp(row["created_at"]),
        from_timestamp(row["updated_at"]),
    )
