"""The deck's rules for titles, slides and outlines, and their safe repairs, in English and Russian."""

from __future__ import annotations

import pytest

from presentai.domain.presentation import Outline, OutlineItem
from presentai.domain.slide_rules import (
    bullet_problems,
    merge_repeated_sections,
    outline_problems,
    repair_bullet_text,
    repair_outline,
    repair_slide,
    repair_title,
    slide_problems,
    strip_markup,
    title_problems,
)
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.wording import normalized

GOOD_BULLETS = (
    "Revenue rose 12% to $4.2 million in 2025.",
    "The Ashby Moor battery was commissioned in April.",
    "Wind output grew in every region except the north.",
)
GOOD_BULLETS_RU = (
    "Выработка ветропарка выросла на 12 % в 2025 году.",
    "Новая батарея в Эшби-Мур введена в строй в апреле.",
    "Себестоимость энергии снизилась во всех регионах страны.",
)


def bullet(text: str, quote: str = "") -> Bullet:
    return Bullet(text, 0, (Attribution("doc", "c1", quote or text, 0, len(quote or text)),))


def slide(title: str, *texts: str) -> SlideContent:
    return SlideContent(Layout.BULLETS, title, tuple(bullet(t) for t in texts))


def item(title: str, *chunk_ids: str) -> OutlineItem:
    return OutlineItem(title, ("a point",), chunk_ids or ("c1",))


@pytest.mark.parametrize(
    "title",
    [
        "VerDate Sep<11>2014 16:21 Aug 05, 2020 Jkt… (5/5)",
        "1-800-829-4059 to see if you are We… (6/10)",
        "23 tax (10/10)",
        "9 2.2 Классификация облачных услуг (1/7)",
        "слайд",
        "Slide 3",
        "Прочее",
        "**Key results**",
        "[Battery storage](https://example.com/battery)",
        "The cost of",
        "Стоимость хранения энергии и",
        "Revenue grew strongly in every single region this year",
        "References",
        "Список литературы",
        "3f2b8c1e-9a7d-4e21-b0c4-5d6e7f8a9b0c",
        "",
    ],
)
def test_titles_made_of_fragments_furniture_markup_or_labels_break_the_rules(title: str) -> None:
    assert title_problems(title)


@pytest.mark.parametrize(
    "title",
    [
        "Battery storage",
        "Battery storage (2/2)",
        "Revenue and costs in 2025",
        "Introduction",
        "Классификация облачных услуг",
        "Классификация облачных услуг (2/2)",
        "Выводы и дальнейшие шаги",
    ],
)
def test_informative_short_titles_keep_the_rules(title: str) -> None:
    assert title_problems(title) == []


@pytest.mark.parametrize(
    "text",
    [
        "Which is new to both the AFM and the QRH)",
        "But if you penalty to any tax due on time",
        "And the board approved the plan in March.",
        "Но это решение не было принято в 2019 году.",
        "Который был построен в 2019 году на севере.",
        "The table below summarises the results for each region.",
        "Результаты приведены в таблице ниже по каждому региону.",
        "As discussed above, costs fell in most of the regions.",
        "The [ECMAScript](https://tc39.es) standard defines the language.",
        "Revenue **grew** by 12 percent in the last year.",
        "Growth.",
        "Рост выручки.",
        " ".join(["word"] * 26) + ".",
        "of change of the AOA sensor position values in flight",
    ],
)
def test_fragments_walls_and_markup_are_not_bullets(text: str) -> None:
    assert bullet_problems(text)


@pytest.mark.parametrize("text", [*GOOD_BULLETS, *GOOD_BULLETS_RU, "«Зелёный» тариф действует до 2030 года."])
def test_whole_short_statements_are_bullets(text: str) -> None:
    assert bullet_problems(text) == []


def test_a_slide_of_three_good_bullets_keeps_the_rules_in_english_and_russian() -> None:
    assert slide_problems(slide("Results of 2025", *GOOD_BULLETS)) == []
    assert slide_problems(slide("Итоги 2025 года", *GOOD_BULLETS_RU)) == []


def test_too_few_too_many_and_too_long_slides_break_the_rules() -> None:
    assert any("2 bullets" in p for p in slide_problems(slide("Results of 2025", *GOOD_BULLETS[:2])))
    six = [f"Wind farm number {n} produced more power than planned." for n in "ABCDEF"]
    assert any("6 bullets" in p for p in slide_problems(slide("Wind farms", *six)))
    long = [f"{b[:-1]} according to the operators of the regional network this year." for b in GOOD_BULLETS_RU[:1]]
    long += [f"{b[:-1]} according to the operators of the regional network this year." for b in GOOD_BULLETS]
    assert any("words in all" in p for p in slide_problems(slide("Results of 2025", *long)))


def test_a_bullet_repeating_the_slide_or_the_rest_of_the_deck_breaks_the_rules() -> None:
    twice = slide("Results of 2025", *GOOD_BULLETS, GOOD_BULLETS[0])
    assert any("repeats" in p for p in slide_problems(twice))
    said = [normalized(GOOD_BULLETS_RU[1])]
    assert any("repeats" in p for p in slide_problems(slide("Итоги 2025 года", *GOOD_BULLETS_RU), said))


def test_a_bullet_citing_no_passage_breaks_the_rules() -> None:
    content = SlideContent(Layout.BULLETS, "Results of 2025", tuple(Bullet(t) for t in GOOD_BULLETS))
    assert any("cites none" in p for p in slide_problems(content))


def test_markup_is_stripped_to_the_text_a_reader_sees() -> None:
    assert strip_markup("The [ECMAScript](https://tc39.es) standard") == "The ECMAScript standard"
    assert strip_markup("- **Revenue** grew, see https://example.com/report") == "Revenue grew, see"
    assert strip_markup("<b>Выручка</b> выросла &amp; окупилась") == "Выручка выросла & окупилась"
    assert strip_markup("snake_case names and 5 * 3 stay") == "snake_case names and 5 * 3 stay"


def test_a_leading_conjunction_is_repaired_but_a_torn_clause_is_not() -> None:
    assert repair_bullet_text("But costs fell in every region last year.") == "Costs fell in every region last year."
    assert repair_bullet_text("Но это решение не было принято.") == "Это решение не было принято."
    assert (
        repair_bullet_text("Which is new to both the AFM and the QRH.") == "Which is new to both the AFM and the QRH."
    )


def test_repairing_a_slide_drops_repeats_strips_markup_and_keeps_five_bullets() -> None:
    said = [normalized(GOOD_BULLETS[1])]
    more = [f"Wind farm {n} beat its plan by a wide margin." for n in "ABCD"]
    texts = [*GOOD_BULLETS, f"**{GOOD_BULLETS[0]}**", *more]
    repaired = repair_slide(slide("## Results of 2025...", *texts), said)
    assert repaired.title == "Results of 2025"
    assert [b.text for b in repaired.bullets] == [
        GOOD_BULLETS[0],
        GOOD_BULLETS[2],
        *more[:3],
    ]
    assert slide_problems(repaired, said) == []


def test_repairing_a_title_keeps_its_words() -> None:
    assert repair_title("**Battery storage**:") == "Battery storage"
    assert repair_title("Классификация облачных услуг…") == "Классификация облачных услуг"


def test_an_outline_of_distinct_titles_in_story_order_keeps_the_rules() -> None:
    outline = Outline(
        "Northwind in 2025",
        (item("Purpose of the review"), item("Battery storage"), item("Battery storage (2/2)"), item("Next steps")),
    )
    assert outline_problems(outline, 4) == []
    russian = Outline("Облачные вычисления", (item("Введение"), item("Модели облачных услуг"), item("Заключение")))
    assert outline_problems(russian, 5) == []


def test_repeated_titles_and_sections_in_many_parts_break_the_outline_rules() -> None:
    repeated = Outline("Handbook", tuple(item("Operating expense line items") for _ in range(4)))
    problems = outline_problems(repeated, 12)
    assert any("both titled" in p for p in problems)
    assert any("more than 2 slides" in p for p in problems)
    parts = Outline("Облако", tuple(item(f"Модели облачных услуг ({k}/3)") for k in (1, 2, 3)))
    assert any("part 3 of 3" in p for p in outline_problems(parts, 3))
    assert any("at most 2" in p for p in outline_problems(Outline("Deck", (item("A topic"),) * 3), 2))


def test_an_outline_item_citing_nothing_or_a_closing_in_the_middle_breaks_the_rules() -> None:
    assert any("cites none" in p for p in outline_problems(Outline("Deck", (OutlineItem("Battery storage"),)), 1))
    out_of_order = Outline("Отчёт", (item("Выводы"), item("Модели облачных услуг"), item("Введение")))
    assert any("closing" in p for p in outline_problems(out_of_order, 3))
    repaired = repair_outline(out_of_order)
    assert [i.title for i in repaired.items] == ["Введение", "Модели облачных услуг", "Выводы"]
    assert outline_problems(repaired, 3) == []


def test_merging_leaves_every_section_once_or_as_a_proper_pair() -> None:
    outline = Outline(
        "Handbook",
        (
            item("Operating expenses", "c1"),
            item("Revenue", "c2"),
            item("Operating expenses", "c3"),
            item("Revenue (2/2)", "c4"),
            item("Staff (1/3)", "c5"),
            item("Staff (2/3)", "c6"),
            item("Staff (3/3)", "c7"),
        ),
    )
    merged = merge_repeated_sections(outline)
    assert [(i.title, i.chunk_ids) for i in merged.items] == [
        ("Operating expenses", ("c1", "c3")),
        ("Revenue", ("c2",)),
        ("Revenue (2/2)", ("c4",)),
        ("Staff", ("c5", "c6", "c7")),
    ]
    assert outline_problems(merged, 7) == []
