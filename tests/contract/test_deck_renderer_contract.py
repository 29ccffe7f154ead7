"""The DeckRenderer contract, run against the python-pptx renderers: the plain one and the designed one on each
built-in theme, each with no template and with a custom one, and the plain one on each real template in
tests/templates."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pptx
import pytest
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Inches

from presentai.adapters.children import ChildProcesses
from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.isolated import IsolatedDeckRenderer
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.adapters.pptx.themes import THEMES
from presentai.domain.deck import Deck, DeckSource
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.ports.rendering import DeckRenderer
from tests.pptx_checks import overflowing_text

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
REAL_TEMPLATES = [t["file"] for t in json.loads((TEMPLATES / "manifest.json").read_text(encoding="utf-8"))["templates"]]
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
LONG = "The Stonebridge battery will have a power rating of 75 megawatts and a storage capacity of 300 megawatt-hours"


def attribution(page: int) -> Attribution:
    return Attribution("doc", "c1", "It stores 300 megawatt-hours.", 10, 39, page=page, section="2.3 Storage")


def deck(bullets_per_slide: int = 4, words: str = LONG, language: str = "en") -> Deck:
    content = [
        SlideContent(
            Layout.BULLETS,
            f"Battery storage programme part {i}",
            tuple(Bullet(f"{words} ({j})", 0, (attribution(j + 1),)) for j in range(bullets_per_slide)),
        )
        for i in range(3)
    ]
    slides = (
        SlideContent(Layout.TITLE, "Northwind Grid 2025", notes="Built from: Annual report"),
        SlideContent(Layout.AGENDA, "Agenda", tuple(Bullet(s.title) for s in content)),
        *content,
        SlideContent(Layout.SOURCES, "Sources", (Bullet("Annual report — pp. 1–4"),)),
    )
    return Deck(
        "Northwind Grid 2025",
        "Built from: Annual report",
        language,
        slides,
        {"doc": DeckSource("doc", "Annual report", (1, 2))},
    )


def custom_template() -> bytes:
    template = pptx.Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(5.625)
    template.slides.add_slide(template.slide_layouts[0]).shapes.title.text = "A sample slide the template shipped with"
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def body_texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    """The paragraphs of a slide's placeholders other than its title, in order."""
    return [
        p.text
        for sh in slide.placeholders
        if sh.placeholder_format.type not in _TITLES and sh.has_text_frame
        for p in sh.text_frame.paragraphs
    ]


@pytest.fixture(
    params=[
        "pptx-default",
        "pptx-template",
        "pptx-isolated",
        *(f"designed-{t}" for t in THEMES),
        "designed-template",
        *(f"real-{name}" for name in REAL_TEMPLATES),
    ]
)
def render(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    kind, _, variant = request.param.partition("-")
    renderer: DeckRenderer
    if kind == "designed":
        renderer = DesignedDeckRenderer(variant if variant in THEMES else "light")
    elif variant == "isolated":
        renderer = IsolatedDeckRenderer(children=ChildProcesses())
    else:
        renderer = PptxDeckRenderer()
    template = custom_template() if variant == "template" else None
    if kind == "real":
        template = (TEMPLATES / variant).read_bytes()
    return lambda d: renderer.render(d, template)


def test_every_slide_of_the_deck_becomes_a_slide_with_editable_text(render) -> None:  # type: ignore[no-untyped-def]
    data = render(deck(bullets_per_slide=3))
    deck_file = pptx.Presentation(io.BytesIO(data))
    titles = [s.shapes.title.text for s in deck_file.slides]
    # A slide may go on over more than one (never shrunk), so each title is looked for in order, not by position.
    assert [t for t in titles if "(cont.)" not in t] == [s.title for s in deck(bullets_per_slide=3).slides]
    first = deck_file.slides[titles.index("Battery storage programme part 0")]
    assert body_texts(first)[0] == f"{LONG} (0)"
    assert not any(sh.shape_type == 13 for s in deck_file.slides for sh in s.shapes)  # 13 = picture: no images of text


def test_speaker_notes_name_the_source_page_section_and_quote_of_each_bullet(render) -> None:  # type: ignore[no-untyped-def]
    deck_file = pptx.Presentation(io.BytesIO(render(deck())))
    titles = [s.shapes.title.text for s in deck_file.slides]
    first = deck_file.slides[titles.index("Battery storage programme part 0")]
    notes = first.notes_slide.notes_text_frame.text
    assert "[1] “It stores 300 megawatt-hours.” — Annual report, p. 1, § 2.3 Storage" in notes
    if "Battery storage programme part 0 (cont.)" not in titles:
        assert "[4] “It stores 300 megawatt-hours.” — Annual report, p. 4, § 2.3 Storage" in notes


def test_text_fits_its_box_even_when_slides_are_crowded(render) -> None:  # type: ignore[no-untyped-def]
    for bullets in (1, 5, 8):
        assert overflowing_text(render(deck(bullets_per_slide=bullets))) == []


def test_too_much_text_for_one_slide_continues_on_the_next_instead_of_overflowing(render) -> None:  # type: ignore[no-untyped-def]
    data = render(deck(bullets_per_slide=16))
    deck_file = pptx.Presentation(io.BytesIO(data))
    titles = [s.shapes.title.text for s in deck_file.slides]
    assert "Battery storage programme part 0 (cont.)" in titles
    assert overflowing_text(data) == []
    bullets = [text for s in deck_file.slides for text in body_texts(s)]
    assert sum(1 for b in bullets if b.startswith(LONG)) == 48  # nothing lost in the split


def test_a_template_keeps_its_size_and_loses_its_sample_slides() -> None:
    data = PptxDeckRenderer().render(deck(), custom_template())
    deck_file = pptx.Presentation(io.BytesIO(data))
    assert deck_file.slide_width == Inches(10)
    assert "A sample slide the template shipped with" not in [s.shapes.title.text for s in deck_file.slides]


def test_the_default_theme_is_16_by_9() -> None:
    deck_file = pptx.Presentation(io.BytesIO(PptxDeckRenderer().render(deck())))
    assert round(deck_file.slide_width / deck_file.slide_height, 2) == round(16 / 9, 2)


def test_a_template_without_usable_layouts_is_a_render_error_not_a_crash() -> None:
    from presentai.domain.errors import RenderError

    template = pptx.Presentation()
    layouts = template.slide_layouts
    for layout in list(layouts):
        layouts.remove(layout)
    out = io.BytesIO()
    template.save(out)
    with pytest.raises(RenderError, match="no slide layouts"):
        PptxDeckRenderer().render(deck(), out.getvalue())


def test_a_slide_continued_over_several_slides_has_its_notes_written_once(render) -> None:  # type: ignore[no-untyped-def]
    notes = "Speaker note that must appear once. " * 500
    crowded = SlideContent(Layout.BULLETS, "Crowded", tuple(Bullet(f"{LONG} ({j})") for j in range(40)), notes=notes)
    data = render(Deck("Deck", "", "en", (crowded,), {}))
    deck_file = pptx.Presentation(io.BytesIO(data))
    assert len(deck_file.slides) > 2  # it was continued
    written = [s.notes_slide.notes_text_frame.text for s in deck_file.slides if s.has_notes_slide]
    assert sum(text.count("Speaker note that must appear once.") for text in written) == 500
