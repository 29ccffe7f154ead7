"""The slide preview of every layout in every theme, in English and Russian, as the slide view draws it:
screenshots to compare with the PPTX of the same deck (``every_layout`` renders it too)."""

from __future__ import annotations

import pytest
from aiohttp import web
from playwright.async_api import expect

from presentai.domain.ids import new_id
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table
from presentai.entrypoints.http.keys import CONTAINER, ORGANIZATIONS
from tests.browser.conftest import SCREENSHOTS, NewPage, make_user, sign_in

pytestmark = pytest.mark.slow
THEMES = ("light", "dark", "corporate")
_TEXT = {
    "en": {
        "deck": "Quarterly results 2026",
        "title": ("Quarterly results 2026", "Built from: report.pdf"),
        "agenda": ("Agenda", ["Results", "Market", "Outlook", "Risks"]),
        "section": ("Results", "What the quarter brought"),
        "bullets": ("Revenue grew in every region", ["Revenue grew 12% year over year to 4.2 billion",
                    "Europe led with 18% growth", "Margins held at 21% despite costs",
                    "An unsupported claim about the future"]),
        "two_column": ("Before and after", ["Manual reports took two weeks", "Three teams copied figures",
                       "Reports in one day", "One source of truth"]),
        "table": ("Revenue by region", ("Region", "2025", "2026", "Change"),
                  (("Europe", "1.1", "1.3", "+18%"), ("Americas", "1.9", "2.1", "+10%"), ("Asia", "0.8", "0.8", "0%"))),
        "quote": ("What customers say", "The reports changed how we plan our year."),
        "key_figures": ("The year in numbers", ["12% revenue growth", "4.2 bn in revenue", "21% margin"]),
        "chart": ("Revenue by quarter", ("Q1", "Q2", "Q3", "Q4"), "bn"),
        "sources": ("Sources", ["report.pdf — pp. 3–4", "market.docx"]),
    },
    "ru": {
        "deck": "Итоги квартала 2026",
        "title": ("Итоги квартала 2026", "Подготовлено по: отчёт.pdf"),
        "agenda": ("Содержание", ["Итоги", "Рынок", "Прогноз", "Риски"]),
        "section": ("Итоги", "Что принёс квартал"),
        "bullets": ("Выручка выросла во всех регионах", ["Выручка выросла на 12% за год, до 4,2 млрд",
                    "Европа впереди с ростом 18%", "Маржа удержалась на 21%, несмотря на затраты",
                    "Неподтверждённое утверждение о будущем"]),
        "two_column": ("До и после", ["Ручные отчёты занимали две недели", "Три команды копировали цифры",
                       "Отчёты за один день", "Один источник правды"]),
        "table": ("Выручка по регионам", ("Регион", "2025", "2026", "Изменение"),
                  (("Европа", "1,1", "1,3", "+18%"), ("Америка", "1,9", "2,1", "+10%"), ("Азия", "0,8", "0,8", "0%"))),
        "quote": ("Что говорят клиенты", "Отчёты изменили то, как мы планируем год."),
        "key_figures": ("Год в цифрах", ["12% рост выручки", "4,2 млрд выручки", "21% маржа"]),
        "chart": ("Выручка по кварталам", ("I кв.", "II кв.", "III кв.", "IV кв."), "млрд"),
        "sources": ("Источники", ["отчёт.pdf — с. 3–4", "рынок.docx"]),
    },
}  # fmt: skip


def every_layout(language: str) -> list[SlideContent]:
    """One slide of each layout the domain has, in ``language`` (the order of ``Layout``)."""
    t = _TEXT[language]
    cited = Attribution(new_id(), new_id(), "revenue grew 12%", 0, 16, 4, "Results", 0.9)

    def sourced(texts: list[str]) -> tuple[Bullet, ...]:
        return tuple(Bullet(text, 0, (cited,), True) for text in texts)

    series = (Series("2025", (0.9, 1.0, 1.1, 1.2)), Series("2026", (1.0, 1.1, 1.0, 1.3)))
    title, items = t["bullets"]
    chart_title, categories, unit = t["chart"]
    return [
        SlideContent(Layout.TITLE, t["title"][0], notes=t["title"][1]),
        SlideContent(Layout.AGENDA, t["agenda"][0], tuple(Bullet(i) for i in t["agenda"][1])),
        SlideContent(Layout.SECTION, t["section"][0], (Bullet(t["section"][1]),)),
        SlideContent(
            Layout.BULLETS,
            title,
            (
                Bullet(items[0], 0, (cited,), True),
                Bullet(items[1], 1, (cited,), True),
                Bullet(items[2], 0, (cited,), True),
                Bullet(items[3]),
            ),
        ),
        SlideContent(Layout.TWO_COLUMN, t["two_column"][0], sourced(t["two_column"][1])),
        SlideContent(Layout.TABLE, t["table"][0], table=Table(t["table"][1], t["table"][2])),
        SlideContent(Layout.QUOTE, t["quote"][0], (Bullet(t["quote"][1], 0, (cited,), True),)),
        SlideContent(Layout.KEY_FIGURES, t["key_figures"][0], sourced(t["key_figures"][1])),
        SlideContent(
            Layout.CHART,
            chart_title,
            chart=Chart(
                ChartKind.COLUMN, categories, series, unit
            ),
        ),
        SlideContent(Layout.SOURCES, t["sources"][0], tuple(Bullet(i) for i in t["sources"][1])),
    ]  # fmt: skip


async def _deck(app: web.Application, user_id: str, language: str) -> Presentation:
    organization_id = (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    deck = Presentation.create(organization_id, _TEXT[language]["deck"], GenerationParameters(language=language))
    for content in every_layout(language):
        deck.add_slide(content)
    await app[CONTAINER].presentations().add(deck)
    return deck


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_every_layout_is_drawn_in_every_theme(app: web.Application, new_page: NewPage, lang: str) -> None:
    user_id = await make_user(app, f"{lang}@example.com", "Ann Example")
    deck = await _deck(app, user_id, lang)
    page = await new_page(lang=lang)
    await sign_in(page, f"{lang}@example.com")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in THEMES:
        for number, content in enumerate(every_layout(lang), start=1):
            await page.goto(f"/presentations/{deck.id}/slides/{number}?theme={theme}")
            slide = page.locator(".slide-main .slide")
            await expect(slide).to_have_class(f"slide sl-theme-{theme} sl-layout-{content.layout.value} " + (
                "sl-cover" if content.layout is Layout.TITLE else
                "sl-section" if content.layout is Layout.SECTION else "sl-content"))  # fmt: skip
            await expect(slide.locator("h2")).to_have_text(content.title)
            box = await slide.bounding_box()
            assert box is not None
            assert abs(box["width"] / box["height"] - 16 / 9) < 0.01  # the slide keeps its 16:9 shape
            await slide.screenshot(path=str(SCREENSHOTS / f"slide-preview-{theme}-{content.layout.value}-{lang}.png"))
