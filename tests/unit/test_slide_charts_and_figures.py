"""Slide content with charts, key figures and two columns: validated, and stored and served without loss."""

from __future__ import annotations

import pytest

from presentai.adapters.sql.rows import dump, load_content
from presentai.domain.errors import ValidationFailed
from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table

CHART = Chart(
    ChartKind.COLUMN,
    ("2024", "2025"),
    (Series("Capital expenditure", (655.7, 842.0)),),
    unit="million euros",
    attribution=Attribution("doc", "c1", "Capital expenditure", 0, 19, page=15),
)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("In 2025 revenue rose 7.3 % to 1,284.6 million euros", "7.3 %"),
        ("The battery stores 300 megawatt-hours", "300 megawatt-hours"),
        ("Установленная мощность составляет 176,4 МВт", "176,4 МВт"),
        ("Инвестиции составили 4,2 млрд рублей", "4,2 млрд рублей"),
        ("€4.1bn of new debt", "€4.1bn"),
        ("Founded in 1998", "1998"),
        ("The A320 fleet and COVID-19", None),
    ],
)
def test_the_figure_a_sentence_turns_on_is_found_as_written(text: str, figure: str | None) -> None:
    assert key_figure(text) == figure


def test_a_figure_that_opens_its_sentence_is_not_repeated_under_it() -> None:
    assert figure_caption("612,000 smart meters installed") == "smart meters installed"
    assert figure_caption("Revenue rose 7.3 %") == "Revenue rose 7.3 %"


def test_a_chart_needs_one_finite_value_per_category_and_a_pie_one_series() -> None:
    SlideContent(Layout.CHART, "Investment", chart=CHART).validate()
    bad = Chart(ChartKind.PIE, ("a", "b"), (Series("x", (1.0,)), Series("y", (1.0, float("nan")))))
    with pytest.raises(ValidationFailed) as error:
        SlideContent(Layout.CHART, "Mix", chart=bad).validate()
    assert set(error.value.fields) >= {"chart.series", "chart.series[0].values", "chart.series[1].values"}


def test_a_chart_slide_needs_a_chart_and_key_figures_need_numbers() -> None:
    with pytest.raises(ValidationFailed, match="invalid"):
        SlideContent(Layout.CHART, "Investment").validate()
    with pytest.raises(ValidationFailed) as error:
        SlideContent(Layout.KEY_FIGURES, "Figures", (Bullet("42 %"), Bullet("No number"))).validate()
    assert "bullets[1].text" in error.value.fields


def test_a_column_break_must_fall_within_the_bullets() -> None:
    bullets = (Bullet("a"), Bullet("b"), Bullet("c"))
    assert SlideContent(Layout.TWO_COLUMN, "Two", bullets).columns == (bullets[:2], bullets[2:])
    assert SlideContent(Layout.TWO_COLUMN, "Two", bullets, column_break=1).columns == (bullets[:1], bullets[1:])
    with pytest.raises(ValidationFailed):
        SlideContent(Layout.TWO_COLUMN, "Two", bullets, column_break=4).validate()


def test_table_and_chart_sources_count_among_the_slide_attributions() -> None:
    table = Table(("a", "b"), (("1", "2"),), Attribution("doc", "c2", "a b", 0, 3, page=4))
    content = SlideContent(Layout.TABLE, "T", table=table, chart=CHART)
    assert [a.page for a in content.attributions] == [4, 15]


def test_charts_and_column_breaks_are_stored_and_loaded_back() -> None:
    content = SlideContent(Layout.CHART, "Investment", (Bullet("Up 28 %"),), chart=CHART, column_break=1)
    assert load_content(dump(content)) == content


def test_slides_stored_before_charts_existed_still_load() -> None:
    old = {"layout": "table", "title": "T", "bullets": [], "notes": "", "table": {"header": ["a"], "rows": [["1"]]}}
    content = load_content(old)
    assert content.chart is None
    assert content.column_break is None
    assert content.table == Table(("a",), (("1",),))


def test_the_api_serves_a_chart_as_json() -> None:
    from presentai.entrypoints.http.bodies import dump as api_dump

    body = api_dump(SlideContent(Layout.CHART, "Investment", chart=CHART))
    assert body["layout"] == "chart"
    assert body["chart"]["kind"] == "column"
    assert body["chart"]["series"] == [{"name": "Capital expenditure", "values": [655.7, 842.0]}]
