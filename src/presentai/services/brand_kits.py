"""Brand kits: create, restyle, delete, upload a template or a logo (pro plans), and find the look of a deck."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

from attrs import frozen

from presentai.domain.brand_kits import (
    BRAND_KIT_PLANS,
    BrandColours,
    BrandFonts,
    BrandKit,
    BrandStyle,
    StoredFile,
    logo_key,
    require_brand_kits,
    template_key,
)
from presentai.domain.errors import NotFound, StorageUnavailable
from presentai.domain.exports import PPTX_MEDIA_TYPE
from presentai.ports.accounts import OrganizationRepository
from presentai.ports.brand_kits import BrandAssetChecker, BrandKitRepository
from presentai.ports.storage import ObjectStore

PPTX_TYPE = PPTX_MEDIA_TYPE


@frozen
class Look:
    """How a deck is drawn: in a kit's template, or on a built-in master themed by a kit (or neither)."""

    template: bytes | None = None
    brand: BrandStyle | None = None


class BrandKits:
    """The use cases of brand kits; the caller has checked the member's role, this checks the plan."""

    def __init__(
        self,
        *,
        kits: BrandKitRepository,
        organizations: OrganizationRepository,
        store: ObjectStore,
        checker: BrandAssetChecker,
        plans: tuple[str, ...] = BRAND_KIT_PLANS,
    ) -> None:
        self._kits = kits
        self._organizations = organizations
        self._store = store
        self._checker = checker
        self._plans = plans

    async def require_plan(self, organization_id: str) -> None:
        """``PlanRequired`` unless the organization's plan offers brand kits."""
        require_brand_kits((await self._organizations.get(organization_id)).plan, self._plans)

    async def create(
        self,
        organization_id: str,
        name: str,
        colours: BrandColours | None = None,
        fonts: BrandFonts | None = None,
        *,
        is_default: bool = False,
    ) -> BrandKit:
        """A new kit of the organization."""
        await self.require_plan(organization_id)
        kit = BrandKit.create(organization_id, name, colours, fonts, is_default=is_default)
        await self._kits.add(kit)
        return kit

    async def save(self, kit: BrandKit) -> None:
        """Store a changed kit (renamed, restyled, made default or not)."""
        await self.require_plan(kit.organization_id)
        await self._kits.save(kit)

    async def delete(self, kit: BrandKit) -> None:
        """Remove the kit and its files (allowed on any plan: a downgraded organization may clean up)."""
        await self._kits.delete(kit.organization_id, kit.id)
        for stored in kit.files():
            await self._forget(stored)

    async def upload_template(self, kit: BrandKit, data: bytes) -> BrandKit:
        """Check ``data`` from its content, store it and make it the kit's template."""
        await self.require_plan(kit.organization_id)
        await asyncio.to_thread(self._checker.check_template, data)
        stored = StoredFile(template_key(kit, hashlib.sha256(data).hexdigest()), PPTX_TYPE, len(data))
        await self._store.put(stored.key, data)
        replaced = kit.use_template(stored)
        await self._kits.save(kit)
        if replaced is not None:
            await self._forget(replaced)
        return kit

    async def remove_template(self, kit: BrandKit) -> BrandKit:
        """The kit goes back to theming a built-in master."""
        replaced = kit.use_template(None)
        await self._kits.save(kit)
        if replaced is not None:
            await self._forget(replaced)
        return kit

    async def upload_logo(self, kit: BrandKit, data: bytes) -> BrandKit:
        """Check the image, store it and make it the kit's logo."""
        await self.require_plan(kit.organization_id)
        media_type = await asyncio.to_thread(self._checker.check_logo, data)
        stored = StoredFile(logo_key(kit, hashlib.sha256(data).hexdigest(), media_type), media_type, len(data))
        await self._store.put(stored.key, data)
        replaced = kit.use_logo(stored)
        await self._kits.save(kit)
        if replaced is not None:
            await self._forget(replaced)
        return kit

    async def _forget(self, stored: StoredFile) -> None:
        with contextlib.suppress(StorageUnavailable):  # an orphaned file costs storage, not correctness
            await self._store.delete(stored.key)


class DeckLooks:
    """Finds the look of a deck from its brand kit (workers need this, not the plan or the members)."""

    def __init__(self, *, kits: BrandKitRepository, store: ObjectStore) -> None:
        self._kits = kits
        self._store = store

    async def look(self, organization_id: str, kit_id: str | None) -> Look:
        """How a deck of the organization naming ``kit_id`` is drawn: that kit, else the default kit, else
        the built-in theme (a kit deleted since it was named falls back to the default)."""
        kit = None
        if kit_id:
            try:
                kit = await self._kits.get(organization_id, kit_id)
            except NotFound:
                kit = None
        if kit is None:
            kit = await self._kits.default_for(organization_id)
        if kit is None:
            return Look()
        if kit.template is not None:
            return Look(template=await self._store.get(kit.template.key))
        logo = await self._store.get(kit.logo.key) if kit.logo is not None else None
        return Look(brand=BrandStyle.of(kit, logo))
