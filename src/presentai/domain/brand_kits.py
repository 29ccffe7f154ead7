"""Brand kits: an organization's colours, fonts, logo and template, and the plan that offers them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from attrs import define, evolve, field, frozen

from presentai.domain.errors import PlanRequired, ValidationFailed
from presentai.domain.ids import new_id

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_FONT = re.compile(r"[^\W_][\w .\-]{0,63}")
MIN_CONTRAST = 4.5  # WCAG AA for body text
PLANS = ("free", "pro", "business", "enterprise")  # lowest first
BRAND_KIT_PLANS = ("pro", "business", "enterprise")
LOGO_TYPES = ("image/png", "image/jpeg")


def hex_colour(value: str, name: str) -> str:
    """``value`` as ``RRGGBB`` (upper case, no ``#``); ``ValidationFailed`` naming ``name`` otherwise."""
    found = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise ValidationFailed(f"{name} must be a hex colour such as #1E3A8A", {name: "not a #RRGGBB colour"})
    return found.group(1).upper()


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two ``RRGGBB`` colours (1 to 21)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def luminance(colour: str) -> float:
    """The WCAG relative luminance of an ``RRGGBB`` colour (0 black to 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@frozen
class BrandColours:
    """A kit's four colours as ``RRGGBB``; its text is readable on its background (WCAG AA, 4.5:1)."""

    primary: str = "1E3A8A"
    accent: str = "2563EB"
    background: str = "FFFFFF"
    text: str = "1E293B"

    @classmethod
    def parse(
        cls, primary: str | None = None, accent: str | None = None, background: str | None = None,
        text: str | None = None, *, base: BrandColours | None = None,
    ) -> BrandColours:  # fmt: skip
        """Colours from hex strings (``#`` optional), the ones not given taken from ``base``; checked."""
        base = base or cls()
        given = {"primary": primary, "accent": accent, "background": background, "text": text}
        colours = evolve(
            base, **{name: hex_colour(value, f"colors.{name}") for name, value in given.items() if value is not None}
        )
        colours.check()
        return colours

    def check(self) -> None:
        """Refuse text that cannot be read on the background: a deck must meet WCAG AA."""
        ratio = contrast_ratio(self.text, self.background)
        if ratio < MIN_CONTRAST:
            raise ValidationFailed(
                f"the text colour #{self.text} on the background #{self.background} has a contrast of {ratio:.2f}:1;"
                f" slides need at least {MIN_CONTRAST}:1 (WCAG AA): darken the text or lighten the background",
                {"colors.text": f"contrast {ratio:.2f}:1 with the background, at least {MIN_CONTRAST}:1 needed"},
            )


def font_family(value: str, name: str) -> str:
    """A font family name as PowerPoint stores it; ``ValidationFailed`` naming ``name`` otherwise."""
    clean = value.strip() if isinstance(value, str) else ""
    if not _FONT.fullmatch(clean):
        raise ValidationFailed(
            f"{name} must be a font family name (letters, digits, spaces, dots and dashes; at most 64)",
            {name: "not a font family name"},
        )
    return clean


@frozen
class BrandFonts:
    """The heading and body font families."""

    heading: str = "Calibri"
    body: str = "Calibri"

    @classmethod
    def parse(
        cls, heading: str | None = None, body: str | None = None, *, base: BrandFonts | None = None
    ) -> BrandFonts:
        """Fonts from names, the ones not given taken from ``base``; checked."""
        base = base or cls()
        return cls(
            font_family(heading, "fonts.heading") if heading is not None else base.heading,
            font_family(body, "fonts.body") if body is not None else base.body,
        )


@frozen
class StoredFile:
    """A file a kit keeps in the object store: its key, media type and size."""

    key: str
    media_type: str
    size_bytes: int


@define
class BrandKit:
    """An organization's corporate style. With a template, decks use the template; without, a built-in
    master themed with the kit's colours, fonts and logo. One kit of an organization may be its default."""

    id: str
    organization_id: str
    name: str
    colours: BrandColours = BrandColours()
    fonts: BrandFonts = BrandFonts()
    logo: StoredFile | None = None
    template: StoredFile | None = None
    is_default: bool = False
    created_at: datetime = field(factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(factory=lambda: datetime.now(UTC))

    @classmethod
    def create(
        cls,
        organization_id: str,
        name: str,
        colours: BrandColours | None = None,
        fonts: BrandFonts | None = None,
        *,
        is_default: bool = False,
    ) -> BrandKit:
        """A new kit (colours and fonts already checked by their ``parse``)."""
        kit = cls(
            new_id(), organization_id, "", colours or BrandColours(), fonts or BrandFonts(), is_default=is_default
        )
        kit.rename(name)
        kit.updated_at = kit.created_at
        return kit

    def rename(self, name: str) -> None:
        """Give the kit another (non-empty, at most 200 characters) name."""
        clean = name.strip() if isinstance(name, str) else ""
        if not clean:
            raise ValidationFailed("the brand kit needs a name", {"name": "required"})
        if len(clean) > 200:
            raise ValidationFailed("the brand kit's name is too long", {"name": "at most 200 characters"})
        self.name = clean
        self._touch()

    def restyle(self, colours: BrandColours | None = None, fonts: BrandFonts | None = None) -> None:
        """New colours or fonts."""
        self.colours = colours or self.colours
        self.fonts = fonts or self.fonts
        self._touch()

    def use_template(self, template: StoredFile | None) -> StoredFile | None:
        """Keep ``template`` (``None``: no template); the one it replaces, whose file may be deleted."""
        old, self.template = self.template, template
        self._touch()
        return old if old is not None and old.key != (template.key if template else None) else None

    def use_logo(self, logo: StoredFile | None) -> StoredFile | None:
        """Keep ``logo`` (``None``: no logo); the one it replaces, whose file may be deleted."""
        if logo is not None and logo.media_type not in LOGO_TYPES:
            raise ValidationFailed(f"a logo is PNG or JPEG, not {logo.media_type}", {"logo": "unsupported type"})
        old, self.logo = self.logo, logo
        self._touch()
        return old if old is not None and old.key != (logo.key if logo else None) else None

    def files(self) -> list[StoredFile]:
        """The files the kit keeps (to delete with it)."""
        return [f for f in (self.logo, self.template) if f is not None]

    def _touch(self) -> None:
        self.updated_at = datetime.now(UTC)


def template_key(kit: BrandKit, content_hash: str) -> str:
    """Where a kit's template is stored (a new key per content, so a render never reads a half-replaced file)."""
    return f"brand-kits/{kit.organization_id}/{kit.id}/template-{content_hash[:16]}.pptx"


def logo_key(kit: BrandKit, content_hash: str, media_type: str) -> str:
    """Where a kit's logo is stored."""
    extension = "png" if media_type == "image/png" else "jpg"
    return f"brand-kits/{kit.organization_id}/{kit.id}/logo-{content_hash[:16]}.{extension}"


def require_brand_kits(plan: str, allowed: tuple[str, ...] = BRAND_KIT_PLANS) -> None:
    """Brand kits are a feature of the pro plan and above: ``PlanRequired`` on another plan."""
    if plan not in allowed:
        lowest = next((p for p in PLANS if p in allowed), allowed[0] if allowed else "pro")
        raise PlanRequired(
            f"brand kits are part of the {lowest} plan and above; this organization is on the {plan} plan",
            {"plan": f"{lowest} or higher required"},
            required=lowest,
            current=plan,
        )


@frozen
class BrandStyle:
    """What a renderer needs of a kit without a template: colours, fonts and the logo's bytes."""

    colours: BrandColours
    fonts: BrandFonts
    logo: bytes | None = None
    logo_media_type: str = ""
    name: str = "brand"

    @classmethod
    def of(cls, kit: BrandKit, logo: bytes | None = None) -> BrandStyle:
        """The style of ``kit`` with its logo's bytes (read from the store)."""
        return cls(kit.colours, kit.fonts, logo, kit.logo.media_type if kit.logo and logo else "", f"kit {kit.id}")
