"""Keeping original files and exports."""

from __future__ import annotations

from typing import Protocol


class ObjectStore(Protocol):
    """A flat key → bytes store (local disk, S3 …)."""

    async def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing what was there. Raises ``StorageUnavailable``."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under ``key``. Raises ``NotFound`` or ``StorageUnavailable``."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""
        ...
