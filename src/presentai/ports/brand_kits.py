"""Brand kits: where they are kept, and the checks their uploaded files must pass."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.brand_kits import BrandKit


class BrandKitRepository(Protocol):
    """Brand kits, scoped to their organization; at most one of an organization's kits is its default."""

    async def add(self, kit: BrandKit) -> None:
        """Store a new kit (a default one stops the organization's other kits being default)."""
        ...

    async def get(self, organization_id: str, kit_id: str) -> BrandKit:
        """The organization's kit, or ``NotFound``."""
        ...

    async def save(self, kit: BrandKit) -> None:
        """Store the kit's current state (a default one stops the others being default)."""
        ...

    async def delete(self, organization_id: str, kit_id: str) -> None:
        """Remove the kit (removing a missing one is not an error)."""
        ...

    async def list(self, organization_id: str) -> list[BrandKit]:
        """The organization's kits, newest first."""
        ...

    async def default_for(self, organization_id: str) -> BrandKit | None:
        """The organization's default kit, if it has one."""
        ...


class BrandAssetChecker(Protocol):
    """Checks uploaded brand files from their content, never from their names."""

    def check_template(self, data: bytes) -> None:
        """Raise unless ``data`` is a PowerPoint presentation or template we can render into:
        ``FileTooLarge`` (over the size or unpacked-size limit, a zip bomb), ``UnsupportedFileType``
        (not a .pptx/.potx, or macro-enabled), ``CorruptDocument`` (a damaged package)."""
        ...

    def check_logo(self, data: bytes) -> str:
        """The media type of a logo image (``image/png`` or ``image/jpeg``); ``FileTooLarge``,
        ``UnsupportedFileType`` or ``CorruptDocument`` otherwise."""
        ...
