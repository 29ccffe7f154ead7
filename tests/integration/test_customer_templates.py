"""Decks drawn on five real public corporate templates (tests/templates/manifest.json), in English and Russian.

Each template's deck holds every layout kind. The PPTX is checked for what a
customer would see first: the template's theme (fonts, colours) untouched and
no run overriding it, no empty placeholder or prompt left on any slide, every
title written and inside the slide, one body size on every text slide, the
slide size kept, native tables and charts. Then LibreOffice draws it: every word
of the PDF lies on its page, and the PNGs of each deck are kept in
``$PRESENTAI_TEST_ARTEFACTS`` (by default the test's temporary folder) for a
person to look at.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, cast

import pdfplumber
import pptx
import pytest
from attrs import evolve
from lxml import etree
from PIL import Image
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from presentai.adapters.pptx.layout_roles import roles
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.domain.deck import Deck, label
from presentai.domain.slides import Bullet, Layout
from tests.pptx_checks import overflowing_text
from tests.pptx_showcase import english_deck, russian_deck

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
MANIFEST = json.loads((TEMPLATES / "manifest.json").read_text(encoding="utf-8"))["templates"]
NAMES = [entry["file"] for entry in MANIFEST]
DECKS = {"en": english_deck, "ru": russian_deck}
CASES = [(name, language) for name in NAMES for language in DECKS]
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)
_TEXT_LAYOUTS = (Layout.BULLETS, Layout.AGENDA, Layout.SOURCES, Layout.TWO_COLUMN)
_OVERRIDES = ("latin", "ea", "cs", "sym", "solidFill", "gradFill", "pattFill", "blipFill", "highlight")
_PROMPTS = re.compile(
    r"click (icon )?to (add|edit)|double.click|klikněte|щ[её]лкните|нажмите,? чтобы|образец (заголовка|текста)",
    re.IGNORECASE,
)
TOLERANCE_PT = 1.5
SHARP_DPI = 100
MIN_TITLE_CONTRAST = 3.0  # WCAG AA for large text: a title that cannot be seen fails
CONVERSION_TIMEOUT_S = 300


def template(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def deck(language: str) -> Deck:
    return DECKS[language]()


@functools.cache
def rendered(name: str, language: str) -> bytes:
    return PptxDeckRenderer().render(deck(language), template(name))


def opened(name: str, language: str) -> pptx.presentation.Presentation:
    return pptx.Presentation(io.BytesIO(rendered(name, language)))


def _parts(data: bytes, pattern: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n) for n in package.namelist() if re.fullmatch(pattern, n)}


def _slide_size(data: bytes) -> tuple[int, int]:
    size = etree.fromstring(_parts(data, r"ppt/presentation\.xml")["ppt/presentation.xml"]).find("p:sldSz", NS)
    assert size is not None
    return int(size.get("cx", "0")), int(size.get("cy", "0"))


def _text_slide_titles(language: str) -> set[str]:
    """The titles of the deck's slides that are set in body text, with their continuations' titles."""
    titles = {s.title for s in deck(language).slides if s.layout in _TEXT_LAYOUTS}
    return titles | {f"{t} ({label(language, 'continued')})" for t in titles}


def test_the_manifest_names_a_source_and_a_licence_file_for_every_template() -> None:
    assert len({entry["maker"] for entry in MANIFEST}) >= 5
    for entry in MANIFEST:
        assert (TEMPLATES / entry["file"]).stat().st_size < 3 * 2**20
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), entry["file"]
        assert entry["repo"]
        assert entry["path"]
        assert entry["licence"]
        for licence in entry["licence_files"]:
            assert (TEMPLATES / licence).is_file(), licence
    sizes = [_slide_size(template(entry["file"])) for entry in MANIFEST]
    assert any(round(w / h, 2) == round(4 / 3, 2) for w, h in sizes)
    assert any(round(w / h, 2) == round(16 / 9, 2) for w, h in sizes)


@pytest.mark.parametrize(("name", "language"), CASES)
def test_the_deck_keeps_the_templates_slide_size_and_theme(name: str, language: str) -> None:
    data = rendered(name, language)
    assert _slide_size(data) == _slide_size(template(name))
    originals = _parts(template(name), r"ppt/theme/theme\d+\.xml")
    for master in opened(name, language).slide_masters:
        theme = master.part.part_related_by(RT.THEME)
        assert theme.blob == originals[theme.partname.lstrip("/")], f"{theme.partname}: fonts and colours changed"


@pytest.mark.parametrize(("name", "language"), CASES)
def test_no_run_on_any_slide_overrides_the_templates_fonts_or_colours(name: str, language: str) -> None:
    for part, blob in _parts(rendered(name, language), r"ppt/slides/slide\d+\.xml").items():
        for properties in etree.fromstring(blob).iterfind(".//a:rPr", NS):
            overrides = [etree.QName(child).localname for child in properties]
            assert not set(overrides) & set(_OVERRIDES), f"{part}: a run sets {overrides}"


@pytest.mark.parametrize(("name", "language"), CASES)
def test_no_placeholder_is_left_empty_and_no_prompt_shows(name: str, language: str) -> None:
    prs = opened(name, language)
    prompts = {
        ph.text_frame.text.strip()
        for master in prs.slide_masters
        for layout in master.slide_layouts
        for ph in cast(Any, layout).placeholders
        if ph.has_text_frame and ph.text_frame.text.strip()
    }
    for number, slide in enumerate(prs.slides, start=1):
        for ph in slide.placeholders:
            if ph._element.tag == f"{{{NS['p']}}}sp":  # a filled picture or table placeholder is not an sp
                text = ph.text_frame.text.strip()
                assert text, f"slide {number}: placeholder {ph.name} is empty"
                assert text not in prompts, f"slide {number}: {ph.name} shows the layout's prompt {text!r}"
                assert not _PROMPTS.search(text), f"slide {number}: {ph.name} shows a prompt: {text!r}"


@pytest.mark.parametrize(("name", "language"), CASES)
def test_every_slide_has_its_title_written_inside_the_slide(name: str, language: str) -> None:
    prs = opened(name, language)
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, start=1):
        titles = [ph for ph in slide.placeholders if ph.placeholder_format.type in _TITLES]
        assert titles, f"slide {number} has no title placeholder"
        assert titles[0].text_frame.text.strip(), f"slide {number}'s title is empty"
        for shape in slide.shapes:
            assert shape.left >= 0, f"slide {number}: {shape.name} starts left of the slide"
            assert shape.top >= 0, f"slide {number}: {shape.name} starts above the slide"
            assert shape.left + shape.width <= width, f"slide {number}: {shape.name} runs off the right"
            assert shape.top + shape.height <= height, f"slide {number}: {shape.name} runs off the bottom"


@pytest.mark.parametrize(("name", "language"), CASES)
def test_text_stays_inside_its_placeholders(name: str, language: str) -> None:
    assert overflowing_text(rendered(name, language)) == []


@pytest.mark.parametrize(("name", "language"), CASES)
def test_every_text_slide_has_the_same_body_size_of_at_least_18_pt(name: str, language: str) -> None:
    prs = opened(name, language)
    titles = _text_slide_titles(language)
    sizes: dict[float, list[int]] = {}
    for number, slide in enumerate(prs.slides, start=1):
        title = next(ph for ph in slide.placeholders if ph.placeholder_format.type in _TITLES)
        if title.text_frame.text not in titles:
            continue
        for ph in slide.placeholders:
            if ph.placeholder_format.type in (*_TITLES, *_FOOTERS) or not ph.has_text_frame:
                continue
            for paragraph in ph.text_frame.paragraphs:
                if paragraph.level == 0 and paragraph.runs:
                    sizes.setdefault(paragraph.runs[0].font.size.pt, []).append(number)
    assert len(sizes) == 1, f"body sizes differ between slides: {sizes}"
    assert min(sizes) >= 18


@pytest.mark.parametrize("name", NAMES)
def test_tables_and_charts_are_native_and_every_layout_kind_is_drawn(name: str) -> None:
    prs = opened(name, "en")
    frames = [shape for slide in prs.slides for shape in slide.shapes if shape.has_table or shape.has_chart]
    assert any(shape.has_table for shape in frames)
    assert sum(1 for shape in frames if shape.has_chart) == 3
    layouts = {slide.slide_layout.name for slide in prs.slides}
    assert len(layouts) >= 3, f"the deck used only {layouts}"


@pytest.mark.parametrize("name", NAMES)
def test_slides_after_the_cover_are_numbered_where_the_layout_has_a_number(name: str) -> None:
    prs = opened(name, "en")
    for number, slide in enumerate(prs.slides, start=1):
        numbered = [
            ph for ph in slide.slide_layout.placeholders if ph.placeholder_format.type is PP_PLACEHOLDER.SLIDE_NUMBER
        ]
        fields = slide._element.xpath(".//a:fld[@type='slidenum']/a:t/text()")
        if number == 1 or not numbered:
            assert not fields
        else:
            assert fields == [str(number)], f"slide {number} of {name} is numbered {fields}"


@pytest.mark.parametrize("name", NAMES)
def test_a_template_is_read_the_same_way_twice(name: str) -> None:
    first = opened(name, "ru")
    second = pptx.Presentation(io.BytesIO(PptxDeckRenderer().render(deck("ru"), template(name))))
    assert [s.slide_layout.name for s in first.slides] == [s.slide_layout.name for s in second.slides]


def _slide_texts(prs: pptx.presentation.Presentation) -> list[str]:
    return ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in prs.slides]


@pytest.mark.parametrize("name", NAMES)
def test_a_date_placeholder_shows_the_decks_date_or_is_left_out(name: str) -> None:
    data = PptxDeckRenderer(today=lambda: date(2026, 3, 9)).render(deck("en"), template(name))
    prs = pptx.Presentation(io.BytesIO(data))
    shown = []
    for slide in prs.slides:
        dates = [ph.text_frame.text for ph in slide.placeholders if ph.placeholder_format.type is PP_PLACEHOLDER.DATE]
        assert set(dates) <= {"9 March 2026"}, f"{name}: a date placeholder shows {dates}"
        shown.append(bool(dates))
    if name in ("forlegalai-czech-16x9.pptx", "onlyoffice-sample-4x3.pptx"):  # dated layouts with room for it
        assert all(shown[1:])


@pytest.mark.parametrize("name", NAMES)
def test_the_covers_subtitle_and_a_dividers_bullets_are_on_the_slides_whatever_the_layouts_hold(name: str) -> None:
    english = deck("en")
    texts = "\n".join(_slide_texts(opened(name, "en")))
    cover = english.slides[0]
    assert cover.notes
    assert cover.notes in texts  # the cover's subtitle
    for section in (s for s in english.slides if s.layout is Layout.SECTION):
        assert all(b.text in texts for b in section.bullets), f"{name}: {section.title}'s bullets are lost"


@pytest.mark.parametrize("name", NAMES)
def test_an_agenda_of_twelve_items_takes_one_slide(name: str) -> None:
    english = deck("en")
    items = tuple(
        Bullet(f"Part {n}: {topic}")
        for n, topic in enumerate(
            (
                "Reliability",
                "Customers",
                "Finance",
                "Investment",
                "Wind capacity",
                "Storage",
                "Safety",
                "People",
                "Risk",
                "Outlook",
                "Targets",
                "Methods",
            ),
            1,
        )
    )
    slides = tuple(evolve(s, bullets=items) if s.layout is Layout.AGENDA else s for s in english.slides[:3])
    prs = pptx.Presentation(io.BytesIO(PptxDeckRenderer().render(evolve(english, slides=slides), template(name))))
    holding = [i for i, text in enumerate(_slide_texts(prs)) if any(b.text in text for b in items)]
    assert len(holding) == 1, f"{name}: the agenda is on slides {holding}"
    assert all(b.text in _slide_texts(prs)[holding[0]] for b in items)


def test_without_a_two_content_layout_two_columns_split_the_body_box() -> None:
    prs = pptx.Presentation(io.BytesIO(template("forlegalai-czech-16x9.pptx")))
    for layout in list(prs.slide_layouts):
        if roles(layout).pair() is not None:
            prs.slide_layouts.remove(layout)
    out = io.BytesIO()
    prs.save(out)
    english = deck("en")
    columns = [s for s in english.slides if s.layout is Layout.TWO_COLUMN]
    data = PptxDeckRenderer().render(evolve(english, slides=(english.slides[0], *columns)), out.getvalue())
    drawn = pptx.Presentation(io.BytesIO(data))
    slide = drawn.slides[1]
    bodies = sorted(
        (ph for ph in slide.placeholders if ph.placeholder_format.type not in (*_TITLES, *_FOOTERS)),
        key=lambda ph: ph.left,
    )
    assert len(bodies) == 2
    left, right = bodies
    assert left.left + left.width < right.left
    assert left.top == right.top
    assert left.text_frame.paragraphs[0].text == columns[0].columns[0][0].text
    assert right.text_frame.paragraphs[0].text == columns[0].columns[1][0].text
    assert overflowing_text(data) == []


# --- drawn by LibreOffice -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PRESENTAI_TEST_ARTEFACTS")
    path = Path(folder) / "customer-templates" if folder else tmp_path_factory.mktemp("customer-templates")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None, reason="needs LibreOffice")
@pytest.mark.parametrize(("name", "language"), CASES)
def test_libreoffice_draws_every_word_on_its_page(name: str, language: str, artefacts: Path) -> None:
    stem = f"{Path(name).stem}-{language}"
    folder = artefacts / stem
    folder.mkdir(exist_ok=True)
    source = folder / f"{stem}.pptx"
    source.write_bytes(rendered(name, language))
    profile = folder / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=CONVERSION_TIMEOUT_S,
    )
    pdf = folder / f"{stem}.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(folder / stem)], check=True, timeout=120)
    sharp = folder / "sharp"
    sharp.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(SHARP_DPI), "-aa", "no", "-aaVector", "no", str(pdf), str(sharp / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(sharp.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    slides = list(opened(name, language).slides)
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == len(slides)
        for number, page in enumerate(document.pages, start=1):
            ratio = _title_contrast(page, slides[number - 1], Image.open(pages[number - 1]).convert("RGB"))
            assert ratio >= MIN_TITLE_CONTRAST, f"{stem} page {number}: the title stands out only {ratio:.1f}:1"
            for word in page.extract_words():
                inside = (
                    word["x0"] >= -TOLERANCE_PT
                    and word["top"] >= -TOLERANCE_PT
                    and word["x1"] <= page.width + TOLERANCE_PT
                    and word["bottom"] <= page.height + TOLERANCE_PT
                )
                assert inside, f"{stem} page {number}: {word['text']!r} is drawn off the page"
            assert not _PROMPTS.search(page.extract_text() or ""), f"{stem} page {number} shows a prompt"


def _luminance(colour: tuple[int, ...]) -> float:
    channels = [c / 255 for c in colour[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _title_contrast(page: Any, slide: Any, image: Image.Image) -> float:
    """The lowest contrast of the title's words on the page as drawn without anti-aliasing.

    For each word inside the title placeholder, the background is the median colour of a ring of pixels
    one to three pixels outside the word's box, the text colour the most frequent colour among the box's
    pixels that differ clearly from it.
    """
    title = next(ph for ph in slide.placeholders if ph.placeholder_format.type in _TITLES)
    left, top = title.left / 12700, title.top / 12700
    right, bottom = left + title.width / 12700, top + title.height / 12700
    scale = image.width / float(page.width)
    pixels = image.load()
    ratios = []
    for word in page.extract_words():
        middle_x, middle_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        if not (left <= middle_x <= right and top <= middle_y <= bottom):
            continue
        x0, y0 = int(word["x0"] * scale), int(word["top"] * scale)
        x1, y1 = int(word["x1"] * scale) + 1, int(word["bottom"] * scale) + 1
        ring = [
            pixels[x, y]
            for x in range(max(0, x0 - 3), min(image.width, x1 + 3))
            for y in range(max(0, y0 - 3), min(image.height, y1 + 3))
            if not (x0 - 1 <= x < x1 + 1 and y0 - 1 <= y < y1 + 1)
        ]
        if not ring:
            continue
        background = tuple(sorted(channel)[len(channel) // 2] for channel in zip(*ring, strict=True))
        ink = [
            pixels[x, y]
            for x in range(x0, min(image.width, x1))
            for y in range(y0, min(image.height, y1))
            if sum(abs(a - b) for a, b in zip(pixels[x, y], background, strict=True)) > 90
        ]
        if ink:
            colour = max(set(ink), key=ink.count)
            ratios.append(_ratio(colour, background))
    assert ratios, "no word of the title was found on the page"
    return min(ratios)
