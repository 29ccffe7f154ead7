"""Share links: a presentation shown to anyone who holds a random link, until it expires or is revoked.

The link's token is a bearer credential (256 random bits). Only its SHA-256 digest is stored, as with
API keys: a copy of the database opens no deck. The token is shown once, when the link is made.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

import attrs
from attrs import define, field, frozen

from presentai.domain.errors import Gone, ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.presentation import Presentation
from presentai.domain.slides import SlideContent

TOKEN_BYTES = 32  # 256 bits; the spec asks for at least 128
PREFIX_CHARS = 6  # kept in the clear so that people can tell their links apart in a list


def _now() -> datetime:
    return datetime.now(UTC)


def token_digest(token: str) -> str:
    """The stored form of a link's token (unsalted: the token is random, nothing to guess)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class ShareStatus(enum.StrEnum):
    """What opening a link does now."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@define
class ShareLink:
    """A public link to one presentation of one organization."""

    id: str
    organization_id: str
    presentation_id: str
    token_hash: str
    token_prefix: str
    created_by: str
    show_attributions: bool = False
    created_at: datetime = field(factory=_now)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def create(
        cls,
        presentation: Presentation,
        *,
        by: str,
        show_attributions: bool = False,
        expires_at: datetime | None = None,
        now: datetime | None = None,
    ) -> tuple[ShareLink, str]:
        """A new link and its token (the only time the token is seen); the expiry must be ahead."""
        now = now or _now()
        if expires_at is not None:
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=UTC)
            if expires_at <= now:
                raise ValidationFailed("a link must expire in the future", {"expires_at": "in the past"})
        token = new_token()
        link = cls(
            new_id(),
            presentation.organization_id,
            presentation.id,
            token_digest(token),
            token[:PREFIX_CHARS],
            by,
            show_attributions,
            now,
            expires_at,
        )
        return link, token

    def status(self, now: datetime) -> ShareStatus:
        """Revoked, expired, or still working."""
        if self.revoked_at is not None:
            return ShareStatus.REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return ShareStatus.EXPIRED
        return ShareStatus.ACTIVE

    def is_open(self, now: datetime) -> bool:
        """Whether the link shows its deck now."""
        return self.status(now) is ShareStatus.ACTIVE

    def check_open(self, now: datetime) -> None:
        """``Gone`` once the link was revoked or has expired."""
        status = self.status(now)
        if status is ShareStatus.REVOKED:
            raise Gone("this share link was revoked")
        if status is ShareStatus.EXPIRED:
            raise Gone(f"this share link expired at {self.expires_at:%Y-%m-%d %H:%M} UTC")

    def revoke(self, now: datetime | None = None) -> None:
        """Stop the link for good (revoking again changes nothing)."""
        self.revoked_at = self.revoked_at or now or _now()


@frozen
class SharedSource:
    """A source a shared deck quotes, as the public view names it."""

    id: str
    name: str
    page_count: int | None = None


@frozen
class DeckView:
    """What a share link shows: the deck's slides without speaker notes, and attributions only if allowed."""

    share_id: str
    presentation_id: str
    title: str
    language: str
    slides: tuple[SlideContent, ...]
    show_attributions: bool
    sources: tuple[SharedSource, ...] = ()
    expires_at: datetime | None = None

    @classmethod
    def of(cls, link: ShareLink, presentation: Presentation, sources: Mapping[str, SharedSource]) -> DeckView:
        """The view of ``presentation`` through ``link``; ``sources`` names the documents its slides quote."""
        slides = tuple(_shown(s.content, link.show_attributions) for s in presentation.slides)
        quoted: list[str] = []
        if link.show_attributions:
            quoted = list(dict.fromkeys(a.source_document_id for c in slides for a in c.attributions))
        return cls(
            link.id,
            presentation.id,
            presentation.title,
            presentation.language,
            slides,
            link.show_attributions,
            tuple(sources[i] for i in quoted if i in sources),
            link.expires_at,
        )


def _shown(content: SlideContent, with_attributions: bool) -> SlideContent:
    """The slide as a stranger may see it: never the notes; the attributions only when the link allows."""
    if with_attributions:
        return attrs.evolve(content, notes="")
    return attrs.evolve(
        content,
        notes="",
        bullets=tuple(attrs.evolve(b, attributions=(), supported=False) for b in content.bullets),
        table=attrs.evolve(content.table, attribution=None) if content.table else None,
        chart=attrs.evolve(content.chart, attribution=None) if content.chart else None,
    )
