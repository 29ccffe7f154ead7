"""SQLite under concurrent use: many tasks share the one connection, each statement on a worker thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

from presentai.adapters.sql.database import SqliteDatabase


async def test_statements_of_many_tasks_at_once_never_misuse_the_shared_connection(tmp_path: Path) -> None:
    # Statements of different tasks interleave on the one connection (each alone is serialised), and the
    # cursor a statement leaves must not be freed on another thread while the next statement runs.
    database = SqliteDatabase(str(tmp_path / "busy.db"))
    await database.run(lambda c: c.execute("CREATE TABLE notes (task integer, body text)"))

    async def task(number: int) -> None:
        for _ in range(20):
            await database.run(lambda c: c.execute("INSERT INTO notes VALUES (?, ?)", (number, "one")))
            await database.run(lambda c: c.executemany("INSERT INTO notes VALUES (?, ?)", [(number, "many")] * 5))
            await database.run(lambda c: c.execute("SELECT count(*) FROM notes WHERE task = ?", (number,)))

    try:
        await asyncio.gather(*(task(n) for n in range(40)))
        (count,) = await database.run(lambda c: c.execute("SELECT count(*) FROM notes").fetchone())
    finally:
        await database.close()
    assert count == 40 * 20 * 6
