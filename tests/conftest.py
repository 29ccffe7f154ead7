"""Shared fixtures: the sample documents, and real databases (a fresh PostgreSQL database, SQLite files)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
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
