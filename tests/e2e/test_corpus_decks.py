"""Decks from real documents by other authors (tests/corpus): the invariants a presenter relies on.

The corpus documents marked ``holdout`` in its manifest are kept out of these
tests and of tuning; bench/deck_quality.py measures every document.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from presentai import GeneratedDeck, PresentAI
from presentai.domain.slide_rules import DECK_TITLE_WORDS, MAX_BULLETS, MIN_BULLETS, SLIDE_WORDS, title_problems
from presentai.domain.text import words
from presentai.domain.wording import is_back_matter, normalized

CORPUS = Path(__file__).parents[1] / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
TUNING = [e["file"] for e in MANIFEST if not e.get("holdout") and not e.get("deck_of")]
MARKUP = re.compile(r"\]\(|\[[^\]]+\]\(|\*\*|`|^#+\s|</?[a-z]+>|https?://")


@pytest.fixture(scope="module", params=TUNING)
def deck(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> GeneratedDeck:
    with PresentAI.local(tmp_path_factory.mktemp("corpus")) as app:
        return app.generate([CORPUS / request.param], slides=10)


def test_no_two_content_slides_share_a_title_and_a_section_fills_at_most_two(deck: GeneratedDeck) -> None:
    titles = Counter(normalized(s.content.title) for s in deck.slides)
    assert [t for t, n in titles.items() if n > 1] == []
    sections = Counter(normalized(re.sub(r"\s*\(\d+/\d+\)$", "", s.content.title)) for s in deck.slides)
    assert [t for t, n in sections.items() if n > 2] == []


def test_a_section_is_continued_at_most_once_and_no_title_is_cut_short(deck: GeneratedDeck) -> None:
    for slide in deck.slides:
        title = slide.content.title
        assert not re.search(r"\((?:[3-9]|\d\d)/\d+\)$", title), title
        assert not title.endswith(("…", "...")), title
        assert len(re.sub(r"\s*\(\d+/\d+\)$", "", title).split()) <= 10, title


def test_contents_references_and_indexes_do_not_become_slides(deck: GeneratedDeck) -> None:
    assert [s.content.title for s in deck.slides if is_back_matter(s.content.title)] == []


def test_no_bullet_carries_markup_or_starts_mid_sentence(deck: GeneratedDeck) -> None:
    for slide in deck.slides:
        for bullet in slide.content.bullets:
            assert not MARKUP.search(bullet.text), bullet.text
            quote = re.sub(r"^(?:\d{1,2}|[a-z])[.)]\s+", "", bullet.attributions[0].quote.lstrip())  # "a) …"
            assert not (quote[:1].isalpha() and quote[:1].islower()), quote


def test_every_bullet_quotes_its_source_verbatim(deck: GeneratedDeck) -> None:
    assert all(b.supported and b.attributions for s in deck.slides for b in s.content.bullets)


def test_no_statement_is_made_twice_anywhere_in_the_deck(deck: GeneratedDeck) -> None:
    said = Counter(normalized(b.text) for s in deck.slides for b in s.content.bullets)
    quoted = Counter(normalized(a.quote) for s in deck.slides for b in s.content.bullets for a in b.attributions)
    assert [t for t, n in said.items() if n > 1] == []
    assert [q for q, n in quoted.items() if n > 1] == []


def test_a_content_slide_holds_three_to_five_bullets_and_at_most_sixty_words(deck: GeneratedDeck) -> None:
    for slide in deck.slides:
        bullets = slide.content.bullets
        shows = slide.content.table is not None or slide.content.chart is not None
        assert (0 if shows else 1) <= len(bullets) <= MAX_BULLETS, slide.content.title
        assert sum(len(words(b.text)) for b in bullets) <= SLIDE_WORDS, slide.content.title
    # A thin section (a six-page policy template's) may give two; most slides give three or more.
    assert sum(len(s.content.bullets) >= MIN_BULLETS for s in deck.slides) >= 0.6 * len(deck.slides)


def test_every_title_keeps_the_title_rules(deck: GeneratedDeck) -> None:
    assert {
        s.content.title: title_problems(s.content.title) for s in deck.slides if title_problems(s.content.title)
    } == {}
    assert title_problems(deck.presentation.title, max_words=DECK_TITLE_WORDS) == []
