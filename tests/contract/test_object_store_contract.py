"""The ObjectStore contract: fsspec on local disk, fsspec in memory, and the test fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from presentai.adapters.storage.fsspec_store import FsspecObjectStore
from presentai.domain.errors import NotFound
from presentai.ports.storage import ObjectStore
from tests.fakes import InMemoryObjectStore


@pytest.fixture(params=["fsspec-local", "fsspec-memory", "in-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
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
