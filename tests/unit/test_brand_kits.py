"""Brand kits in the domain: colours and fonts checked, readable text, files replaced, the plan rule."""

from __future__ import annotations

import pytest

from presentai.domain.brand_kits import (
    BrandColours,
    BrandFonts,
    BrandKit,
    StoredFile,
    contrast_ratio,
    require_brand_kits,
)
from presentai.domain.errors import PlanRequired, ValidationFailed


def test_colours_are_hex_with_or_without_a_hash_and_stored_upper_case() -> None:
    colours = BrandColours.parse("#0a0B0c", "AA5500", background="#ffffff", text="#000000")
    assert colours == BrandColours("0A0B0C", "AA5500", "FFFFFF", "000000")


@pytest.mark.parametrize("bad", ["red", "#12345", "#1234567", "#GGGGGG", "", "12 34 56"])
def test_a_colour_that_is_not_six_hex_digits_is_refused_naming_its_field(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        BrandColours.parse(accent=bad)
    assert "colors.accent" in refused.value.fields


def test_text_unreadable_on_the_background_is_refused_with_its_contrast() -> None:
    with pytest.raises(ValidationFailed) as refused:
        BrandColours.parse(background="#FFFFFF", text="#AAAAAA")
    assert "colors.text" in refused.value.fields
    assert "4.5:1" in str(refused.value)
    BrandColours.parse(background="#FFFFFF", text="#595959")  # 7:1, fine


def test_a_partial_change_keeps_the_other_colours_and_is_checked_as_a_whole() -> None:
    base = BrandColours.parse("#112233", "#445566", "#FFFFFF", "#111111")
    assert BrandColours.parse(accent="#000000", base=base) == BrandColours("112233", "000000", "FFFFFF", "111111")
    with pytest.raises(ValidationFailed):
        BrandColours.parse(background="#101010", base=base)  # the kept dark text on a dark background


def test_contrast_ratio_is_wcags() -> None:
    assert contrast_ratio("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("bad", ["", "   ", "Arial<script>", 'A"B', "x" * 65, "_Hidden"])
def test_a_font_family_must_be_a_plain_name(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        BrandFonts.parse(heading=bad)
    assert "fonts.heading" in refused.value.fields


def test_fonts_keep_what_is_not_given() -> None:
    assert BrandFonts.parse(body="Liberation Sans", base=BrandFonts("Georgia", "Arial")) == BrandFonts(
        "Georgia", "Liberation Sans"
    )


def test_a_kit_needs_a_name_and_says_which_file_a_new_one_replaces() -> None:
    with pytest.raises(ValidationFailed):
        BrandKit.create("org", "  ")
    kit = BrandKit.create("org", " Acme ")
    assert kit.name == "Acme"
    assert kit.updated_at == kit.created_at
    first = StoredFile("k/logo-1.png", "image/png", 10)
    assert kit.use_logo(first) is None
    assert kit.use_logo(StoredFile("k/logo-2.jpg", "image/jpeg", 20)) == first
    assert kit.use_logo(kit.logo) is None  # the same file again: nothing to delete
    with pytest.raises(ValidationFailed):
        kit.use_logo(StoredFile("k/logo.svg", "image/svg+xml", 5))
    template = StoredFile("k/t.pptx", "x", 30)
    kit.use_template(template)
    assert kit.use_template(None) == template
    assert [f.key for f in kit.files()] == ["k/logo-2.jpg"]


@pytest.mark.parametrize("plan", ["pro", "business", "enterprise"])
def test_brand_kits_come_with_the_pro_plan_and_above(plan: str) -> None:
    require_brand_kits(plan)


def test_the_free_plan_is_refused_naming_the_plan_needed() -> None:
    with pytest.raises(PlanRequired) as refused:
        require_brand_kits("free")
    assert (refused.value.required, refused.value.current) == ("pro", "free")
    assert refused.value.code == "plan_required"
