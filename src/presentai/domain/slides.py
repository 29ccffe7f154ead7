"""Slides, their content and attribution, and their version history."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from attrs import define, field, frozen

from presentai.domain.errors import NotFound, ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.limits import DEFAULT_LIMITS, Limits


class Layout(enum.StrEnum):
    """How a slide is laid out."""

    TITLE = "title"
    AGENDA = "agenda"
    SECTION = "section"
    BULLETS = "bullets"
    TWO_COLUMN = "two_column"
    TABLE = "table"
    QUOTE = "quote"
    SOURCES = "sources"


@frozen
class Attribution:
    """Where a bullet's claim comes from: a span of one chunk of one source.

    ``start``/``end`` are offsets of ``quote`` in the chunk's text, and ``score``
    how well the quote supports the bullet (0–1).
    """

    source_document_id: str
    chunk_id: str
    quote: str
    start: int
    end: int
    page: int | None = None
    section: str = ""
    score: float = 0.0  # set by the attribution check


@frozen
class Bullet:
    """One statement on a slide, with the passages it rests on."""

    text: str
    level: int = 0
    attributions: tuple[Attribution, ...] = ()
    supported: bool = False  # set by the attribution check


@frozen
class Table:
    """A simple table: a header row and body rows of cell text."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen
class SlideContent:
    """What a slide says, independent of how it is drawn."""

    layout: Layout
    title: str
    bullets: tuple[Bullet, ...] = ()
    notes: str = ""
    table: Table | None = None

    @property
    def attributions(self) -> tuple[Attribution, ...]:
        """Every attribution of every bullet, in order."""
        return tuple(a for bullet in self.bullets for a in bullet.attributions)

    def validate(self, limits: Limits = DEFAULT_LIMITS) -> None:
        """Raise ``ValidationFailed`` unless the content is well-formed and within ``limits``."""
        problems: dict[str, str] = {}
        if not self.title.strip():
            problems["title"] = "must not be empty"
        limits.text(problems, "title", self.title, limits.title_chars)
        limits.text(problems, "notes", self.notes, limits.notes_chars)
        if len(self.bullets) > limits.bullets_per_slide:
            problems["bullets"] = f"at most {limits.bullets_per_slide} bullets, got {len(self.bullets)}"
        for i, bullet in enumerate(self.bullets[: limits.bullets_per_slide]):
            if not bullet.text.strip():
                problems[f"bullets[{i}].text"] = "must not be empty"
            limits.text(problems, f"bullets[{i}].text", bullet.text, limits.bullet_chars)
            if not 0 <= bullet.level <= 4:
                problems[f"bullets[{i}].level"] = "must be between 0 and 4"
        if self.table is not None:
            cells = len(self.table.header) + sum(len(row) for row in self.table.rows)
            if cells > limits.table_cells:
                problems["table"] = f"at most {limits.table_cells} cells, got {cells}"
        if problems:
            raise ValidationFailed("slide content is invalid", problems)


class VersionReason(enum.StrEnum):
    """Why a slide version was made."""

    GENERATED = "generated"
    REGENERATED = "regenerated"
    EDITED = "edited"
    RESTORED = "restored"


@frozen
class SlideVersion:
    """One numbered, immutable state of a slide."""

    number: int
    content: SlideContent
    reason: VersionReason
    created_by: str = ""
    created_at: datetime = field(factory=lambda: datetime.now(UTC))


@define
class Slide:
    """A content slide of a presentation; every change appends a version."""

    id: str
    presentation_id: str
    versions: list[SlideVersion]
    outline_index: int | None = None

    @classmethod
    def create(
        cls,
        presentation_id: str,
        content: SlideContent,
        *,
        reason: VersionReason = VersionReason.GENERATED,
        by: str = "",
        outline_index: int | None = None,
    ) -> Slide:
        """A new slide whose first version is ``content``."""
        content.validate()
        return cls(new_id(), presentation_id, [SlideVersion(1, content, reason, by)], outline_index)

    @property
    def content(self) -> SlideContent:
        """The current content (the latest version's)."""
        return self.versions[-1].content

    @property
    def version(self) -> int:
        """The current version number."""
        return self.versions[-1].number

    def revise(
        self,
        content: SlideContent,
        *,
        by: str = "",
        reason: VersionReason = VersionReason.EDITED,
        limits: Limits = DEFAULT_LIMITS,
    ) -> SlideVersion:
        """Make ``content`` the new current version; the last ``limits.versions_per_slide`` are kept."""
        content.validate(limits)
        version = SlideVersion(self.version + 1, content, reason, by)
        self.versions.append(version)
        del self.versions[: -limits.versions_per_slide]
        return version

    @property
    def oldest_kept(self) -> int:
        """The number of the oldest version still kept (older ones were dropped)."""
        return self.versions[0].number

    def restore(self, number: int, *, by: str = "", limits: Limits = DEFAULT_LIMITS) -> SlideVersion:
        """Make a new version whose content is that of version ``number``."""
        for version in self.versions:
            if version.number == number:
                return self.revise(version.content, by=by, reason=VersionReason.RESTORED, limits=limits)
        raise NotFound.of("slide version", f"{self.id}/{number}")
