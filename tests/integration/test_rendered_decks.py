"""Decks drawn on every built-in theme, looked at as LibreOffice draws them: PDF words and PNG pixels.

One realistic deck per theme (every layout kind, sentences from the samples) is
rendered to PPTX, converted to PDF by LibreOffice and to PNG by Poppler. The tests
compare the PDF's words with the slide frame and with the boxes of the PPTX's
shapes, measure the contrast of every word on the pixels, look for placeholder
prompts and compare the body text's size across slides.

Contrast is measured on a second PNG of each page drawn without anti-aliasing
(``pdftoppm -aa no -aaVector no``), where every pixel of a glyph has the text's
own colour: the background is the median colour of a ring of pixels one to three
pixels outside the word's box, the text colour is the most frequent colour among
the box's pixels that differ clearly from it, and the ratio between the two is
WCAG 2's. Anti-aliased pixels would blend the two and understate the contrast of
small text, and quantiles of a blended box depend on how much ink a word has.

The PNGs of each deck are kept in ``$PRESENTAI_TEST_ARTEFACTS`` (by default the
test's temporary folder) for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pptx
import pytest
from attrs import frozen
from PIL import Image
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu

from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.pieces import Mode, pieces
from presentai.adapters.pptx.themes import THEMES, contrast_ratio
from presentai.domain.deck import Deck, DeckSource, label
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: scripts/install-system-packages installs it",
)

DPI = 50
TOLERANCE_PT = 1.5  # how far a word may stand past its box (LibreOffice rounds positions to 1/100 mm)
MIN_CONTRAST = 4.5
CONVERSION_TIMEOUT_S = 300
_PROMPTS = re.compile(
    r"click (icon )?to (add|edit)|double.click|щ[её]лкните|нажмите,? чтобы|образец (заголовка|текста)|"
    r"заголовок слайда|текст слайда",
    re.IGNORECASE,
)
_BODY_LAYOUTS = {"obj", "twoObj"}  # the layouts that draw bullets: every word of their bodies is body text


# --- the decks ------------------------------------------------------------------------------------------------


def _cite(doc: str, quote: str, page: int, section: str) -> Attribution:
    return Attribution(doc, f"{doc}-p{page}", quote, 0, len(quote), page=page, section=section, score=0.9)


def _b(text: str, page: int, doc: str, level: int = 0) -> Bullet:
    return Bullet(text, level, (_cite(doc, text, page, ""),), supported=True)


def _deck(title: str, subtitle: str, language: str, content: list[SlideContent], doc: str, name: str) -> Deck:
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


def annual_report() -> Deck:
    """English, from samples/src/annual-report-2025.md."""
    doc = "report"

    def b(text: str, page: int, level: int = 0) -> Bullet:
        return _b(text, page, doc, level)

    programmes = Table(
        ("Programme", "Started", "Status at the end of 2025", "Plan for 2026", "Spent in 2025, € m", "Budget, € m"),
        (
            ("BrightMeter", "March 2022", "612,000 smart meters installed", "280,000 more meters", "70.9", "328"),
            ("GridBank", "2023", "150 MW of batteries in operation", "Stonebridge, 75 MW", "214", "392"),
            ("Northern Ridge", "April 2024", "24 of 42 turbines in operation", "The last 18 turbines", "96", "268"),
            ("Meridian", "April 2024", "Live in Kelby since 6 October", "Automatic restoration", "21", "49"),
            ("Flexibility services", "2021", "186 MW contracted in four tenders", "New tenders", "4.8", "6"),
        ),
        _cite(doc, "Modernisation programmes", 18, "4 Modernisation Programmes"),
    )
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
        ),
        _cite(doc, "Financial summary (million euros)", 24, "5.1 Financial summary"),
    )
    investment = Chart(
        ChartKind.COLUMN,
        ("2021", "2022", "2023", "2024", "2025"),
        (Series("Capital expenditure", (512.0, 571.4, 603.9, 655.7, 842.0)),),
        unit="million euros",
        attribution=_cite(doc, "Capital expenditure by year", 26, "5.4 Capital investment"),
    )
    content = [
        SlideContent(Layout.SECTION, "Operational performance", (Bullet("Reliability, storms, safety and service"),)),
        SlideContent(
            Layout.BULLETS,
            "Reliability of supply",
            (
                b("The average number of customer minutes lost fell to 52.3, the best in the company's history", 9),
                b("Interruptions per customer fell to 0.71, better than the regulator's target for RP2", 9),
                b("1,180 automatic reclosers on rural overhead lines clear transient faults", 9, level=1),
                b("81 percent of the high-voltage network can now be switched remotely", 9, level=1),
                b("Customers in Fellside still lost 118 minutes, more than twice the regional average", 10),
            ),
            notes="Start with the record; then say plainly that Fellside is the exception.",
        ),
        SlideContent(
            Layout.KEY_FIGURES,
            "The year at a glance",
            (
                b("842.0 million euros invested in the network, 28 percent more than in 2024", 2),
                b("612,000 smart meters installed under the BrightMeter programme", 2),
                b("150 MW of battery storage brought into commercial operation", 2),
            ),
        ),
        SlideContent(
            Layout.TWO_COLUMN,
            "Storm Ingrid: what worked and what did not",
            (
                b("420 field staff and 35 mobile generators were in place 36 hours before the storm", 11),
                b("Supply was restored to 94 percent of affected customers within 24 hours", 11),
                b("Every customer was reconnected within 72 hours", 11),
                b("The contact centre received more than 58,000 calls on the first day", 11),
                b("Waiting times exceeded twenty minutes during the morning peak", 11),
                b("2.1 million euros was paid in compensation for interruptions over 18 hours", 11),
            ),
            column_break=3,
        ),
        SlideContent(
            Layout.QUOTE,
            "Chair's statement",
            (
                b(
                    "A network designed for predictable one-way flows must become flexible, observable and much "
                    "better at balancing supply and demand locally.",
                    3,
                ),
            ),
        ),
        SlideContent(Layout.SECTION, "Modernisation and finance", ()),
        SlideContent(Layout.TABLE, "Modernisation programmes", table=programmes),
        SlideContent(Layout.CHART, "Investment has grown every year", chart=investment),
        SlideContent(Layout.TABLE, "Financial summary", table=financial),
    ]
    return _deck(
        "Northwind Grid Annual Report 2025",
        "Built from: annual-report-2025.pdf",
        "en",
        content,
        doc,
        "annual-report-2025.pdf",
    )


def field_notes() -> Deck:
    """English, from samples/src/field-notes.md."""
    doc = "notes"

    def b(text: str, page: int, level: int = 0) -> Bullet:
        return _b(text, page, doc, level)

    visits = Table(
        ("Outcome of the appointment", "Greyburn", "High Cotes", "Both villages"),
        (
            ("Installation completed", "5", "4", "9"),
            ("Customer not at home", "2", "1", "3"),
            ("Abandoned: asbestos in the meter board", "0", "1", "1"),
            ("Postponed at the customer's request", "1", "0", "1"),
        ),
        _cite(doc, "The crews had 14 appointments between them", 2, "2. Day one: Fellside installations"),
    )
    coverage = Chart(
        ChartKind.BAR,
        ("Region as a whole", "Harrow Vale", "Fellside"),
        (Series("Share of the local target installed", (58.0, 47.0, 41.0)),),
        unit="percent of the local installation target, November 2025",
        attribution=_cite(doc, "Fellside was at 41 percent of its local target", 1, "1. Attendees and purpose"),
    )
    content = [
        SlideContent(Layout.SECTION, "What we saw in Fellside", (Bullet("Two days with the installation crews"),)),
        SlideContent(
            Layout.BULLETS,
            "Why installations take longer in the uplands",
            (
                b("A Fellside installer completes 4.2 installations a day, against 6.8 in Kelby", 2),
                b("Some properties sit at the end of single-track roads, twenty minutes from a neighbour", 2),
                b("Meters in outbuildings, cellars and old cabinets take thirty minutes to reach", 2),
                b("The booking call should ask where the meter is and whether it is easy to reach", 2, level=1),
                b("The asbestos removal contractor has a waiting list of about seven weeks", 2),
            ),
        ),
        SlideContent(
            Layout.KEY_FIGURES,
            "Communications coverage",
            (
                b("88 % of installed meters in Fellside communicate reliably", 3),
                b("2,300 premises where neither the mesh nor the cellular network reaches", 3),
                b("96 % success for isolated properties in a range extender pilot", 3),
                b("€1,150 per range extender unit, installed", 3),
            ),
        ),
        SlideContent(
            Layout.TWO_COLUMN,
            "What customers told us",
            (
                b("Most customers praised the installers for being polite and tidy", 4),
                b("The parish council offered village halls and churches for the range extenders", 4),
                b("Several customers received four letters and texts before anyone phoned them", 4),
                b("Two were given appointment windows that covered a whole day", 4),
                b("Follow-up calls to priority customers are three weeks behind", 4),
            ),
            column_break=2,
        ),
        SlideContent(
            Layout.QUOTE,
            "The pilot rule",
            (b("Everyone agreed that the pilot rule had prevented a much larger problem.", 5),),
        ),
        SlideContent(Layout.SECTION, "Decisions and actions", ()),
        SlideContent(Layout.TABLE, "The first day's appointments", table=visits),
        SlideContent(Layout.CHART, "Fellside is furthest behind its target", chart=coverage),
        SlideContent(
            Layout.BULLETS,
            "Decisions of the review meeting",
            (
                b("A pilot of 40 range extenders in Fellside in the first quarter of 2026, for 46,000 euros", 6),
                b("Half-day appointment windows and grouped routes for the upland valleys", 6),
                b("A second asbestos contractor, to bring the wait below three weeks", 6),
                b("Two temporary liaison staff to clear the follow-up calls by the end of December", 6),
            ),
        ),
    ]
    return _deck(
        "BrightMeter field notes: Fellside and Harrow Vale",
        "Built from: field-notes.pdf",
        "en",
        content,
        doc,
        "field-notes.pdf",
    )


def strategy() -> Deck:
    """Russian, from samples/src/strategiya-2026.md and otchet-vetroparka.md."""
    doc = "strategy"

    def b(text: str, page: int, level: int = 0) -> Bullet:
        return _b(text, page, doc, level)

    budget = Table(
        ("Статья расходов", "Бюджет", "Прогноз", "Освоено"),
        (
            ("Ветроэнергетические установки", "162,4", "163,1", "119,6"),
            ("Фундаменты и дороги", "38,9", "45,2", "41,7"),
            ("Внутриплощадочные кабельные сети", "14,2", "14,5", "12,9"),
            ("Присоединение к сети", "29,6", "30,4", "29,8"),
            ("Проектирование и управление", "11,3", "12,1", "7,0"),
            ("Резерв на непредвиденные расходы", "11,6", "8,7", "—"),
            ("Итого", "268,0", "274,0", "211,0"),
        ),
        _cite(doc, "Исполнение бюджета проекта (млн евро)", 12, "8.1 Исполнение бюджета"),
    )
    losses = Chart(
        ChartKind.LINE,
        ("2021", "2022", "2023", "2024", "2025"),
        (
            Series("Минуты перерывов на потребителя", (74.1, 70.2, 66.5, 61.8, 52.3)),
            Series("Цель регулятора", (72.0, 70.0, 67.0, 64.0, 60.0)),
        ),
        unit="минут в год на одного потребителя",
        attribution=_cite(doc, "Средняя продолжительность перерывов", 3, "2.1 Операционные результаты"),
    )
    content = [
        SlideContent(Layout.SECTION, "Итоги 2025 года", (Bullet("Надёжность, программы модернизации и финансы"),)),
        SlideContent(
            Layout.BULLETS,
            "Операционные результаты",
            (
                b("Средняя продолжительность перерывов сократилась до 52,3 минуты против 61,8 в 2024 году", 3),
                b("Ураган «Ингрид» в феврале оставил без электричества 186 тысяч потребителей", 3, level=1),
                b("Установлено 612 тысяч интеллектуальных счётчиков, введены накопители на 150 МВт", 3),
                b("В октябре в Келби запущена система управления сетью «Меридиан»", 3),
                b("Сроки поставки силовых трансформаторов выросли примерно до 110 недель", 3),
            ),
        ),
        SlideContent(
            Layout.KEY_FIGURES,
            "Финансовые результаты",
            (
                b("1 284,6 млн евро выручки, на 7,3 процента больше, чем годом ранее", 4),
                b("193,4 млн евро чистой прибыли", 4),
                b("842 млн евро капитальных вложений — рекорд компании", 4),
            ),
        ),
        SlideContent(
            Layout.TWO_COLUMN,
            "Цели на 2026 год",
            (
                b("Снизить среднюю продолжительность перерывов до 49 минут", 5),
                b("Сократить перерывы в районе Феллсайд со 118 до 100 минут", 5),
                b("Повысить оценку удовлетворённости клиентов с 8,1 до 8,3 балла", 5),
                b("Сократить срок подготовки предложения на присоединение с 48 до 35 рабочих дней", 5),
            ),
        ),
        SlideContent(
            Layout.QUOTE,
            "Уроки урагана «Ингрид»",
            (
                b(
                    "Информирование клиентов во время крупных аварий не менее важно, чем скорость "
                    "восстановления электроснабжения.",
                    4,
                ),
            ),
        ),
        SlideContent(Layout.SECTION, "Финансовый план", (Bullet("Инвестиции, финансирование и тарифы"),)),
        SlideContent(Layout.TABLE, "Бюджет «Северного кряжа»", table=budget),
        SlideContent(Layout.CHART, "Перерывы в электроснабжении сокращаются", chart=losses),
        SlideContent(
            Layout.BULLETS,
            "Ключевые риски",
            (
                b("Срыв поставок оборудования: зарезервированы мощности для 38 трансформаторов на пять лет", 9),
                b("Невыполнение инвестиционной программы: число рамочных подрядчиков увеличено с 11 до 17", 9),
                b("Экстремальная погода: резерв мобильных генераторов вырастет с 35 до 50 единиц", 9),
                b("Кибератаки: сегментация сетей, круглосуточный мониторинг и тесты на проникновение", 9),
            ),
        ),
    ]
    return _deck(
        "Стратегия Northwind Grid на 2026 год",
        "Подготовлено по: strategiya-2026.pdf",
        "ru",
        content,
        doc,
        "strategiya-2026.pdf",
    )


DECKS = {"light": annual_report, "dark": field_notes, "corporate": strategy}
assert set(DECKS) == set(THEMES), "every theme has its deck here"


# --- rendering --------------------------------------------------------------------------------------------------


@frozen
class Rendered:
    """A theme's deck as PPTX, PDF and PNG pages (anti-aliased to look at, aliased to measure)."""

    theme: str
    pptx: bytes
    pdf: Path
    pngs: tuple[Path, ...]
    measured: tuple[Path, ...]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, timeout=CONVERSION_TIMEOUT_S, check=False)
    assert done.returncode == 0, f"{command[0]} failed: {done.stderr.decode(errors='replace')[-500:]}"


def _pages(pdf: Path, folder: Path, prefix: str, *options: str) -> tuple[Path, ...]:
    _run(["pdftoppm", "-png", "-r", str(DPI), *options, str(pdf), str(folder / prefix)])
    return tuple(sorted(folder.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])))


def _artefacts(factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("PRESENTAI_TEST_ARTEFACTS")
    folder = Path(given) / "rendered-decks" if given else factory.mktemp("rendered-decks")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, Rendered]:
    """Every theme's deck, converted by one LibreOffice run with a private profile."""
    work = tmp_path_factory.mktemp("soffice")
    artefacts = _artefacts(tmp_path_factory)
    decks = {}
    for theme, build in DECKS.items():
        data = DesignedDeckRenderer(theme, today=lambda: date(2026, 3, 12)).render(build())
        (work / f"{theme}.pptx").write_bytes(data)
        decks[theme] = data
    _run(
        [
            "soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work), *(str(work / f"{t}.pptx") for t in decks),
        ]
    )  # fmt: skip
    result = {}
    for theme, data in decks.items():
        pdf = work / f"{theme}.pdf"
        assert pdf.exists(), f"LibreOffice wrote no PDF for {theme}"
        folder = artefacts / theme
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        shutil.copy(pdf, folder / f"{theme}.pdf")
        (folder / f"{theme}.pptx").write_bytes(data)
        pngs = _pages(pdf, folder, "slide")
        measured = _pages(pdf, work, f"{theme}-aliased", "-aa", "no", "-aaVector", "no")
        result[theme] = Rendered(theme, data, pdf, pngs, measured)
    message = f"rendered decks (PNG, PDF, PPTX per theme) are in {artefacts}"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:  # shown even when pytest captures the output
        with capture.global_and_fixture_disabled():
            print(f"\n{message}")
    else:
        print(message)
    return result


@pytest.fixture(params=sorted(DECKS))
def deck(request: pytest.FixtureRequest, rendered: dict[str, Rendered]) -> Rendered:
    return rendered[request.param]


# --- reading the PPTX and the PDF -------------------------------------------------------------------------------


@frozen
class Box:
    """Where a shape (or a table cell) draws, in PDF points, and the text it holds (``None``: a chart's own)."""

    name: str
    left: float
    top: float
    right: float
    bottom: float
    text: str | None
    body: bool = False  # a bullet placeholder of a content slide
    decoration: bool = False  # drawn by the layout or the master, not by the slide

    def holds(self, word: dict[str, Any], tolerance: float = TOLERANCE_PT) -> bool:
        # A decoration is a single large glyph (the quote layout's quotation mark) whose em box, all the
        # PDF tells of it, is taller than the ink: it is held when it starts inside its box.
        bottom = word["top"] if self.decoration else word["bottom"]
        return (
            word["x0"] >= self.left - tolerance
            and word["x1"] <= self.right + tolerance
            and word["top"] >= self.top - tolerance
            and bottom <= self.bottom + tolerance
        )


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").casefold()


def _boxes(slide: Any, scale: float) -> list[Box]:
    """The boxes of a slide's shapes; a table gives one per cell, as its rows and columns are declared."""
    boxes: list[Box] = []
    layout = slide.slide_layout._element.get("type")

    def pt(emu: int) -> float:
        return Emu(emu).pt * scale

    drawn_by_layout = [
        shape
        for owner in (slide.slide_layout.slide_master, slide.slide_layout)
        for shape in owner.shapes
        if not shape.is_placeholder and shape.has_text_frame and shape.text_frame.text.strip()
    ]  # the quote layout's large quotation mark, say
    for shape in [*drawn_by_layout, *slide.shapes]:
        decoration = shape in drawn_by_layout
        left, top = pt(shape.left), pt(shape.top)
        right, bottom = left + pt(shape.width), top + pt(shape.height)
        if shape.has_table:
            y = top
            for r, row in enumerate(shape.table.rows):
                x = left
                for c, column in enumerate(shape.table.columns):
                    cell = shape.table.cell(r, c)
                    boxes.append(
                        Box(
                            f"{shape.name} r{r}c{c}", x, y, x + pt(column.width), y + pt(row.height), _normal(cell.text)
                        )
                    )
                    x += pt(column.width)
                y += pt(row.height)
        elif shape.has_chart:
            boxes.append(Box(shape.name, left, top, right, bottom, None))
        elif shape.has_text_frame:
            body = (
                layout in _BODY_LAYOUTS
                and shape.is_placeholder
                and shape.placeholder_format.type in (PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.BODY)
            )
            text = _normal(shape.text_frame.text)
            boxes.append(Box(shape.name, left, top, right, bottom, text, body=body, decoration=decoration))
    return boxes


_MARKERS = re.compile(r"^(?:[•▪–—·◦○■□►▸-]|\d{1,2}[.)])$")  # bullet and numbering glyphs: not in a shape's text


def _owners(word: dict[str, Any], boxes: list[Box]) -> list[Box]:
    """The boxes that may hold ``word``: those whose text has it (a bullet glyph: the bodies), or else every box."""
    text = _normal(word["text"])
    if _MARKERS.match(text):
        return [b for b in boxes if b.text is not None and b.text.strip()]
    owners = [b for b in boxes if b.text is not None and text in b.text]
    charts = [b for b in boxes if b.text is None]  # a chart draws its labels, axes and legend anywhere in its frame
    return owners + charts if owners else charts or boxes


def _words(page: Any) -> list[dict[str, Any]]:
    return list(page.extract_words(extra_attrs=["size"], use_text_flow=False, keep_blank_chars=False))


@frozen
class Page:
    """One slide as the PPTX declares it and as the PDF draws it."""

    number: int
    layout: str
    boxes: tuple[Box, ...]
    words: tuple[dict[str, Any], ...]
    width: float
    height: float


def pages_of(deck: Rendered) -> Iterator[Page]:
    prs = pptx.Presentation(io.BytesIO(deck.pptx))
    with pdfplumber.open(deck.pdf) as pdf:
        assert len(pdf.pages) == len(prs.slides), "LibreOffice drew every slide"
        for number, (slide, page) in enumerate(zip(prs.slides, pdf.pages, strict=True), start=1):
            scale = float(page.width) / Emu(prs.slide_width).pt
            assert float(page.height) == pytest.approx(Emu(prs.slide_height).pt * scale, abs=0.5)
            yield Page(
                number,
                slide.slide_layout._element.get("type"),
                tuple(_boxes(slide, scale)),
                tuple(_words(page)),
                float(page.width),
                float(page.height),
            )


def _where(word: dict[str, Any]) -> str:
    return f"{word['text']!r} at ({word['x0']:.0f}, {word['top']:.0f})–({word['x1']:.0f}, {word['bottom']:.0f})"


def misplaced_words(deck: Rendered) -> list[str]:
    """Every word that stands outside the slide, or outside every box whose text holds it."""
    problems = []
    for page in pages_of(deck):
        for word in page.words:
            if (
                word["x0"] < -TOLERANCE_PT
                or word["top"] < -TOLERANCE_PT
                or word["x1"] > page.width + TOLERANCE_PT
                or word["bottom"] > page.height + TOLERANCE_PT
            ):
                problems.append(f"slide {page.number}: {_where(word)} is off the slide")
                continue
            owners = _owners(word, list(page.boxes))
            if not any(box.holds(word) for box in owners):
                names = ", ".join(sorted({b.name for b in owners}))[:120]
                problems.append(f"slide {page.number}: {_where(word)} is outside its box ({names})")
    return problems


# --- measuring contrast on the pixels ---------------------------------------------------------------------------


def _hex(colour: np.ndarray) -> str:
    return "".join(f"{int(v):02X}" for v in colour[:3])


def word_contrast(pixels: np.ndarray, word: dict[str, Any]) -> tuple[float, str, str] | None:
    """The contrast of a word's glyphs against what surrounds it, with both colours; ``None`` if no glyph shows."""
    k = DPI / 72
    height, width = pixels.shape[:2]
    x0, y0 = max(0, int(word["x0"] * k)), max(0, int(word["top"] * k))
    x1, y1 = min(width, int(np.ceil(word["x1"] * k))), min(height, int(np.ceil(word["bottom"] * k)))
    if x1 <= x0 or y1 <= y0:
        return None
    box = pixels[y0:y1, x0:x1].reshape(-1, 3)
    ox0, oy0, ox1, oy1 = max(0, x0 - 3), max(0, y0 - 3), min(width, x1 + 3), min(height, y1 + 3)
    ring_mask = np.ones((oy1 - oy0, ox1 - ox0), dtype=bool)
    ring_mask[max(0, y0 - 1 - oy0) : y1 + 1 - oy0, max(0, x0 - 1 - ox0) : x1 + 1 - ox0] = False
    ring = pixels[oy0:oy1, ox0:ox1][ring_mask]
    if not len(ring):
        return None
    background = np.median(ring, axis=0)
    distance = np.sqrt(((box.astype(float) - background) ** 2).sum(axis=1))
    ink = box[distance > 60]
    if not len(ink):
        return None
    colour, _ = Counter(map(tuple, ink)).most_common(1)[0]
    text, ground = _hex(np.array(colour)), _hex(background)
    return contrast_ratio(text, ground), text, ground


def contrasts(deck: Rendered) -> list[tuple[float, int, str, str, str]]:
    """(contrast, slide, word, text colour, background) for every word whose glyphs show at the PNG's resolution."""
    found = []
    for page, image in zip(pages_of(deck), deck.measured, strict=True):
        with Image.open(image) as opened:
            pixels = np.asarray(opened.convert("RGB"))
        for word in page.words:
            measured = word_contrast(pixels, word)
            if measured is not None:
                found.append((measured[0], page.number, word["text"], measured[1], measured[2]))
    return found


# --- the tests --------------------------------------------------------------------------------------------------


def test_every_deck_shows_every_layout_kind_on_a_dozen_slides_or_so(deck: Rendered) -> None:
    built = DECKS[deck.theme]()
    assert {s.layout for s in built.slides} == set(Layout)
    assert 11 <= len(deck.pngs) <= 16
    for png in deck.pngs:
        with Image.open(png) as image:
            assert image.size == (round(13.333 * DPI), round(7.5 * DPI))


def test_no_text_falls_outside_the_slide_or_its_box(deck: Rendered) -> None:
    problems = misplaced_words(deck)
    assert problems == [], f"{deck.theme}: {len(problems)} words out of place:\n" + "\n".join(problems)


def test_every_word_has_a_contrast_of_at_least_4_5_to_1_on_the_pixels(deck: Rendered) -> None:
    measured = contrasts(deck)
    words = sum(len(page.words) for page in pages_of(deck))
    assert len(measured) >= 0.9 * words, "nearly every word's glyphs show at this resolution"
    low = sorted(m for m in measured if m[0] < MIN_CONTRAST)
    assert low == [], f"{deck.theme}: {len(low)} words below {MIN_CONTRAST}:1, e.g. " + "; ".join(
        f"slide {s}: {w!r} #{t} on #{g} is {c:.2f}:1" for c, s, w, t, g in low[:12]
    )


def test_no_placeholder_is_left_empty_and_no_prompt_is_drawn(deck: Rendered) -> None:
    prs = pptx.Presentation(io.BytesIO(deck.pptx))
    for number, slide in enumerate(prs.slides, start=1):
        for ph in slide.placeholders:
            assert ph.has_text_frame, f"slide {number}: {ph.name} is a placeholder with no text (a picture, a table)"
            assert ph.text_frame.text.strip(), f"slide {number}: {ph.name} is empty"
    with pdfplumber.open(deck.pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            assert not _PROMPTS.search(text), f"slide {number} shows a placeholder prompt: {text[:200]!r}"


def test_the_body_text_has_one_size_on_every_content_slide(deck: Rendered) -> None:
    body = THEMES[deck.theme].scale.body
    prs = pptx.Presentation(io.BytesIO(deck.pptx))
    declared: dict[int, set[float]] = {}
    for number, slide in enumerate(prs.slides, start=1):
        if slide.slide_layout._element.get("type") not in _BODY_LAYOUTS:
            continue
        for ph in slide.placeholders:
            if ph.placeholder_format.type in (PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.BODY):
                for paragraph in ph.text_frame.paragraphs:
                    sizes = {run.font.size.pt for run in paragraph.runs}
                    assert sizes == {body - 2 * paragraph.level}, f"slide {number}: {paragraph.text[:40]!r}"
                    declared.setdefault(number, set()).update(sizes)
    assert len(declared) >= 4
    assert all(body in sizes for sizes in declared.values())
    assert body >= 18

    drawn: dict[float, list[float]] = {}
    for page in pages_of(deck):
        if page.layout not in _BODY_LAYOUTS:
            continue
        bodies = [box for box in page.boxes if box.body]
        words = [w for w in page.words if any(box.holds(w) for box in bodies) and not _MARKERS.match(w["text"])]
        sizes = {round(w["size"], 1) for w in words}
        assert sizes <= {float(body), float(body - 2)}, f"slide {page.number}: body words at {sorted(sizes)} pt"
        assert float(body) in sizes, f"slide {page.number} has no body text at {body} pt"
        for w in words:
            drawn.setdefault(round(w["size"], 1), []).append(w["bottom"] - w["top"])
    for size, heights in drawn.items():
        assert max(heights) - min(heights) <= 0.5, (
            f"words at {size} pt are drawn {min(heights):.1f}–{max(heights):.1f} pt tall"
        )


def test_a_table_of_five_rows_and_six_columns_takes_one_slide_and_a_long_one_shares_its_rows_evenly() -> None:
    theme = THEMES["light"]
    tables = [s for s in annual_report().slides if s.layout is Layout.TABLE]
    drawn = [[p for p in pieces(s, theme, "en") if p.mode is Mode.TABLE] for s in tables]
    assert [len(d) for d in drawn] == [1, 2]
    assert [len(p.table.rows) for p in drawn[1] if p.table is not None] == [5, 5]


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_an_agenda_of_twelve_items_with_long_titles_on_one_side_takes_one_slide_in_order(theme: str) -> None:
    titles = [
        "About this report", "Smart meter rollout", "Battery storage", "Financial summary", "Principal risks",
        "Board and committees", "Northern Ridge wind programme", "Digital grid and the Meridian control system",
        "Flexibility services and low-carbon technologies", "Day one: communications coverage",
        "Review meeting and decisions", "Outlook for 2026",
    ]  # fmt: skip
    agenda = SlideContent(Layout.AGENDA, "Agenda", tuple(Bullet(t) for t in titles))
    (drawn,) = pieces(agenda, THEMES[theme], "en")
    assert drawn.mode is Mode.COLUMNS
    assert [b.text for b in drawn.left + drawn.right] == titles  # read down the first column, then the second
    assert drawn.left
    assert drawn.right
