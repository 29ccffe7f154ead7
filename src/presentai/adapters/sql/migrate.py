"""Versioned schema migrations with yoyo-migrations, per dialect."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from presentai.domain.errors import DatabaseUnavailable

_MIGRATIONS = Path(__file__).parent / "migrations"


def yoyo_url(database_url: str) -> str:
    """yoyo's spelling of a database URL (psycopg 3 for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def dialect(database_url: str) -> str:
    """``postgres`` or ``sqlite``."""
    if database_url.startswith(("postgresql", "postgres")):
        return "postgres"
    if database_url.startswith("sqlite"):
        return "sqlite"
    raise DatabaseUnavailable(f"unsupported database URL {database_url!r}: use postgresql:// or sqlite:///", "sql")


def upgrade(database_url: str) -> list[str]:
    """Apply every pending migration; returns the ids applied (none when up to date)."""
    if dialect(database_url) == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        if _sqlite_is_current(path):
            return []
        path.parent.mkdir(parents=True, exist_ok=True)
    from yoyo import get_backend, read_migrations  # with sqlparse, a quarter of a second to import

    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(_MIGRATIONS / dialect(database_url)))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


def _sqlite_is_current(path: Path) -> bool:
    """Whether a SQLite database already has every migration, read from yoyo's own table.

    Every library run opens its workspace this way; an up-to-date one then skips
    importing yoyo and parsing the migration files. Anything unexpected (no file,
    no table, a missing id) says no, and yoyo decides.
    """
    if not path.is_file():
        return False
    expected = {file.stem for file in (_MIGRATIONS / "sqlite").glob("*.sql") if not file.stem.endswith(".rollback")}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            applied = {row[0] for row in connection.execute("SELECT migration_id FROM _yoyo_migration")}
    except sqlite3.Error:
        return False
    return expected <= applied
