"""Brand kits in a dict, for the embedded mode and tests."""

from __future__ import annotations

import copy

from presentai.domain.brand_kits import BrandKit
from presentai.domain.errors import NotFound


class InProcessBrandKitRepository:
    """Brand kits in a dict; reads hand out copies, as a database would."""

    def __init__(self) -> None:
        self._rows: dict[str, BrandKit] = {}

    async def add(self, kit: BrandKit) -> None:
        """Store a new kit."""
        self._store(kit)

    async def get(self, organization_id: str, kit_id: str) -> BrandKit:
        """The organization's kit, or ``NotFound``."""
        row = self._rows.get(kit_id)
        if row is None or row.organization_id != organization_id:
            raise NotFound.of("brand kit", kit_id)
        return copy.copy(row)

    async def save(self, kit: BrandKit) -> None:
        """Store the kit's state."""
        await self.get(kit.organization_id, kit.id)
        self._store(kit)

    async def delete(self, organization_id: str, kit_id: str) -> None:
        """Remove the kit."""
        if kit_id in self._rows and self._rows[kit_id].organization_id == organization_id:
            del self._rows[kit_id]

    async def list(self, organization_id: str) -> list[BrandKit]:
        """The organization's kits, newest first."""
        rows = [k for k in self._rows.values() if k.organization_id == organization_id]
        return [copy.copy(k) for k in sorted(rows, key=lambda k: k.id, reverse=True)]

    async def default_for(self, organization_id: str) -> BrandKit | None:
        """The organization's default kit, if any."""
        found = next((k for k in self._rows.values() if k.organization_id == organization_id and k.is_default), None)
        return copy.copy(found) if found else None

    def _store(self, kit: BrandKit) -> None:
        if kit.is_default:
            for other in self._rows.values():
                if other.organization_id == kit.organization_id and other.id != kit.id:
                    other.is_default = False
        self._rows[kit.id] = copy.copy(kit)
