"""Migration 0018 gives every presentation a theme: rows written before it read back in the light theme."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from yoyo import get_backend, read_migrations

from presentai.adapters.sql.database import PostgresDatabase, SqliteDatabase
from presentai.adapters.sql.migrate import dialect, upgrade, yoyo_url
from presentai.adapters.sql.repositories import SqlPresentationRepository
from tests.conftest import ADMIN_URL

MIGRATIONS = Path(__file__).parents[2] / "src" / "presentai" / "adapters" / "sql" / "migrations"
THEME_MIGRATION = "0018.presentation-theme"


def _upgrade_all_but_theme(url: str) -> None:
    """The schema as it was before the theme column: every migration but 0018.presentation-theme."""
    backend = get_backend(yoyo_url(url))
    try:
        migrations = read_migrations(str(MIGRATIONS / dialect(url)))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending.__class__([m for m in pending if m.id != THEME_MIGRATION]))
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


async def test_a_sqlite_presentation_from_before_themes_reads_back_light(tmp_path: Path) -> None:
    path = tmp_path / "presentai.db"
    url = f"sqlite:///{path}"
    _upgrade_all_but_theme(url)
    import sqlite3

    with sqlite3.connect(path) as connection:
        assert "theme" not in [row[1] for row in connection.execute("PRAGMA table_info(presentations)")]
        connection.execute(
            "INSERT INTO presentations (id, organization_id, title, status, parameters, language, created_at)"
            " VALUES ('p-old', 'org', 'Old deck', 'draft', '{\"slide_count\": 3}', 'en', '2026-01-05T10:00:00+00:00')"
        )
    assert upgrade(url) == [THEME_MIGRATION]
    database = SqliteDatabase(str(path))
    try:
        old = await SqlPresentationRepository(database).get("org", "p-old")
    finally:
        await database.close()
    assert (old.title, old.theme, old.parameters.slide_count) == ("Old deck", "light", 3)


async def test_a_postgres_presentation_from_before_themes_reads_back_light(empty_postgres: str) -> None:
    _upgrade_all_but_theme(empty_postgres)
    with psycopg.connect(empty_postgres, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO presentations (id, organization_id, title, status, parameters, language, created_at)"
            " VALUES ('p-old', 'org', 'Old deck', 'draft', '{\"slide_count\": 3}', 'en', now())"
        )
    assert upgrade(empty_postgres) == [THEME_MIGRATION]
    database = PostgresDatabase(empty_postgres, max_size=1)
    try:
        old = await SqlPresentationRepository(database).get("org", "p-old")
    finally:
        await database.close()
    assert (old.title, old.theme, old.parameters.slide_count) == ("Old deck", "light", 3)
