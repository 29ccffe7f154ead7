"""Tables of the sources, as tables: a header and rows of cells, found again in a chunk's text.

Parsers write a table as lines of cells separated by `` | `` (one line a row); the
chunker keeps its rows whole and outside the prose sentences. A slide that shows a
table takes it from here rather than from sentences.
"""

from __future__ import annotations

import re

from attrs import frozen

from presentai.domain.slides import Table
from presentai.domain.sources import Chunk

CELL_SEPARATOR = " | "
_LINE = re.compile(r"[^\n]+")
_SEPARATOR = re.compile(r"(?:^|\s)\|(?:\s|$)")  # the separator the parsers write; a "|" inside a word is text


@frozen
class SourceTable:
    """A table of a chunk: its cells and where its text lies in the chunk (``start``/``end``)."""

    table: Table
    start: int
    end: int


def tables_in(chunk: Chunk) -> tuple[SourceTable, ...]:
    """The tables of two rows or more, with two columns or more, in ``chunk``'s text outside its sentences."""
    prose = chunk.sentences
    found: list[SourceTable] = []
    run: list[tuple[int, int, list[str]]] = []

    def close() -> None:
        if len(run) >= 2:
            width = len(run[0][2])
            rows = tuple(_fit(cells, width) for _, _, cells in run[1:])
            found.append(SourceTable(Table(tuple(run[0][2]), rows), run[0][0], run[-1][1]))
        run.clear()

    for match in _LINE.finditer(chunk.text):
        start, end = match.span()
        inside_prose = any(s < end and start < e for s, e in prose)
        cells = [c.strip() for c in _SEPARATOR.split(match.group())] if not inside_prose else []
        adjacent = run and chunk.text[run[-1][1] : start] == "\n"
        if len(cells) < 2 or (run and not adjacent):
            close()
        if len(cells) >= 2:
            run.append((start, end, cells))
    close()
    return tuple(found)


def _fit(cells: list[str], width: int) -> tuple[str, ...]:
    """A row made ``width`` cells wide: short rows padded, the cells past the header joined into the last."""
    if len(cells) < width:
        return (*cells, *[""] * (width - len(cells)))
    if len(cells) > width:
        return (*cells[: width - 1], " ".join(cells[width - 1 :]))
    return tuple(cells)
