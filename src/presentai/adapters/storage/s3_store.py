"""S3ObjectStore: objects in an S3 bucket (AWS or any S3-compatible server) through s3fs."""

from __future__ import annotations

import asyncio
import posixpath
from collections.abc import Callable
from typing import TypeVar

import s3fs
from botocore.exceptions import BotoCoreError, ClientError

from presentai.domain.errors import NotFound, StorageUnavailable

T = TypeVar("T")


class S3ObjectStore:
    """Keys map to ``s3://bucket/prefix/key``; a PUT is atomic on S3, so no temporary name is needed.

    s3fs keeps its own event loop in a thread; its blocking API is called from a worker thread so
    the caller's loop never waits on the network.
    """

    def __init__(
        self,
        url: str,
        *,
        endpoint_url: str | None = None,
        key: str | None = None,
        secret: str | None = None,
        region: str | None = None,
        timeout_s: float = 30.0,
        retries: int = 3,
    ) -> None:
        if not url.startswith("s3://") or not url.removeprefix("s3://").strip("/"):
            raise ValueError(f"an S3 store needs a URL like s3://bucket/prefix, got {url!r}")
        self._root = url.removeprefix("s3://").rstrip("/")
        client_kwargs: dict[str, object] = {}
        if endpoint_url:
            client_kwargs["endpoint_url"] = endpoint_url
        if region:
            client_kwargs["region_name"] = region
        self._fs = s3fs.S3FileSystem(
            key=key,
            secret=secret,
            anon=False,
            client_kwargs=client_kwargs,
            config_kwargs={
                "connect_timeout": timeout_s,
                "read_timeout": timeout_s,
                "retries": {"max_attempts": retries, "mode": "standard"},
            },
            use_listings_cache=False,
            skip_instance_cache=True,
        )
        self._fs.retries = retries  # s3fs's own retry loop around throttling and transient errors

    def _path(self, key: str) -> str:
        clean = posixpath.normpath("/" + key).lstrip("/")
        if not clean or clean.startswith(".."):
            raise NotFound.of("object", key)
        return f"{self._root}/{clean}"

    async def _call(self, what: str, key: str, operation: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(operation)
        except FileNotFoundError as error:
            raise NotFound.of("object", key) from error
        except (OSError, BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"could not {what} s3://{self._path(key)}: {error}", "s3") from error

    async def put(self, key: str, data: bytes) -> None:
        """Write ``data`` at ``key`` in one PUT."""
        path = self._path(key)
        await self._call("write", key, lambda: self._fs.pipe_file(path, data))

    async def get(self, key: str) -> bytes:
        """The bytes at ``key``."""
        path = self._path(key)
        return bytes(await self._call("read", key, lambda: self._fs.cat_file(path)))

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        path = self._path(key)
        try:
            return bool(await self._call("look up", key, lambda: self._fs.exists(path)))
        except NotFound:
            return False

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        path = self._path(key)
        try:
            await self._call("delete", key, lambda: self._fs.rm_file(path))
        except NotFound:
            return

    async def signed_url(self, key: str, expires_s: int) -> str:
        """A presigned GET URL for ``key`` that stops working after ``expires_s`` seconds."""
        path = self._path(key)
        return str(await self._call("sign", key, lambda: self._fs.url(path, expires=expires_s)))
