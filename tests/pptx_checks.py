"""Independent checks of a rendered PPTX: measured with a real font (DejaVu Sans) through Pillow."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINE_SPACING = 1.2


def _font(size_pt: float) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        pytest.skip(f"{FONT} is not installed (Debian package fonts-dejavu-core)")
    return ImageFont.truetype(str(FONT), size=max(1, round(size_pt * 10)))  # 10x for sub-point precision


def _lines(text: str, size_pt: float, width_pt: float) -> int:
    font = _font(size_pt)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if current and font.getlength(candidate) / 10 > width_pt:
                lines += 1
                current = word
            else:
                current = candidate
    return lines


def overflowing_text(data: bytes) -> list[str]:
    """Descriptions of every text frame whose text is taller than its box."""
    problems = []
    deck = Presentation(io.BytesIO(data))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            frame = shape.text_frame
            width = Emu(shape.width - frame.margin_left - frame.margin_right).pt
            height = Emu(shape.height - frame.margin_top - frame.margin_bottom).pt
            used = 0.0
            for paragraph in frame.paragraphs:
                sizes = [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
                if not paragraph.runs:
                    continue
                if not sizes:
                    problems.append(f"slide {number}: a paragraph has no explicit font size")
                    continue
                left = int(paragraph._p.pPr.get("marL", "0")) if paragraph._p.pPr is not None else 0
                space = paragraph.space_before.pt if paragraph.space_before is not None else 0.0
                used += space + _lines(paragraph.text, max(sizes), width - Emu(left).pt) * max(sizes) * LINE_SPACING
            if used > height:
                problems.append(f"slide {number} {shape.name}: text needs {used:.0f} pt, box has {height:.0f} pt")
    return problems
