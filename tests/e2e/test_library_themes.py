"""The library's theme: chosen at generate, kept with the presentation, used by every later render."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from presentai import PresentAI
from presentai.adapters.pptx.themes import THEMES
from presentai.domain.errors import ValidationFailed
from tests.conftest import SAMPLES


def master_background(data: bytes) -> str:
    master = Presentation(io.BytesIO(data)).slide_master._element
    return str(master.find(f"{qn('p:cSld')}/{qn('p:bg')}").find(f".//{qn('a:srgbClr')}").get("val"))


def test_a_deck_generated_in_a_theme_is_drawn_and_rendered_again_in_it(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate([SAMPLES / "field-notes.md"], slides=2, theme="dark")
        again = app.render(deck.presentation.id)
        once_corporate = app.render(deck.presentation.id, theme="corporate")
        after = app.render(deck.presentation.id)
    assert deck.presentation.theme == "dark"
    assert master_background(deck.pptx) == master_background(again) == THEMES["dark"].palette.background
    assert master_background(once_corporate) == THEMES["corporate"].palette.background
    assert master_background(after) == THEMES["dark"].palette.background  # the stored theme is unchanged


def test_an_unknown_theme_fails_before_any_work(tmp_path: Path) -> None:
    with (
        PresentAI.local(tmp_path / "ws", embedder="static") as app,
        pytest.raises(ValidationFailed, match="light, dark, corporate"),
    ):
        app.generate([tmp_path / "missing.md"], theme="neon")  # refused before the missing file is read
