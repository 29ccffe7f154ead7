"""Decks that use every layout, in English and in Russian, with text from samples/src (for render tests and looking)."""

from __future__ import annotations

from presentai.domain.deck import Deck, DeckSource
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table


def _cite(doc: str, quote: str, page: int, section: str = "") -> tuple[Attribution, ...]:
    return (Attribution(doc, f"{doc}-p{page}", quote, 0, len(quote), page=page, section=section, score=0.9),)


def _b(text: str, page: int, level: int = 0, doc: str = "report") -> Bullet:
    return Bullet(text, level, _cite(doc, text, page), supported=True)


def english_deck() -> Deck:
    """Northwind Grid's annual report as a deck of every layout."""
    financial = Table(
        ("Item", "2025", "2024", "Change"),
        (
            ("Revenue", "1,284.6", "1,197.3", "+7.3%"),
            ("Operating costs", "612.8", "589.1", "+4.0%"),
            ("EBITDA", "671.8", "608.2", "+10.5%"),
            ("Depreciation and amortisation", "298.4", "276.5", "+7.9%"),
            ("Operating profit", "373.4", "331.7", "+12.6%"),
            ("Net finance costs", "118.9", "104.6", "+13.7%"),
            ("Profit before tax", "254.5", "227.1", "+12.1%"),
            ("Net profit", "193.4", "171.2", "+13.0%"),
            ("Capital expenditure", "842.0", "655.7", "+28.4%"),
            ("Net debt", "4,122", "3,702", "+11.3%"),
            ("Regulated asset value", "6,670", "6,097", "+9.4%"),
            ("Dividend paid", "74.0", "68.0", "+8.8%"),
        ),
        _cite("report", "Financial summary (million euros)", 14, "5.1 Financial summary")[0],
    )
    investment = Chart(
        ChartKind.COLUMN,
        ("2021", "2022", "2023", "2024", "2025"),
        (Series("Capital expenditure", (512.0, 571.4, 603.9, 655.7, 842.0)),),
        unit="million euros",
        attribution=_cite("report", "Capital expenditure by year", 15, "5.2 Investment")[0],
    )
    mix = Chart(
        ChartKind.PIE,
        ("Network reinforcement", "Smart meters", "Battery storage", "Wind connection", "IT and control"),
        (Series("Share of 2025 investment", (38.0, 21.0, 17.0, 15.0, 9.0)),),
        unit="percent of 842.0 million euros",
        attribution=_cite("report", "Investment by programme", 15, "5.2 Investment")[0],
    )
    reliability = Chart(
        ChartKind.LINE,
        ("2021", "2022", "2023", "2024", "2025"),
        (
            Series("Minutes lost per customer", (74.1, 70.2, 66.5, 61.8, 52.3)),
            Series("Target", (72.0, 70.0, 67.0, 64.0, 60.0)),
        ),
        unit="minutes per customer per year",
        attribution=_cite("report", "Customer minutes lost", 9, "3.1 Reliability")[0],
    )
    content = (
        SlideContent(Layout.SECTION, "Performance in 2025", (Bullet("Reliability, customers and finance"),)),
        SlideContent(
            Layout.BULLETS,
            "The year at a glance",
            (
                _b("Record investment of 842.0 million euros in the network, 28 percent more than in 2024", 2),
                _b("Revenue rose by 7.3 percent to 1,284.6 million euros", 2),
                _b("Net profit increased to 193.4 million euros from 171.2 million euros", 2),
                _b("The first green bond raised 600 million euros for low-carbon investment", 2, level=1),
                _b("Fewer and shorter power cuts than in any previous year, despite Storm Ingrid in February", 3),
            ),
            notes="Open with the record investment; the reliability figures follow.",
        ),
        SlideContent(
            Layout.KEY_FIGURES,
            "Key figures",
            (
                _b("842.0 million euros invested in the network", 2),
                _b("612,000 smart meters installed under BrightMeter", 3),
                _b("150 MW of battery storage in commercial operation", 3),
                _b("52.3 minutes of supply lost by the average customer", 3),
            ),
        ),
        SlideContent(
            Layout.TWO_COLUMN,
            "What went well and what did not",
            (
                _b("Reliability was the strongest in our history: interruptions fell to 0.71 per customer", 4),
                _b("BrightMeter passed the halfway mark in November", 4),
                _b("GridBank batteries provide frequency response at Ashby Moor and Kelby North", 4),
                _b("A firmware defect required a remote update of more than eleven thousand meters", 5),
                _b("Lead times for large power transformers delayed two substation projects by six months", 5),
            ),
            column_break=3,
        ),
        SlideContent(
            Layout.QUOTE,
            "Chair's statement",
            (
                _b(
                    "A network designed for predictable one-way flows must become flexible, observable and "
                    "much better at balancing supply and demand locally.",
                    3,
                ),
            ),
        ),
        SlideContent(Layout.SECTION, "Financial results", ()),
        SlideContent(Layout.TABLE, "Financial summary", table=financial),
        SlideContent(Layout.CHART, "Investment has grown every year", chart=investment),
        SlideContent(Layout.CHART, "Where the 2025 investment went", chart=mix),
        SlideContent(Layout.CHART, "Customers lose fewer minutes each year", chart=reliability),
    )
    return _deck(
        "Northwind Grid Annual Report 2025",
        "Built from: annual-report-2025.pdf",
        "en",
        content,
        "report",
        "annual-report-2025.pdf",
    )


def russian_deck() -> Deck:
    """The wind farm report (otchet-vetroparka) as a deck of every layout, in Russian."""
    budget = Table(
        ("Статья", "Бюджет, млн евро", "Факт, млн евро", "Освоено"),
        (
            ("Ветроэнергетические установки", "151,2", "92,6", "61 %"),
            ("Фундаменты и дороги", "48,3", "41,0", "85 %"),
            ("Подстанция «Риджуэй»", "27,5", "25,9", "94 %"),
            ("Линия электропередачи 132 кВ", "22,0", "19,8", "90 %"),
            ("Резерв на непредвиденные расходы", "19,0", "4,1", "22 %"),
        ),
        _cite("wind", "Исполнение бюджета проекта", 12, "6.1 Бюджет")[0],
    )
    output = Chart(
        ChartKind.BAR,
        ("Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"),
        (Series("Выработка", (14.2, 15.8, 19.4, 26.1, 31.7, 34.9)),),
        unit="ГВт·ч",
        attribution=_cite("wind", "Выработка по месяцам", 9, "4.2 Выработка")[0],
    )
    content = (
        SlideContent(
            Layout.BULLETS,
            "Основные параметры проекта",
            (
                _b("Установленная мощность ветроэлектростанции составляет 176,4 МВт", 2, doc="wind"),
                _b("Станция включает 42 ветроэнергетические установки единичной мощностью 4,2 МВт", 2, doc="wind"),
                _b("Расчётная среднегодовая выработка — 520 ГВт·ч, коэффициент использования 33,7 %", 2, doc="wind"),
                _b("Этого достаточно для примерно 145 тысяч домохозяйств", 2, level=1, doc="wind"),
                _b("Утверждённый бюджет проекта составляет 268 миллионов евро", 3, doc="wind"),
            ),
        ),
        SlideContent(
            Layout.KEY_FIGURES,
            "Итоги первого этапа",
            (
                _b("24 из 42 установок введены в эксплуатацию", 1, doc="wind"),
                _b("176,4 МВт установленной мощности", 2, doc="wind"),
                _b("71,5 евро за мегаватт-час по договору с Harrow Chemicals", 2, doc="wind"),
            ),
        ),
        SlideContent(
            Layout.TWO_COLUMN,
            "Участники проекта",
            (
                _b("Northwind Grid: 51 % долей, присоединение к сети и взаимодействие с регулятором", 1, doc="wind"),
                _b("Solberg Renewables: 49 % долей, строительство и эксплуатация установок", 1, doc="wind"),
                _b("Aldermann Windtechnik поставляет установки и обслуживает их 15 лет", 2, doc="wind"),
                _b("Brennock Civil Engineering строит фундаменты, дороги и сети", 2, doc="wind"),
            ),
        ),
        SlideContent(
            Layout.QUOTE,
            "Назначение отчёта",
            (
                _b(
                    "Следующий отчёт будет подготовлен после ввода в эксплуатацию всей станции, "
                    "запланированного на конец июня 2026 года.",
                    1,
                    doc="wind",
                ),
            ),
        ),
        SlideContent(Layout.SECTION, "Бюджет и выработка", (Bullet("Исполнение бюджета на 31 декабря 2025 года"),)),
        SlideContent(Layout.TABLE, "Исполнение бюджета", table=budget),
        SlideContent(Layout.CHART, "Выработка растёт с вводом установок", chart=output),
    )
    return _deck(
        "Ветроэлектростанция «Северный кряж»: итоги 2025 года",
        "Подготовлено по: otchet-vetroparka.pdf",
        "ru",
        content,
        "wind",
        "otchet-vetroparka.pdf",
    )


def _deck(title: str, subtitle: str, language: str, content: tuple[SlideContent, ...], doc: str, name: str) -> Deck:
    from presentai.domain.deck import label

    agenda = tuple(Bullet(s.title) for s in content if s.layout is not Layout.SECTION)
    pages = sorted({a.page for s in content for a in s.attributions if a.page is not None})
    sources = {doc: DeckSource(doc, name, tuple(pages))}
    slides = (
        SlideContent(Layout.TITLE, title, notes=subtitle),
        SlideContent(Layout.AGENDA, label(language, "agenda"), agenda),
        *content,
        SlideContent(
            Layout.SOURCES,
            label(language, "sources"),
            (Bullet(f"{name} — {label(language, 'pages')} {pages[0]}–{pages[-1]}"),),
        ),
    )
    return Deck(title, subtitle, language, slides, sources)
