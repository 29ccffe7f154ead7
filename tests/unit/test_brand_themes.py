"""A brand kit without a template themes the built-in master: its colours, fonts and logo, always legible."""

from __future__ import annotations

import io
from datetime import date

import attrs
import pptx
import pytest
from lxml import etree
from PIL import Image
from pptx.enum.shapes import MSO_SHAPE_TYPE

from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.themes import branded, contrast_ratio, text_pairs
from presentai.domain.brand_kits import BrandColours, BrandFonts, BrandStyle
from presentai.domain.deck import Deck
from presentai.domain.slides import Bullet, Layout, SlideContent
from tests.pptx_checks import overflowing_text
from tests.pptx_showcase import english_deck

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
KITS = {
    "forest": BrandColours("0B3D2E", "C2410C", "FFFDF7", "1A1A1A"),
    "pale accent": BrandColours("1E3A8A", "FDE68A", "FFFFFF", "111827"),  # yellow cannot be text on white
    "night": BrandColours("7C3AED", "22D3EE", "0B1020", "F8FAFC"),
    "grey": BrandColours("6B7280", "9CA3AF", "F3F4F6", "374151"),
}


def logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (194, 65, 12)).save(out, "PNG")
    return out.getvalue()


def scheme(data: bytes) -> dict[str, str]:
    """The theme's colour and font scheme, as PowerPoint reads it."""
    prs = pptx.Presentation(io.BytesIO(data))
    theme = etree.fromstring(prs.slide_master.part.part_related_by(pptx.opc.constants.RELATIONSHIP_TYPE.THEME).blob)
    found = {slot.tag.removeprefix(A): slot[0].get("val") for slot in theme.find(f".//{A}clrScheme")}
    for tag in ("majorFont", "minorFont"):
        found[tag] = theme.find(f".//{A}{tag}/{A}latin").get("typeface")
    return found


@pytest.mark.parametrize("kit", KITS, ids=str)
def test_every_text_colour_of_a_branded_theme_meets_wcag_aa(kit: str) -> None:
    theme = branded(BrandStyle(KITS[kit], BrandFonts()))
    for role, (text, ground) in text_pairs(theme).items():
        assert contrast_ratio(text, ground) >= 4.5, f"{kit}: {role} #{text} on #{ground}"
    assert (theme.palette.background, theme.palette.text) == (KITS[kit].background, KITS[kit].text)


def test_a_kits_colours_fonts_and_logo_are_the_decks_theme() -> None:
    style = BrandStyle(KITS["forest"], BrandFonts("Georgia", "Arial"), logo(), "image/png")
    deck = english_deck()
    data = DesignedDeckRenderer(today=lambda: date(2026, 3, 12)).render(attrs.evolve(deck, brand=style))
    found = scheme(data)
    assert (found["dk1"], found["lt1"], found["accent1"], found["accent2"]) == ("1A1A1A", "FFFDF7", "0B3D2E", "C2410C")
    assert (found["majorFont"], found["minorFont"]) == ("Georgia", "Arial")
    prs = pptx.Presentation(io.BytesIO(data))
    master_pictures = [s for s in prs.slide_master.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(master_pictures) == 1
    assert master_pictures[0].image.blob == logo()
    assert master_pictures[0].width / master_pictures[0].height == pytest.approx(3, rel=0.01)
    cover = prs.slides[0].slide_layout
    assert [s.shape_type for s in cover.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE] == [MSO_SHAPE_TYPE.PICTURE]
    for picture in master_pictures:
        assert picture.left + picture.width <= prs.slide_width
        assert picture.top + picture.height <= pptx.util.Inches(0.72)  # above every title
    assert overflowing_text(data) == []


def test_a_dark_kit_swaps_the_colour_map_and_a_kit_without_logo_draws_none() -> None:
    deck = Deck("Night", "", "en", (SlideContent(Layout.BULLETS, "Point", (Bullet("One"), Bullet("Two"))),), {})
    data = DesignedDeckRenderer().render(attrs.evolve(deck, brand=BrandStyle(KITS["night"], BrandFonts())))
    prs = pptx.Presentation(io.BytesIO(data))
    assert prs.slide_master._element.find(pptx.oxml.ns.qn("p:clrMap")).get("bg1") == "dk1"
    assert not [s for s in prs.slide_master.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert scheme(data)["dk1"] == "0B1020"
