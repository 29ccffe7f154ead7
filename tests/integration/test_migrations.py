"""Schema migrations of a workspace's SQLite database: applied once, skipped cheaply when current."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from presentai.adapters.sql.migrate import _sqlite_is_current, upgrade

MIGRATIONS = Path(__file__).parents[2] / "src" / "presentai" / "adapters" / "sql" / "migrations" / "sqlite"


def test_a_new_database_gets_every_migration_and_a_second_upgrade_applies_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ws' / 'presentai.db'}"
    applied = upgrade(url)
    assert applied == sorted(p.stem for p in MIGRATIONS.glob("*.sql"))
    assert upgrade(url) == []


def test_a_database_missing_a_migration_is_not_taken_for_current(tmp_path: Path) -> None:
    path = tmp_path / "presentai.db"
    assert not _sqlite_is_current(path)  # no file yet
    upgrade(f"sqlite:///{path}")
    assert _sqlite_is_current(path)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "DELETE FROM _yoyo_migration WHERE migration_id = (SELECT MAX(migration_id) FROM _yoyo_migration)"
        )
    assert not _sqlite_is_current(path)


def test_a_file_that_is_not_a_database_is_not_taken_for_current(tmp_path: Path) -> None:
    path = tmp_path / "presentai.db"
    path.write_bytes(b"not a database")
    assert not _sqlite_is_current(path)
