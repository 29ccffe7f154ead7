"""Sentence splitting and language detection for English and Russian."""

from __future__ import annotations

import pytest

from presentai.domain.text import detect_language, dominant_language, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_english_sentences_split_at_terminal_punctuation_but_not_after_abbreviations() -> None:
    text = "Revenue grew 12.5% in 2025. Mr. Smith, e.g. the CFO, agreed! Did it work? Yes."
    assert sentences(text) == [
        "Revenue grew 12.5% in 2025.",
        "Mr. Smith, e.g. the CFO, agreed!",
        "Did it work?",
        "Yes.",
    ]


def test_russian_sentences_keep_abbreviations_and_initials_inside() -> None:
    text = "Выручка составила 5 млн руб. за квартал. Проект ведёт А. С. Петров, т.е. главный инженер. Всё готово."
    assert sentences(text) == [
        "Выручка составила 5 млн руб. за квартал.",
        "Проект ведёт А. С. Петров, т.е. главный инженер.",
        "Всё готово.",
    ]


def test_blank_lines_always_separate_sentences_and_spans_are_trimmed() -> None:
    text = "  1. Overview\n\nThe grid grew.  "
    assert sentences(text) == ["1. Overview", "The grid grew."]


@pytest.mark.parametrize(
    ("text", "language"),
    [("The wind farm has 42 turbines.", "en"), ("Ветропарк состоит из 42 установок Northwind.", "ru"), ("", "en")],
)
def test_language_is_the_alphabet_that_dominates(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_dominant_language_weighs_by_amount_of_text() -> None:
    assert dominant_language([("en", 100), ("ru", 300), ("en", 150)]) == "ru"
    assert dominant_language([]) == "en"


def test_several_blank_lines_in_one_sentence_span_split_it_at_each_of_them() -> None:
    text = "5. Review\n\n5.1 Summary\n\nThe table below summarises the results. All amounts are in euros."
    assert sentences(text) == [
        "5. Review",
        "5.1 Summary",
        "The table below summarises the results.",
        "All amounts are in euros.",
    ]
