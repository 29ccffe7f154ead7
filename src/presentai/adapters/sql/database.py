"""A small async SQL interface with two drivers, so that the repositories are written once.

SQL is written with ``%s`` placeholders and portable statements; JSON values are
passed wrapped in ``Json`` and read back with ``from_json``; timestamps with
``from_timestamp``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
from attrs import frozen

from presentai.domain.errors import Conflict, DatabaseUnavailable, ValidationFailed

Row = dict[str, Any]
log = logging.getLogger("presentai.sql")


@frozen
class Json:
    """A value to store in a JSON column."""

    value: Any


def from_json(value: Any) -> Any:
    """A JSON column's value as Python (PostgreSQL returns it parsed, SQLite as text)."""
    return orjson.loads(value) if isinstance(value, str) else value


def from_timestamp(value: Any) -> datetime:
    """A timestamp column's value as an aware datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value).astimezone(UTC)


class Session(Protocol):
    """Statements inside one transaction."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        ...

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of a query, as dicts."""
        ...


class Database(Protocol):
    """Hands out transactions."""

    row_lock: str

    def transaction(self) -> Any:
        """``async with database.transaction() as session:`` commits on success, rolls back on error."""
        ...

    def read(self) -> Any:
        """``async with database.read() as session:`` for reads that need no transaction: each statement
        sees the latest committed data on its own (saves PostgreSQL's BEGIN and COMMIT round trips)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


async def _configure(connection: Any) -> None:
    """Each new pooled connection parses json/jsonb with orjson (slide contents are JSON)."""
    import orjson
    from psycopg.types.json import set_json_loads

    set_json_loads(orjson.loads, connection)


class PostgresDatabase:
    """PostgreSQL through a psycopg 3 async connection pool, opened on first use."""

    row_lock = " FOR UPDATE"  # appended to a SELECT that must lock what it reads until the transaction ends

    def __init__(self, conninfo: str, *, min_size: int = 1, max_size: int = 10) -> None:
        from psycopg_pool import AsyncConnectionPool

        # Autocommit connections: transaction() sends BEGIN/COMMIT itself, read() sends the statement alone.
        self._pool = AsyncConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True},
            configure=_configure,
        )
        self._opened = False
        self._opening = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        async with self._session(in_transaction=True) as session:
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        async with self._session(in_transaction=False) as session:
            yield session

    @asynccontextmanager
    async def _session(self, *, in_transaction: bool) -> AsyncIterator[Session]:
        import psycopg
        from psycopg.rows import dict_row

        if not self._opened:
            async with self._opening:
                if not self._opened:
                    try:
                        await self._pool.open(wait=True, timeout=10)
                    except psycopg.OperationalError as error:
                        raise DatabaseUnavailable(f"PostgreSQL is unreachable: {error}", "postgresql") from error
                    self._opened = True
        try:
            async with self._pool.connection() as connection:
                if in_transaction:
                    async with connection.transaction(), connection.cursor(row_factory=dict_row) as cursor:
                        yield _PostgresSession(cursor)
                else:
                    async with connection.cursor(row_factory=dict_row) as cursor:
                        yield _PostgresSession(cursor)
        except psycopg.IntegrityError as error:
            raise Conflict("that conflicts with something that already exists") from error
        except psycopg.DataError as error:
            raise ValidationFailed(
                "the request holds a value that cannot be stored (such as a NUL character)"
            ) from error
        except psycopg.OperationalError as error:
            log.warning("PostgreSQL failed: %s", error)
            raise DatabaseUnavailable("the database is unavailable; try again shortly", "postgresql") from error

    async def close(self) -> None:
        # Also a pool whose opening was interrupted (a cancelled request): its workers are running.
        if not self._pool.closed:
            await self._pool.close()
        self._opened = False


class _PostgresSession:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @staticmethod
    def _adapt(params: Sequence[Any]) -> list[Any]:
        from psycopg.types.json import Jsonb

        return [Jsonb(p.value) if isinstance(p, Json) else p for p in params]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        await self._cursor.execute(sql, self._adapt(params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self._cursor.executemany(sql, [self._adapt(r) for r in rows])

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        await self._cursor.execute(sql, self._adapt(params))
        return list(await self._cursor.fetchall())


class SqliteDatabase:
    """SQLite in a file; statements run in a worker thread, one transaction at a time."""

    row_lock = ""  # transactions are serialised (BEGIN IMMEDIATE): what one reads cannot change under it

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._transactions = asyncio.Lock()
        self._thread_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            if self._path != ":memory:":
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._connection = connection
        return self._connection

    async def run(self, work: Any) -> Any:
        def call() -> Any:
            with self._thread_lock:
                try:
                    done = work(self._connect())
                    if isinstance(done, sqlite3.Cursor):
                        # Closed here, under the lock: a cursor freed later, on another thread, resets its
                        # statement while a statement of another thread may be running ("API misuse").
                        done.close()
                        return None
                    return done
                except sqlite3.IntegrityError as error:
                    raise Conflict("that conflicts with something that already exists") from error
                except sqlite3.OperationalError as error:
                    raise DatabaseUnavailable(f"SQLite failed: {error}", "sqlite") from error

        return await asyncio.to_thread(call)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        async with self._transactions:
            await self.run(lambda c: c.execute("BEGIN IMMEDIATE"))
            try:
                yield _SqliteSession(self)
            except BaseException:
                await self.run(lambda c: c.execute("ROLLBACK"))
                raise
            await self.run(lambda c: c.execute("COMMIT"))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        async with self._transactions:  # one statement at a time on the one connection, no BEGIN
            yield _SqliteSession(self)

    async def close(self) -> None:
        def close(connection: sqlite3.Connection) -> None:
            connection.close()
            self._connection = None

        if self._connection is not None:
            await self.run(close)


class _SqliteSession:
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database

    @staticmethod
    def _adapt(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
        values = [
            json.dumps(p.value, ensure_ascii=False)
            if isinstance(p, Json)
            else p.isoformat()
            if isinstance(p, datetime)
            else p
            for p in params
        ]
        return sql.replace("%s", "?"), values

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        statement, values = self._adapt(sql, params)
        await self._database.run(lambda c: c.execute(statement, values))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        statement = sql.replace("%s", "?")
        # Adapted in the worker thread too: JSON-encoding thousands of rows (a document's chunks) took
        # seconds of the event loop.
        await self._database.run(lambda c: c.executemany(statement, [self._adapt(sql, r)[1] for r in rows]))

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        statement, values = self._adapt(sql, params)
        rows = await self._database.run(lambda c: c.execute(statement, values).fetchall())
        return [dict(row) for row in rows]
