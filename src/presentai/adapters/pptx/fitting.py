"""Measuring text so that it fits its box: greedy word wrap with conservative glyph widths.

Widths are em fractions about 5 % above DejaVu Sans's class averages (a wide
face), so text that fits by this measure fits in the narrower fonts that
templates use (Calibri, Arial, Segoe UI).
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

EMU_PER_POINT = 12700
LINE_SPACING = 1.2  # line height as a multiple of the font size
_WIDTHS = {
    "space": 0.34,
    "lower": 0.60,
    "upper": 0.71,
    "digit": 0.67,
    "punct": 0.49,
    "cyr_lower": 0.70,
    "cyr_upper": 0.80,
}
_NARROW = set("ilj.,;:!'|ıі")
_WIDE = set("mwMWЖШЩЮМФ@%")


def char_width(char: str) -> float:
    """Advance width of ``char`` in em."""
    if char == " ":
        return _WIDTHS["space"]
    if char in _NARROW:
        return 0.34
    if char in _WIDE:
        return 1.0
    if char.isdigit():
        return _WIDTHS["digit"]
    if "а" <= char.lower() <= "я" or char in "ёЁ":
        return _WIDTHS["cyr_upper"] if char.isupper() else _WIDTHS["cyr_lower"]
    if char.isalpha():
        return _WIDTHS["upper"] if char.isupper() else _WIDTHS["lower"]
    return _WIDTHS["punct"]


def text_width(text: str, size_pt: float) -> float:
    """Width of ``text`` on one line, in points."""
    return sum(char_width(c) for c in text) * size_pt


def wrapped_lines(text: str, size_pt: float, width_pt: float) -> int:
    """Lines that ``text`` takes when wrapped at word boundaries in ``width_pt``."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        space = text_width(" ", size_pt)
        for word in paragraph.split():
            w = text_width(word, size_pt)
            if used and used + space + w > width_pt:
                lines += 1
                used = 0.0
            while w > width_pt:  # a word longer than the line breaks mid-word
                lines += 1
                w -= width_pt
            used += (space if used else 0.0) + w
    return lines


@frozen
class Paragraph:
    """A paragraph to fit: its text, indent level and the space before it (points)."""

    text: str
    level: int = 0
    space_before: float = 6.0


@frozen
class Fit:
    """A font size (points) at which paragraphs fit, and the height they take."""

    size: float
    height: float
    fits: bool


def paragraphs_height(paragraphs: Sequence[Paragraph], size: float, width_pt: float, indent_pt: float) -> float:
    """Height of the paragraphs at ``size`` (level ``n`` is 2 pt smaller and indented ``n`` times)."""
    height = 0.0
    for p in paragraphs:
        level_size = max(size - 2 * p.level, 8)
        lines = wrapped_lines(p.text, level_size, width_pt - indent_pt * (p.level + 1))
        height += p.space_before + lines * level_size * LINE_SPACING
    return height


def fit(
    paragraphs: Sequence[Paragraph],
    width_pt: float,
    height_pt: float,
    *,
    largest: float,
    smallest: float,
    indent_pt: float = 0.0,
) -> Fit:
    """The largest size from ``largest`` down to ``smallest`` (2 pt steps) at which the text fits."""
    size = largest
    while True:
        height = paragraphs_height(paragraphs, size, width_pt, indent_pt)
        if height <= height_pt:
            return Fit(size, height, True)
        if size - 2 < smallest:
            return Fit(size, height, False)
        size -= 2
