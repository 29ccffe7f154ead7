"""Versioned schema migrations with yoyo-migrations, per dialect."""

from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

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
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(_MIGRATIONS / dialect(database_url)))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()
