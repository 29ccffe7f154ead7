"""The ObjectStore contract: fsspec on local disk and in memory, S3 (a real SeaweedFS server), and the test fake."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from presentai.adapters.storage.fsspec_store import FsspecObjectStore
from presentai.adapters.storage.s3_store import S3ObjectStore
from presentai.domain.errors import NotFound, StorageUnavailable
from presentai.ports.storage import ObjectStore
from tests.conftest import S3Server
from tests.fakes import InMemoryObjectStore


def s3_store(server: S3Server, prefix: str, *, secret: str | None = None) -> S3ObjectStore:
    return S3ObjectStore(
        f"s3://{server.bucket}/{prefix}",
        endpoint_url=server.endpoint_url,
        key=server.key,
        secret=secret or server.secret,
        retries=1,
    )


@pytest.fixture(params=["fsspec-local", "fsspec-memory", "s3", "in-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "s3":
        return s3_store(request.getfixturevalue("s3_server"), tmp_path.name)
    if request.param == "fsspec-local":
        return FsspecObjectStore(str(tmp_path / "objects"))
    if request.param == "fsspec-memory":
        return FsspecObjectStore(f"/contract-{tmp_path.name}", protocol="memory")
    return InMemoryObjectStore()


async def test_what_is_put_is_what_is_got(store: ObjectStore) -> None:
    await store.put("org/sources/1/original", b"\x00\x01 data")
    assert await store.get("org/sources/1/original") == b"\x00\x01 data"
    assert await store.exists("org/sources/1/original")


async def test_put_replaces_and_delete_removes(store: ObjectStore) -> None:
    await store.put("k", b"one")
    await store.put("k", b"two")
    assert await store.get("k") == b"two"
    await store.delete("k")
    await store.delete("k")  # deleting twice is fine
    assert not await store.exists("k")
    with pytest.raises(NotFound):
        await store.get("k")


async def test_keys_cannot_escape_the_store_root(tmp_path: Path) -> None:
    store = FsspecObjectStore(str(tmp_path / "objects"))
    await store.put("../../escape", b"x")
    assert not (tmp_path / "escape").exists()
    assert (tmp_path / "objects" / "escape").exists()


async def test_large_binary_objects_survive_the_round_trip(store: ObjectStore) -> None:
    data = bytes(range(256)) * 40_000  # 10 MB: more than one S3 part-sized buffer
    await store.put("big/original", data)
    assert await store.get("big/original") == data


async def test_s3_with_a_wrong_secret_is_unavailable_not_missing(s3_server: S3Server, tmp_path: Path) -> None:
    store = s3_store(s3_server, tmp_path.name, secret="not-the-secret")
    with pytest.raises(StorageUnavailable):
        await store.put("k", b"x")
    with pytest.raises(StorageUnavailable):
        await store.get("k")


async def test_s3_that_does_not_answer_is_unavailable(refusing_port: int) -> None:
    endpoint = f"http://127.0.0.1:{refusing_port}"
    store = S3ObjectStore("s3://bucket/p", endpoint_url=endpoint, key="k", secret="s", retries=1)
    with pytest.raises(StorageUnavailable):
        await store.put("k", b"x")


async def test_s3_signed_urls_serve_the_object_until_they_expire(s3_server: S3Server, tmp_path: Path) -> None:
    store = s3_store(s3_server, tmp_path.name)
    await store.put("exports/deck.pptx", b"PK deck")
    fresh = await store.signed_url("exports/deck.pptx", expires_s=60)
    async with httpx.AsyncClient() as client:
        assert (await client.get(fresh)).content == b"PK deck"
        expired = await store.signed_url("exports/deck.pptx", expires_s=1)
        await asyncio.sleep(2.1)
        assert (await client.get(expired)).status_code == 403
        tampered = fresh.replace("deck.pptx", "other.pptx")
        assert (await client.get(tampered)).status_code == 403
