"""The built-in themes as data: colours, fonts and a type scale; masters are built from them (masters.py)."""

from __future__ import annotations

from attrs import evolve, frozen

from presentai.domain.brand_kits import MIN_CONTRAST, BrandStyle
from presentai.domain.brand_kits import contrast_ratio as _contrast
from presentai.domain.brand_kits import luminance as _luminance
from presentai.domain.errors import RenderError


@frozen
class TypeScale:
    """Font sizes in points. ``body`` is the one size of every bullet in a deck (sub-bullets 2 pt less)."""

    title: int = 32
    cover_title: int = 44
    subtitle: int = 22
    section: int = 40
    body: int = 20
    quote: int = 30
    figure: int = 54
    table: int = 18
    caption: int = 14
    footer: int = 12


@frozen
class Palette:
    """Colours as ``RRGGBB``; every text colour is paired with the background it is drawn on."""

    background: str
    surface: str  # cards, table bands
    text: str
    muted: str  # subtitles, captions, footers
    accent: str  # rules, bullets, key figures; readable as text on ``background``
    on_accent: str  # text on an accent fill (table headers)
    section_background: str
    section_text: str
    chart: tuple[str, ...]  # series colours, in order
    rule: str  # table grid and chart gridlines


@frozen
class Theme:
    """A built-in look: its name, colours, the heading and body fonts, and its type scale.

    ``dark`` themes map PowerPoint's background to the theme's dark colour, so text
    and shapes that use the scheme's tx1/bg1 follow.
    """

    name: str
    palette: Palette
    heading_font: str
    body_font: str
    scale: TypeScale = TypeScale()
    dark: bool = False
    title_rule: bool = True  # a short accent bar above every title
    logo: bytes | None = None  # a brand kit's logo (PNG or JPEG), drawn by the master on every slide


# Fonts are Microsoft's, so PowerPoint draws them natively; LibreOffice draws them with their
# metric-compatible Debian twins (Calibri → Carlito, Arial → Liberation Sans), same line breaks.
THEMES: dict[str, Theme] = {
    "light": Theme(
        "light",
        Palette(
            background="FFFFFF",
            surface="F1F5F9",
            text="1E293B",
            muted="475569",
            accent="2563EB",
            on_accent="FFFFFF",
            section_background="1E3A8A",
            section_text="FFFFFF",
            chart=("2563EB", "0D9488", "F59E0B", "DB2777", "7C3AED", "64748B"),
            rule="CBD5E1",
        ),
        heading_font="Calibri",
        body_font="Calibri",
        scale=TypeScale(body=22),
    ),
    "dark": Theme(
        "dark",
        Palette(
            background="0F172A",
            surface="1E293B",
            text="F1F5F9",
            muted="CBD5E1",
            accent="38BDF8",
            on_accent="0F172A",
            section_background="075985",
            section_text="FFFFFF",
            chart=("38BDF8", "F472B6", "FACC15", "4ADE80", "A78BFA", "FB923C"),
            rule="334155",
        ),
        heading_font="Calibri",
        body_font="Calibri",
        scale=TypeScale(body=22),
        dark=True,
    ),
    "corporate": Theme(
        "corporate",
        Palette(
            background="FAFAF9",
            surface="EEF2F0",
            text="1C2B36",
            muted="4A5A66",
            accent="0F6E66",
            on_accent="FFFFFF",
            section_background="1C2B36",
            section_text="FFFFFF",
            chart=("0F6E66", "C2410C", "1C2B36", "6B8F71", "B58A2E", "7C8C97"),
            rule="C9D3D0",
        ),
        heading_font="Arial",
        body_font="Arial",
        scale=TypeScale(title=30, cover_title=40, section=36),
        title_rule=False,  # a full-height accent strip at the left edge instead
    ),
}
DEFAULT_THEME = "light"


def theme_named(name: str) -> Theme:
    """The built-in theme called ``name``; ``RenderError`` naming the known ones otherwise."""
    try:
        return THEMES[name]
    except KeyError:
        raise RenderError(f"no theme {name!r}; the themes are {', '.join(sorted(THEMES))}") from None


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two ``RRGGBB`` colours (1 to 21)."""
    return _contrast(foreground, background)


def text_pairs(theme: Theme) -> dict[str, tuple[str, str]]:
    """Every (text, background) colour pair the theme draws text with, by role."""
    p = theme.palette
    return {
        "text": (p.text, p.background),
        "muted": (p.muted, p.background),
        "accent": (p.accent, p.background),
        "text on surface": (p.text, p.surface),
        "accent on surface": (p.accent, p.surface),
        "table header": (p.on_accent, p.accent),
        "section": (p.section_text, p.section_background),
    }


def branded(style: BrandStyle, base: Theme | None = None) -> Theme:
    """``base`` (the light theme) in a brand kit's colours, fonts and logo.

    The kit's background and text are used as they are (the kit is refused when they fail WCAG AA);
    the roles derived from them (muted text, surfaces, accents drawn as text) fall back to a colour
    that passes 4.5:1 wherever the kit's own would not, so every pair of ``text_pairs`` passes.
    """
    base = base or THEMES[DEFAULT_THEME]
    c = style.colours
    background, text = c.background, c.text
    dark = _luminance(background) < _luminance(text)
    surface = _readable_surface(_mix(background, c.primary, 0.07), text, background)
    accent = next(
        (a for a in (c.accent, c.primary, _mix(c.accent, text, 0.5)) if _reads_on(a, background, surface)), text
    )
    muted = next((m for m in (_mix(text, background, 0.3), _mix(text, background, 0.15)) if
                  _reads_on(m, background, surface)), text)  # fmt: skip
    palette = Palette(
        background=background,
        surface=surface,
        text=text,
        muted=muted,
        accent=accent,
        on_accent=_on(accent),
        section_background=c.primary,
        section_text=_on(c.primary),
        chart=tuple(dict.fromkeys((c.primary, c.accent, *base.palette.chart)))[:6],
        rule=_mix(text, background, 0.8),
    )
    return evolve(
        base,
        name=style.name,
        palette=palette,
        heading_font=style.fonts.heading,
        body_font=style.fonts.body,
        dark=dark,
        logo=style.logo,
    )


def _reads_on(colour: str, *grounds: str) -> bool:
    return all(contrast_ratio(colour, ground) >= MIN_CONTRAST for ground in grounds)


def _readable_surface(surface: str, text: str, background: str) -> str:
    return surface if _reads_on(text, surface) else background


def _on(fill: str) -> str:
    """White or black text on ``fill``, whichever reads better (one of them always passes 4.5:1)."""
    return "FFFFFF" if contrast_ratio("FFFFFF", fill) >= contrast_ratio("000000", fill) else "000000"


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0 to 1) of ``other`` mixed in, as ``RRGGBB``."""
    channels = [round(int(colour[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share) for i in (0, 2, 4)]
    return "".join(f"{value:02X}" for value in channels)
