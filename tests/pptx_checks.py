"""Independent checks of a rendered PPTX: measured through Pillow with the font LibreOffice draws each text in.

A run's typeface is its own, else the deck's theme font (the heading face for titles, the body face for the
rest); fontconfig says which installed file stands for it (Carlito for Calibri, Liberation Sans for Arial), as
it does for LibreOffice. Without fontconfig, DejaVu Sans, which is wider than either, is used.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import ImageFont
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINE_SPACING = 1.2
_A = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


@functools.cache
def _font_file(family: str, bold: bool) -> Path:
    """The installed file fontconfig draws ``family`` with, else DejaVu Sans."""
    if family and shutil.which("fc-match"):
        pattern = f"{family}:weight={'bold' if bold else 'regular'}"
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
        if found and Path(found).exists():
            return Path(found)
    return FONT


def _font(size_pt: float, family: str = "", bold: bool = False) -> ImageFont.FreeTypeFont:
    path = _font_file(family, bold)
    if not path.exists():
        pytest.skip(f"{path} is not installed (Debian package fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size=max(1, round(size_pt * 10)))  # 10x for sub-point precision


def _theme_faces(deck: Any) -> tuple[str, str]:
    """The theme's heading and body typefaces."""
    theme = etree.fromstring(deck.slide_master.part.part_related_by(RT.THEME).blob)
    major, minor = theme.find(".//a:majorFont/a:latin", _A), theme.find(".//a:minorFont/a:latin", _A)
    return (major.get("typeface", "") if major is not None else ""), (
        minor.get("typeface", "") if minor is not None else ""
    )


def _face(shape: Any, paragraph: Any, faces: tuple[str, str]) -> tuple[str, bool]:
    """The typeface and weight a paragraph is drawn in: its first run's, else the theme's for the shape."""
    run = paragraph.runs[0]
    heading = shape.is_placeholder and shape.placeholder_format.type in (
        PP_PLACEHOLDER.TITLE,
        PP_PLACEHOLDER.CENTER_TITLE,
    )
    name = run.font.name or ""
    if not name or name.startswith("+"):
        name = faces[0] if (name.startswith("+mj") or (not name and heading)) else faces[1]
    return name, bool(run.font.bold)


def _lines(text: str, size_pt: float, width_pt: float, family: str = "", bold: bool = False) -> int:
    font = _font(size_pt, family, bold)
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
    faces = _theme_faces(deck)
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
                lines = _lines(paragraph.text, max(sizes), width - Emu(left).pt, *_face(shape, paragraph, faces))
                used += space + lines * max(sizes) * LINE_SPACING
            if used > height:
                problems.append(f"slide {number} {shape.name}: text needs {used:.0f} pt, box has {height:.0f} pt")
    return problems
