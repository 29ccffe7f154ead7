"""A brand kit from the library and the command line: a kit file or flags theme the deck."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pptx
import pytest
from PIL import Image

from presentai import PresentAI
from presentai.domain.errors import UnsupportedFileType, ValidationFailed
from presentai.entrypoints.library import brand_kit
from tests.conftest import SAMPLES
from tests.e2e.conftest import run_cli
from tests.e2e.test_api_brand_kits import theme_of


def kit_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (200, 80), (11, 61, 46)).save(folder / "logo.png")
    path = folder / "acme.json"
    path.write_text(
        json.dumps(
            {
                "colors": {"primary": "#0B3D2E", "accent": "#C2410C", "background": "#FFFDF7", "text": "#1A1A1A"},
                "fonts": {"heading": "Georgia", "body": "Arial"},
                "logo": "logo.png",
            }
        )
    )
    return path


def test_the_library_renders_in_a_kit_file_or_a_kit_built_in_code(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate([SAMPLES / "field-notes.md"], slides=3, brand=kit_file(tmp_path / "kit"))
        again = app.render(deck.presentation.id, brand=brand_kit({"primary": "#7C3AED"}, {"body": "Verdana"}))
    first = theme_of(deck.pptx)
    assert (first["dk1"], first["lt1"], first["accent1"], first["accent2"], first["body_font"]) == (
        "1A1A1A", "FFFDF7", "0B3D2E", "C2410C", "Arial",
    )  # fmt: skip
    master = pptx.Presentation(io.BytesIO(deck.pptx)).slide_master
    assert len([s for s in master.shapes if s.shape_type == 13]) == 1  # the logo
    assert (theme_of(again)["accent1"], theme_of(again)["body_font"]) == ("7C3AED", "Verdana")


def test_a_kit_with_unreadable_text_or_a_bad_logo_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match=r"4\.5:1"):
        brand_kit({"background": "#FFFFFF", "text": "#DDDDDD"})
    (tmp_path / "logo.png").write_bytes(b"not an image")
    with pytest.raises(UnsupportedFileType, match="not an image"):
        brand_kit(logo=tmp_path / "logo.png")


def test_the_cli_takes_a_kit_file_and_colour_flags(tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    done = run_cli(
        "generate", SAMPLES / "field-notes.md", "-o", out, "--slides", "3", "--quiet",
        "--brand-kit", kit_file(tmp_path / "kit"), "--brand-colors", "112233,C2410C,FFFFFF,111111",
        workspace=tmp_path / "ws",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    colours = theme_of(out.read_bytes())
    assert (colours["accent1"], colours["lt1"], colours["body_font"]) == ("112233", "FFFFFF", "Arial")
    refused = run_cli(
        "generate", SAMPLES / "field-notes.md", "-o", tmp_path / "x.pptx", "--brand-colors", "red,blue",
        workspace=tmp_path / "ws2",
    )  # fmt: skip
    assert refused.returncode == 2
    assert "four colours" in refused.stderr
