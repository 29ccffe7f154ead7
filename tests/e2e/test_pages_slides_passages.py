"""How the slide view finds a quote in its passage: by its offsets, by its text when they moved, or not at all."""

from __future__ import annotations

from presentai.domain.slides import Attribution
from presentai.domain.sources import Chunk
from presentai.entrypoints.http.pages.slides_sources import CONTEXT_CHARS, passage

TEXT = "The grid grew. Capacity reached 842 MW by December. Storage stayed small."
QUOTE = "Capacity reached 842 MW by December"


def _chunk(text: str = TEXT, page: int | None = 3) -> Chunk:
    return Chunk("c1", "d1", "o1", 0, text, 0, len(text), 12, page=page, section="Grid")


def test_the_quote_is_cut_out_of_its_passage_at_its_offsets() -> None:
    start = TEXT.index(QUOTE)
    shown = passage(Attribution("d1", "c1", QUOTE, start, start + len(QUOTE)), _chunk(), {"d1": "grid.pdf"})
    assert (shown["before"], shown["quote"], shown["after"]) == ("The grid grew. ", QUOTE, ". Storage stayed small.")
    assert shown["name"] == "grid.pdf"
    assert shown["page"] == 3
    assert shown["section"] == "Grid"


def test_offsets_that_no_longer_match_fall_back_to_the_quote_s_text() -> None:
    shown = passage(Attribution("d1", "c1", QUOTE, 0, 5), _chunk(), {})
    assert shown["found"]
    assert shown["quote"] == QUOTE
    assert shown["before"] == "The grid grew. "


def test_a_passage_no_longer_stored_shows_the_quote_alone() -> None:
    shown = passage(Attribution("d1", "gone", QUOTE, 15, 50, page=9), None, {})
    assert not shown["found"]
    assert (shown["before"], shown["quote"], shown["after"]) == ("", QUOTE, "")
    assert shown["page"] == 9


def test_a_long_passage_is_shortened_around_the_quote() -> None:
    text = "a" * 3000 + QUOTE + "b" * 3000
    shown = passage(Attribution("d1", "c1", QUOTE, 3000, 3000 + len(QUOTE)), _chunk(text), {})
    assert shown["before"] == "…" + "a" * CONTEXT_CHARS
    assert shown["after"] == "b" * CONTEXT_CHARS + "…"
