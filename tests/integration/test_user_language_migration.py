"""Migration 0019 gives every user a language: accounts made before it read back with none chosen, and keep one."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from yoyo import get_backend, read_migrations

from presentai.adapters.sql.accounts import SqlUserRepository
from presentai.adapters.sql.database import Database, PostgresDatabase, SqliteDatabase
from presentai.adapters.sql.migrate import dialect, upgrade, yoyo_url
from tests.conftest import ADMIN_URL

MIGRATIONS = Path(__file__).parents[2] / "src" / "presentai" / "adapters" / "sql" / "migrations"
LANGUAGE_MIGRATION = "0019.user-language"
OLD_USER = (
    "INSERT INTO users (id, email, name, password_hash, created_at)"
    " VALUES ('u-old', 'old@example.com', 'Old Timer', 'hash', {now})"
)


def _upgrade_all_but_language(url: str) -> None:
    """The schema as it was before the language column: every migration but 0019.user-language."""
    backend = get_backend(yoyo_url(url))
    try:
        migrations = read_migrations(str(MIGRATIONS / dialect(url)))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending.__class__([m for m in pending if m.id != LANGUAGE_MIGRATION]))
    finally:
        backend.connection.close()


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    name = f"presentai_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _old_user_then_russian(database: Database) -> tuple[str, str]:
    users = SqlUserRepository(database)
    try:
        old = await users.get("u-old")
        before = old.language
        old.language = "ru"
        await users.save(old)
        return before, (await users.get("u-old")).language
    finally:
        await database.close()


async def test_a_sqlite_user_from_before_languages_has_none_chosen(tmp_path: Path) -> None:
    path = tmp_path / "presentai.db"
    url = f"sqlite:///{path}"
    _upgrade_all_but_language(url)
    with sqlite3.connect(path) as connection:
        assert "language" not in [row[1] for row in connection.execute("PRAGMA table_info(users)")]
        connection.execute(OLD_USER.format(now="'2026-01-05T10:00:00+00:00'"))
    assert upgrade(url) == [LANGUAGE_MIGRATION]
    assert await _old_user_then_russian(SqliteDatabase(str(path))) == ("", "ru")


async def test_a_postgres_user_from_before_languages_has_none_chosen(empty_postgres: str) -> None:
    _upgrade_all_but_language(empty_postgres)
    with psycopg.connect(empty_postgres, autocommit=True) as connection:
        connection.execute(OLD_USER.format(now="now()"))
    assert upgrade(empty_postgres) == [LANGUAGE_MIGRATION]
    assert await _old_user_then_russian(PostgresDatabase(empty_postgres, max_size=1)) == ("", "ru")
