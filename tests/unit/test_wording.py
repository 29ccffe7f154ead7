"""What may stand on a slide: the title and bullet policies, on lines seen in real documents."""

from __future__ import annotations

import pytest

from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.wording import (
    is_back_matter,
    is_closing,
    is_informative_heading,
    is_opening,
    is_statement,
    normalized,
    said_keys,
    without_repeats,
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Which is new to both the AFM and the QRH).",
        "10Если для выполнения изменения вы используете команду dch -r, то убедитесь в этом.",
        "2⁶Программа dh_auto_build без аргументов выполняет правила первой цели.",
        "But if you penalty to any tax due.",
        "of change of the AOA sensor position values.",
        "VerDate Sep<11>2014 16:21 Aug 05, 2020 Jkt 250001 PO 00000 Frm 00014.",
        "11 3.2 Spock testing DSL basics and 40 6.3 Interaction declaration parsing.",
        "The [ECMAScript](https://tc39.es) standard defines the language.",
        "Dec. 2017. url: http://web.archive.org/web/2017/docs.",
        "17 switch { 18 case 'BlockStatement': 19 return path; }",
        "The table below summarises the results for each region.",
        "Figure 5: An example specification that uses the Spock Framework.",
        "Но это решение не было принято.",
        "Который был построен в 2019 году.",
        "Introduction ........................ 4",
    ],
)
def test_fragments_code_links_and_furniture_are_not_statements(sentence: str) -> None:
    assert not is_statement(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2025, revenue grew by 12 percent to 4.1 billion euros.",
        "The Ashby Moor battery, with a capacity of 50 megawatts, was commissioned in April.",
        "В 2025 году выработка ветропарка выросла на 12 %.",
        "3. A custom compilation DSL keeps the syntax of its host language.",
        "3D printing cut the cost of the prototype by half.",
    ],
)
def test_complete_sentences_are_statements(sentence: str) -> None:
    assert is_statement(sentence)


@pytest.mark.parametrize(
    "heading",
    [
        "1 слайд",
        "Slide 4",
        "9 2.2 Классификация облачных услуг",
        "0,2414 · 100% = 4, 97% Критерий",
        "3f2b8c1e-9a7d-4e21-b0c4-5d6e7f8a9b0c",
        "experimental-mocking-direct-compilation",
    ],
)
def test_uninformative_headings_are_recognised(heading: str) -> None:
    assert not is_informative_heading(heading)


@pytest.mark.parametrize("heading", ["Battery storage", "Annual report 2025", "Введение", "Chief Executive's review"])
def test_informative_headings_are_kept(heading: str) -> None:
    assert is_informative_heading(heading)


@pytest.mark.parametrize(
    ("heading", "back"),
    [
        ("Contents", True),
        ("Bibliography", True),
        ("7 References", True),
        ("Список литературы", True),
        ("Оглавление", True),
        ("Appendix B", True),
        ("Battery storage", False),
        ("Sources of revenue", False),
    ],
)
def test_apparatus_sections_are_told_from_the_argument(heading: str, back: bool) -> None:
    assert is_back_matter(heading) is back


def test_repetition_is_compared_without_case_and_punctuation() -> None:
    assert normalized("Operating EXPENSE line-items.") == normalized("operating expense line items")


def test_a_sentence_does_not_end_at_us_or_a_section_abbreviation() -> None:
    from presentai.domain.text import sentence_spans

    text = "It was made with the U.S. Access Board. See Pub. 915 for details."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "It was made with the U.S. Access Board.",
        "See Pub. 915 for details.",
    ]


@pytest.mark.parametrize(
    "heading", ["Abstract", "1. Introduction", "Executive summary", "Введение", "Глава 1. Введение"]
)
def test_openings_are_recognised(heading: str) -> None:
    assert is_opening(heading)
    assert not is_closing(heading)


@pytest.mark.parametrize("heading", ["5 Conclusions", "Next steps", "Заключение", "Выводы", "Что дальше"])
def test_closings_are_recognised(heading: str) -> None:
    assert is_closing(heading)
    assert not is_opening(heading)


def test_a_slide_loses_the_bullets_the_deck_already_said_and_its_own_repeats() -> None:
    quote = Attribution("d", "c", "Revenue grew by 7 percent.", 0, 26)
    content = SlideContent(
        Layout.BULLETS,
        "Results",
        (
            Bullet("Revenue grew by 7 percent", 0, (quote,)),
            Bullet("Costs fell", 0, ()),
            Bullet("costs  fell.", 0, ()),
            Bullet("Staff grew", 0, ()),
        ),
    )
    said = said_keys([Bullet("Another wording", 0, (quote,))])
    assert [b.text for b in without_repeats(content, said).bullets] == ["Costs fell", "Staff grew"]


@pytest.mark.parametrize("heading", ["Line 5 Worksheet", "Earned Income Credit (EIC) Worksheet—Line 8a", "Worksheet"])
def test_worksheets_are_not_the_argument(heading: str) -> None:
    assert is_back_matter(heading)
