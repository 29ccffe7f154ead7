"""FsspecObjectStore: objects as files under a root, on any fsspec filesystem (local disk by default)."""

from __future__ import annotations

import asyncio
import posixpath

import fsspec

from presentai.domain.errors import NotFound, StorageUnavailable


class FsspecObjectStore:
    """Keys map to paths under ``root``; writes go to a temporary name first, then are moved into place."""

    def __init__(self, root: str, protocol: str = "file", **storage_options: object) -> None:
        self._fs = fsspec.filesystem(protocol, **storage_options)
        self._root = root.rstrip("/")

    def _path(self, key: str) -> str:
        clean = posixpath.normpath("/" + key).lstrip("/")
        if not clean or clean.startswith(".."):
            raise NotFound.of("object", key)
        return f"{self._root}/{clean}"

    async def put(self, key: str, data: bytes) -> None:
        """Write ``data`` at ``key`` atomically."""
        await asyncio.to_thread(self._put, self._path(key), data)

    def _put(self, path: str, data: bytes) -> None:
        try:
            self._fs.makedirs(posixpath.dirname(path), exist_ok=True)
            partial = path + ".partial"
            with self._fs.open(partial, "wb") as handle:
                handle.write(data)
            self._fs.mv(partial, path)
        except OSError as error:
            raise StorageUnavailable(f"could not write {path}: {error}", "fsspec") from error

    async def get(self, key: str) -> bytes:
        """The bytes at ``key``."""
        path = self._path(key)
        try:
            return await asyncio.to_thread(self._fs.cat_file, path)
        except FileNotFoundError as error:
            raise NotFound.of("object", key) from error
        except OSError as error:
            raise StorageUnavailable(f"could not read {path}: {error}", "fsspec") from error

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        return bool(await asyncio.to_thread(self._fs.exists, self._path(key)))

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        path = self._path(key)
        try:
            await asyncio.to_thread(self._fs.rm_file, path)
        except FileNotFoundError:
            return
        except OSError as error:
            raise StorageUnavailable(f"could not delete {path}: {error}", "fsspec") from error
