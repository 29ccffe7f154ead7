"""What the slide preview macro (templates/macros/slide.html) draws exactly when a page prepares it."""

from __future__ import annotations

from typing import Any

from presentai.domain.figures import figure_caption, key_figure
from presentai.domain.slides import Layout


def prepared(slide: dict[str, Any]) -> dict[str, Any]:
    """``slide`` (the API's slide dict) with each key figure and its sentence split as the PPTX draws them."""
    if slide.get("layout") != Layout.KEY_FIGURES:
        return slide
    bullets = [
        {**b, "figure": key_figure(b["text"]) or "", "caption": figure_caption(b["text"])} for b in slide["bullets"]
    ]
    return {**slide, "bullets": bullets}
