"""A presentation's theme: chosen from the built-in ones, checked, kept, and the look of every render."""

from __future__ import annotations

import io
import zipfile

import attrs
import pptx
import pytest
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from presentai.adapters.memory.repositories import InProcessPresentationRepository, InProcessSourceRepository
from presentai.adapters.pptx import themes as pptx_themes
from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandStyle
from presentai.domain.deck import compose_deck
from presentai.domain.errors import Conflict, ValidationFailed
from presentai.domain.presentation import THEMES, GenerationParameters, Presentation, PresentationStatus
from presentai.domain.slides import Bullet, Layout, SlideContent
from presentai.services.render import RenderDeck

FOREST = BrandColours("0B3D2E", "C2410C", "FFFDF7", "1A1A1A")


def master_background(data: bytes) -> str:
    """The ``RRGGBB`` background of the deck's slide master."""
    master = pptx.Presentation(io.BytesIO(data)).slide_master._element
    return str(master.find(f"{qn('p:cSld')}/{qn('p:bg')}").find(f".//{qn('a:srgbClr')}").get("val"))


def presentation(theme: str = "light") -> Presentation:
    p = Presentation.create("org", "Grid report", GenerationParameters(slide_count=2), theme=theme)
    p.add_slide(SlideContent(Layout.BULLETS, "Storage", (Bullet("The battery stores 300 MWh."),)))
    return p


def test_a_new_presentation_is_light_unless_it_names_another_built_in_theme() -> None:
    assert Presentation.create("org", "Deck", GenerationParameters()).theme == "light"
    assert Presentation.create("org", "Deck", GenerationParameters(), theme="dark").theme == "dark"


def test_the_domain_names_exactly_the_themes_the_renderer_draws() -> None:
    assert set(THEMES) == set(pptx_themes.THEMES)
    assert THEMES[0] == pptx_themes.DEFAULT_THEME == "light"


@pytest.mark.parametrize("name", ["neon", "Dark", "", " light"])
def test_an_unknown_theme_is_refused_naming_the_themes_there_are(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Presentation.create("org", "Deck", GenerationParameters(), theme=name)
    assert "light, dark, corporate" in str(refused.value)
    assert refused.value.fields == {"theme": "must be one of light, dark, corporate"}


def test_changing_the_theme_is_checked_and_all_or_nothing() -> None:
    p = presentation()
    with pytest.raises(ValidationFailed):
        p.update(title="New title", theme="neon")
    assert (p.title, p.theme) == ("Grid report", "light")
    p.update(title="New title", theme="corporate")
    assert (p.title, p.theme) == ("New title", "corporate")
    p.update(title="Again")  # no theme given: the theme stays
    assert p.theme == "corporate"


def test_the_theme_cannot_change_while_the_deck_is_being_generated() -> None:
    p = presentation()
    p.status = PresentationStatus.GENERATING
    with pytest.raises(Conflict):
        p.update(theme="dark")
    assert p.theme == "light"


def test_a_copy_keeps_the_theme_and_the_composed_deck_carries_it() -> None:
    p = presentation("dark")
    assert p.duplicate().theme == "dark"
    assert compose_deck(p, {}).theme == "dark"


def test_a_deck_without_a_theme_is_drawn_in_the_renderers_own_and_one_with_a_theme_in_that() -> None:
    deck = compose_deck(presentation("corporate"), {})
    dark = pptx_themes.THEMES["dark"].palette.background
    corporate = pptx_themes.THEMES["corporate"].palette.background
    assert master_background(DesignedDeckRenderer("dark").render(deck)) == corporate
    assert master_background(DesignedDeckRenderer("dark").render(attrs.evolve(deck, theme=""))) == dark


def _render_deck(repository: InProcessPresentationRepository) -> RenderDeck:
    return RenderDeck(presentations=repository, sources=InProcessSourceRepository(), renderer=DesignedDeckRenderer())


@pytest.mark.parametrize("theme", THEMES)
async def test_rendering_a_presentation_draws_it_in_its_theme(theme: str) -> None:
    repository = InProcessPresentationRepository()
    p = presentation(theme)
    await repository.add(p)
    data = await _render_deck(repository)("org", p.id)
    assert master_background(data) == pptx_themes.THEMES[theme].palette.background


async def test_the_caller_may_render_in_another_theme_which_is_checked_and_not_stored() -> None:
    repository = InProcessPresentationRepository()
    p = presentation("light")
    await repository.add(p)
    data = await _render_deck(repository)("org", p.id, theme="dark")
    assert master_background(data) == pptx_themes.THEMES["dark"].palette.background
    with pytest.raises(ValidationFailed):
        await _render_deck(repository)("org", p.id, theme="neon")
    assert (await repository.get("org", p.id)).theme == "light"


async def test_a_brand_kit_recolours_the_chosen_theme_and_keeps_its_type_scale() -> None:
    repository = InProcessPresentationRepository()
    p = presentation("corporate")
    await repository.add(p)
    data = await _render_deck(repository)("org", p.id, brand=BrandStyle(FOREST, BrandFonts()))
    assert master_background(data) == FOREST.background
    cover = pptx.Presentation(io.BytesIO(data)).slides[0]
    sizes = {run.font.size for run in cover.shapes.title.text_frame.paragraphs[0].runs}
    assert sizes == {Pt(pptx_themes.THEMES["corporate"].scale.cover_title)}  # corporate's 40 pt, not light's 44


async def test_a_template_wins_over_the_theme() -> None:
    template = pptx.Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(7.5)  # 4:3, unlike every built-in master
    out = io.BytesIO()
    template.save(out)
    repository = InProcessPresentationRepository()
    p = presentation("dark")
    await repository.add(p)
    data = await _render_deck(repository)("org", p.id, out.getvalue())
    deck = pptx.Presentation(io.BytesIO(data))
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(7.5))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
    assert pptx_themes.THEMES["dark"].palette.background not in xml
