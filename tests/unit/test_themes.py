"""The designed renderer: every theme draws every layout, legibly, with nothing left empty or shrunk."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pptx
import pytest
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.masters import master_bytes
from presentai.adapters.pptx.themes import THEMES, contrast_ratio, text_pairs
from presentai.domain.deck import Deck
from presentai.domain.errors import RenderError
from presentai.domain.slides import Bullet, Layout, SlideContent
from tests.pptx_checks import overflowing_text
from tests.pptx_showcase import english_deck, russian_deck

LONG = "The Stonebridge battery will have a power rating of 75 megawatts and a storage capacity of 300 megawatt-hours"
_THEMES = sorted(THEMES)


def render(theme: str, deck: Deck) -> pptx.presentation.Presentation:
    data = DesignedDeckRenderer(theme, today=lambda: date(2026, 3, 12)).render(deck)
    return pptx.Presentation(io.BytesIO(data))


@pytest.fixture(scope="module", params=[(t, lang) for t in _THEMES for lang in ("en", "ru")], ids=str)
def showcase(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    theme, language = request.param
    deck = english_deck() if language == "en" else russian_deck()
    return theme, DesignedDeckRenderer(theme, today=lambda: date(2026, 3, 12)).render(deck)


def opened(data: bytes) -> pptx.presentation.Presentation:
    return pptx.Presentation(io.BytesIO(data))


def test_every_theme_has_its_own_master_with_the_layouts_it_draws_on() -> None:
    for name, theme in THEMES.items():
        prs = opened(master_bytes(theme))
        kinds = {layout._element.get("type") for layout in prs.slide_layouts}
        assert kinds == {"title", "obj", "secHead", "twoObj", "titleOnly", "blank", "cust"}
        assert len(prs.slides) == 0
        theme_xml = zipfile.ZipFile(io.BytesIO(master_bytes(theme))).read("ppt/theme/theme1.xml").decode()
        assert f'<a:srgbClr val="{theme.palette.accent}"/>' in theme_xml, name
        assert f'typeface="{theme.body_font}"' in theme_xml
        assert round(prs.slide_width / prs.slide_height, 2) == round(16 / 9, 2)


def test_every_layout_is_drawn_on_a_layout_of_its_own_kind(showcase: tuple[str, bytes]) -> None:
    _, data = showcase
    used = {slide.slide_layout._element.get("type") for slide in opened(data).slides}
    assert used == {"title", "obj", "secHead", "twoObj", "titleOnly", "cust"}


def test_no_placeholder_is_left_empty_to_show_its_prompt(showcase: tuple[str, bytes]) -> None:
    _, data = showcase
    for number, slide in enumerate(opened(data).slides, start=1):
        for ph in slide.placeholders:
            assert ph.has_text_frame, f"slide {number}: {ph.name}"
            assert ph.text_frame.text.strip(), f"slide {number}: empty {ph.name}"


def test_text_stays_inside_its_box(showcase: tuple[str, bytes]) -> None:
    _, data = showcase
    assert overflowing_text(data) == []


def test_every_bullet_of_a_deck_has_one_body_size_of_at_least_18_pt(showcase: tuple[str, bytes]) -> None:
    theme, data = showcase
    sizes = set()
    for slide in opened(data).slides:
        if slide.slide_layout._element.get("type") not in {"obj", "twoObj"}:
            continue
        for ph in slide.placeholders:
            if ph.placeholder_format.type in (PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.BODY):
                sizes |= {r.font.size.pt for p in ph.text_frame.paragraphs if p.level == 0 for r in p.runs}
    assert sizes == {THEMES[theme].scale.body}
    assert THEMES[theme].scale.body >= 18


def test_no_text_is_smaller_than_the_footers(showcase: tuple[str, bytes]) -> None:
    theme, data = showcase
    smallest = min(
        run.font.size.pt
        for slide in opened(data).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    )
    assert smallest >= THEMES[theme].scale.footer >= 12


def test_every_slide_but_the_cover_has_its_number_and_the_deck_title_in_the_footer(
    showcase: tuple[str, bytes],
) -> None:
    _, data = showcase
    prs = opened(data)
    title = prs.slides[0].shapes.title.text
    for number, slide in enumerate(prs.slides, start=1):
        kinds = {ph.placeholder_format.type: ph for ph in slide.placeholders}
        if number == 1:
            assert PP_PLACEHOLDER.SLIDE_NUMBER not in kinds
            continue
        field = kinds[PP_PLACEHOLDER.SLIDE_NUMBER]._element.find(".//" + qn("a:fld"))
        assert field is not None
        assert field.get("type") == "slidenum"
        assert field.findtext(qn("a:t")) == str(number)
        assert kinds[PP_PLACEHOLDER.FOOTER].text_frame.text == title
        assert re.fullmatch(r"12 (March|марта) 2026", kinds[PP_PLACEHOLDER.DATE].text_frame.text)


@pytest.mark.parametrize("theme", _THEMES)
def test_every_text_colour_of_a_theme_meets_wcag_aa_contrast(theme: str) -> None:
    for role, (text, background) in text_pairs(THEMES[theme]).items():
        assert contrast_ratio(text, background) >= 4.5, f"{theme}: {role}"


def test_contrast_is_measured_as_wcag_defines_it() -> None:
    assert contrast_ratio("000000", "FFFFFF") == pytest.approx(21)
    assert contrast_ratio("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_a_chart_is_a_native_chart_with_its_data_and_its_source(showcase: tuple[str, bytes]) -> None:
    _, data = showcase
    charts = [shape for slide in opened(data).slides for shape in slide.shapes if shape.has_chart]
    assert charts
    assert all(chart.chart.plots[0].categories for chart in charts)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(re.fullmatch(r"ppt/charts/chart\d+\.xml", n) for n in names)
    assert any(n.startswith("ppt/embeddings/") and n.endswith(".xlsx") for n in names)  # editable data
    for slide in opened(data).slides:
        if any(shape.has_chart for shape in slide.shapes):
            assert any(
                shape.has_text_frame and ":" in shape.text_frame.text and "pdf" in shape.text_frame.text
                for shape in slide.shapes
            )


def test_a_table_is_a_native_table_with_its_header_on_every_slide_and_its_source(
    showcase: tuple[str, bytes],
) -> None:
    _, data = showcase
    prs = opened(data)
    tables = [(slide, shape) for slide in prs.slides for shape in slide.shapes if shape.has_table]
    assert tables
    for slide, shape in tables:
        assert shape._element.tag == qn("p:graphicFrame")
        header = [cell.text for cell in shape.table.rows[0].cells]
        assert header[0] in {"Item", "Статья"}
        assert any(shape.has_text_frame and ".pdf, " in shape.text_frame.text for shape in slide.shapes)


def test_a_long_table_goes_on_over_slides_without_losing_a_row() -> None:
    deck = english_deck()
    prs = render("light", deck)
    rows = [
        row.cells[0].text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_table
        for row in list(shape.table.rows)[1:]
    ]
    table = next(s.table for s in deck.slides if s.table is not None)
    assert rows == [row[0] for row in table.rows]


def test_a_crowded_slide_is_continued_at_the_same_size_and_its_notes_are_written_once() -> None:
    notes = "Speaker note that must appear once."
    crowded = SlideContent(Layout.BULLETS, "Crowded", tuple(Bullet(f"{LONG} ({j})") for j in range(20)), notes=notes)
    prs = render("dark", Deck("Deck", "", "en", (crowded,), {}))
    assert len(prs.slides) > 2
    sizes = {
        r.font.size.pt
        for s in prs.slides
        for ph in s.placeholders
        if ph.placeholder_format.idx == 1
        for p in ph.text_frame.paragraphs
        for r in p.runs
    }
    assert sizes == {THEMES["dark"].scale.body}
    written = [s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide]
    assert sum(text.count(notes) for text in written) == 1


def test_two_columns_split_where_the_slide_says() -> None:
    bullets = tuple(Bullet(f"Point {i}") for i in range(5))
    slide = SlideContent(Layout.TWO_COLUMN, "Before and after", bullets, column_break=1)
    prs = render("light", Deck("Deck", "", "en", (slide,), {}))
    left, right = sorted(
        (ph for ph in prs.slides[0].placeholders if ph.placeholder_format.idx in (1, 2)),
        key=lambda ph: ph.placeholder_format.idx,
    )
    assert [p.text for p in left.text_frame.paragraphs] == ["Point 0"]
    assert [p.text for p in right.text_frame.paragraphs] == ["Point 1", "Point 2", "Point 3", "Point 4"]


def test_key_figures_show_each_figure_large_over_what_is_said_of_it() -> None:
    slide = SlideContent(
        Layout.KEY_FIGURES,
        "Key figures",
        (Bullet("842.0 million euros invested in the network"), Bullet("Interruptions fell to 0.71 per customer")),
    )
    prs = render("corporate", Deck("Deck", "", "en", (slide,), {}))
    texts = {shape.text_frame.text: shape for shape in prs.slides[0].shapes if shape.has_text_frame}
    assert {"842.0 million euros", "invested in the network", "0.71"} <= texts.keys()
    assert "Interruptions fell to 0.71 per customer" in texts
    figure = texts["842.0 million euros"].text_frame.paragraphs[0].runs[0].font
    assert str(figure.color.rgb) == THEMES["corporate"].palette.accent
    assert figure.size.pt >= 1.5 * THEMES["corporate"].scale.body


def test_a_quote_is_set_large_with_its_source_and_two_sentences_are_bullets() -> None:
    deck = english_deck()
    quote = next(s for s in deck.slides if s.layout is Layout.QUOTE)
    prs = render(
        "light", Deck("Deck", "", "en", (quote, SlideContent(Layout.QUOTE, "Two", quote.bullets * 2)), deck.sources)
    )
    first, second = prs.slides
    assert first.slide_layout._element.get("type") == "cust"
    texts = [ph.text_frame.text for ph in first.placeholders]
    assert "— annual-report-2025.pdf, p. 3" in texts
    assert second.slide_layout._element.get("type") == "obj"


def test_data_a_layout_cannot_be_drawn_with_falls_back_to_bullets() -> None:
    slides = (SlideContent(Layout.TABLE, "No table", (Bullet("Only words"),)),)
    prs = render("light", Deck("Deck", "", "en", slides, {}))
    assert [
        p.text for ph in prs.slides[0].placeholders if ph.placeholder_format.idx == 1 for p in ph.text_frame.paragraphs
    ] == ["Only words"]


def test_an_unknown_theme_is_a_render_error_naming_the_themes() -> None:
    with pytest.raises(RenderError, match="corporate, dark, light"):
        DesignedDeckRenderer("neon")


def test_a_customer_template_is_drawn_by_the_template_renderer() -> None:
    from pptx.util import Inches

    template = pptx.Presentation()
    template.slide_width = Inches(10)
    out = io.BytesIO()
    template.save(out)
    data = DesignedDeckRenderer("dark").render(english_deck(), out.getvalue())
    assert opened(data).slide_width == Inches(10)


def test_masters_are_built_once_and_the_same_every_time() -> None:
    theme = THEMES["light"]
    assert master_bytes(theme) is master_bytes(theme)
    master_bytes.cache_clear()
    first = _parts(master_bytes(theme))
    master_bytes.cache_clear()
    assert _parts(master_bytes(theme)) == first  # the same parts: a zip's entry times may differ


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
