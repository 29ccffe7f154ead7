"""Presentations: parameters, outline, lifecycle and the slides they own."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime

from attrs import define, field, frozen

from presentai.domain.errors import Conflict, NotFound, SlideCountOutOfRange, ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.limits import DEFAULT_LIMITS, Limits
from presentai.domain.outline import Outline, OutlineEdit, OutlineItem
from presentai.domain.slides import Slide, SlideContent, VersionReason

__all__ = [  # the outline's classes live in domain/outline.py; they are still found here
    "DEFAULT_THEME",
    "LANGUAGES",
    "LEFT_OUT",
    "MAX_SLIDES",
    "MIN_SLIDES",
    "THEMES",
    "GenerationParameters",
    "Outline",
    "OutlineEdit",
    "OutlineItem",
    "Presentation",
    "PresentationStatus",
    "PresentationSummary",
    "check_theme",
]

MIN_SLIDES = 1
MAX_SLIDES = 100
LANGUAGES = ("en", "ru")
THEMES = ("light", "dark", "corporate")  # the built-in looks a deck is drawn in (adapters/pptx/themes.py)
DEFAULT_THEME = "light"


def check_theme(theme: str) -> None:
    """Raise ``ValidationFailed`` naming the built-in themes unless ``theme`` is one of them."""
    if theme not in THEMES:
        raise ValidationFailed(
            f"there is no theme {theme!r}; the themes are {', '.join(THEMES)}",
            {"theme": f"must be one of {', '.join(THEMES)}"},
        )


@frozen
class GenerationParameters:
    """What the user asked for: topic, tone, audience, number of content slides, language, brand kit.

    ``language`` ``None`` means "the dominant language of the sources"; ``brand_kit_id`` ``None`` means
    the organization's default kit (if it has one).
    """

    slide_count: int = 10
    topic: str = ""
    tone: str = "neutral"
    audience: str = "general"
    language: str | None = None
    brand_kit_id: str | None = None

    def validate(self, max_slides: int = MAX_SLIDES, limits: Limits = DEFAULT_LIMITS) -> None:
        """Raise unless the parameters are acceptable under ``max_slides`` and ``limits``."""
        problems: dict[str, str] = {}
        limits.text(problems, "topic", self.topic, limits.topic_chars)
        limits.text(problems, "tone", self.tone, limits.label_chars)
        limits.text(problems, "audience", self.audience, limits.label_chars)
        if problems:
            raise ValidationFailed("the parameters are too long", problems)
        if not MIN_SLIDES <= self.slide_count <= max_slides:
            raise SlideCountOutOfRange(
                f"slide count must be between {MIN_SLIDES} and {max_slides}, got {self.slide_count}",
                {"slide_count": f"must be between {MIN_SLIDES} and {max_slides}"},
            )
        if self.language is not None and self.language not in LANGUAGES:
            raise ValidationFailed(
                f"language {self.language!r} is not supported (use one of {', '.join(LANGUAGES)})",
                {"language": "unsupported"},
            )


LEFT_OUT = "it only repeated others"  # the reason a warning gives for an outline item without a slide


class PresentationStatus(enum.StrEnum):
    """Where a presentation is in its lifecycle."""

    DRAFT = "draft"
    OUTLINING = "outlining"
    OUTLINE_READY = "outline_ready"
    GENERATING = "generating"
    READY = "ready"
    FAILED = "failed"


_BUSY = (PresentationStatus.OUTLINING, PresentationStatus.GENERATING)


@define
class Presentation:
    """A deck being built from sources; owns its content slides in order."""

    id: str
    organization_id: str
    title: str
    parameters: GenerationParameters
    source_ids: list[str] = field(factory=list)
    status: PresentationStatus = PresentationStatus.DRAFT
    outline: Outline | None = None
    slides: list[Slide] = field(factory=list)
    language: str = "en"
    warnings: list[str] = field(factory=list)
    error_message: str = ""
    created_at: datetime = field(factory=lambda: datetime.now(UTC))
    deleted_at: datetime | None = None
    revision: int = 0  # bumped by every save; a save from a stale read is refused (optimistic locking)
    job_id: str = ""  # the outline or slides job that owns the presentation while it is busy
    project_id: str = ""
    theme: str = DEFAULT_THEME  # the built-in look of every render and export (a brand kit's colours go over it)

    @classmethod
    def create(
        cls,
        organization_id: str,
        title: str,
        parameters: GenerationParameters,
        max_slides: int = MAX_SLIDES,
        limits: Limits = DEFAULT_LIMITS,
        *,
        theme: str = DEFAULT_THEME,
    ) -> Presentation:
        """A new draft presentation in ``theme``, with parameters checked against the plan's ``max_slides``."""
        _check_title(title, limits)
        parameters.validate(max_slides, limits)
        check_theme(theme)
        return cls(new_id(), organization_id, title or "Untitled presentation", parameters, theme=theme)

    def add_source(self, source_id: str, limit: int = 20) -> None:
        """Attach a source document, at most ``limit`` of them."""
        if source_id in self.source_ids:
            return
        if len(self.source_ids) >= limit:
            raise ValidationFailed(f"a presentation takes at most {limit} sources", {"sources": "too many"})
        self.source_ids.append(source_id)

    def start_outlining(self, job_id: str = "") -> None:
        """Enter ``outlining`` for ``job_id``; refused while another job runs (the same job resumes)."""
        if not self._owned_by(job_id, PresentationStatus.OUTLINING):
            self._refuse_if_busy()
        self.status = PresentationStatus.OUTLINING
        self.job_id = job_id
        self.error_message = ""

    def accept_outline(self, outline: Outline, language: str) -> None:
        """Store a validated outline and move to ``outline_ready``."""
        outline.validate(self.parameters.slide_count)
        if len(outline.items) < self.parameters.slide_count:
            self.warn(
                f"The sources hold enough for {len(outline.items)} distinct slides, "
                f"not the {self.parameters.slide_count} asked for."
            )
        self.outline = outline
        self.language = language
        self.job_id = ""
        if outline.title and self.title == "Untitled presentation":
            self.title = outline.title
        self.status = PresentationStatus.OUTLINE_READY

    def revise_outline(self, edits: Sequence[OutlineEdit], *, limits: Limits = DEFAULT_LIMITS) -> None:
        """Replace the outline by its edited items (retitled, reordered, removed, added), all or nothing.

        Refused while a job runs or before there is an outline (``Conflict``). At most ``slide_count`` items.
        A slide written from a kept item follows it; one from a removed item stays, no longer tied to the outline.
        """
        self._refuse_if_busy()
        if self.outline is None:
            raise Conflict("generate the outline before editing it")
        outline = self.outline.revised(edits, self.parameters.slide_count, limits)
        moved = {e.from_index: i for i, e in enumerate(edits) if e.from_index is not None}
        for slide in self.slides:
            if slide.outline_index is not None:
                slide.outline_index = moved.get(slide.outline_index)
        self.outline = outline

    def start_generating(self, job_id: str = "") -> None:
        """Enter ``generating`` for ``job_id``; needs an outline; refused while another job runs."""
        if self.outline is None:
            raise Conflict("generate the outline before the slides")
        if not self._owned_by(job_id, PresentationStatus.GENERATING):
            if self.status is PresentationStatus.GENERATING:
                raise Conflict("this presentation is already being generated")
            self._refuse_if_busy()
        if self.job_id != job_id:  # a new run: what an earlier one left out may be written this time
            self.warnings = [w for w in self.warnings if LEFT_OUT not in w]
        self.status = PresentationStatus.GENERATING
        self.job_id = job_id
        self.error_message = ""

    def _owned_by(self, job_id: str, status: PresentationStatus) -> bool:
        return bool(job_id) and self.job_id == job_id and self.status is status

    def leave_out(self, index: int, title: str) -> None:
        """Outline item ``index`` gets no slide (it would only repeat others): an earlier one there goes, and
        the deck says so."""
        self.slides = [s for s in self.slides if s.outline_index != index]
        self.warn(f"Slide {index + 1} ({title}) was left out: {LEFT_OUT}.")

    def put_slide(self, slide: Slide) -> None:
        """Place a generated slide at its outline position, replacing one already there."""
        for i, existing in enumerate(self.slides):
            if slide.outline_index is not None and existing.outline_index == slide.outline_index:
                self.slides[i] = slide
                return
        self.slides.append(slide)
        self.slides.sort(key=lambda s: (s.outline_index is None, s.outline_index or 0))

    def mark_ready(self) -> None:
        """All slides are written."""
        self.status = PresentationStatus.READY
        self.job_id = ""

    def abandon(self, job_id: str, message: str) -> bool:
        """The job ``job_id`` will not run again: if it still holds the presentation, the presentation
        fails with ``message`` (and can be generated again); whether it did."""
        if not job_id or self.job_id != job_id or self.status not in _BUSY:
            return False
        self.fail(message)
        return True

    def fail(self, message: str) -> None:
        """The generation failed; ``message`` says why."""
        self.status = PresentationStatus.FAILED
        self.error_message = message
        self.job_id = ""

    def update(
        self,
        *,
        title: str | None = None,
        parameters: GenerationParameters | None = None,
        theme: str | None = None,
        max_slides: int = MAX_SLIDES,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """Change the title, the generation parameters or the theme (not while generating); all or nothing."""
        self._refuse_if_busy()
        if title is not None:
            if not title.strip():
                raise ValidationFailed("the title must not be empty", {"title": "empty"})
            _check_title(title, limits)
        if parameters is not None:
            parameters.validate(max_slides, limits)
        if theme is not None:
            check_theme(theme)
        if title is not None:
            self.title = title.strip()
        if parameters is not None:
            self.parameters = parameters
        if theme is not None:
            self.theme = theme

    def delete(self) -> None:
        """Soft-delete: hidden from lists and reads, restorable for 30 days."""
        self._refuse_if_busy()
        self.deleted_at = self.deleted_at or datetime.now(UTC)

    def duplicate(self, title: str = "", limits: Limits = DEFAULT_LIMITS) -> Presentation:
        """A copy with the same sources, outline and current slides (each starting a new history)."""
        self._refuse_if_busy()
        _check_title(title, limits)
        copy = Presentation(
            new_id(),
            self.organization_id,
            title or f"{self.title} (copy)",
            self.parameters,
            list(self.source_ids),
            self.status,
            self.outline,
            language=self.language,
            warnings=list(self.warnings),
            theme=self.theme,
        )
        copy.slides = [Slide.create(copy.id, s.content, outline_index=s.outline_index) for s in self.slides]
        return copy

    def add_slide(
        self, content: SlideContent, position: int | None = None, *, by: str = "", limits: Limits = DEFAULT_LIMITS
    ) -> Slide:
        """Insert a new slide (written by hand) at ``position`` (1-based; default last), at most
        ``limits.slides_per_deck`` of them."""
        self._refuse_if_busy()
        if len(self.slides) >= limits.slides_per_deck:
            raise ValidationFailed(
                f"a presentation holds at most {limits.slides_per_deck} slides", {"slides": "too many"}
            )
        content.validate(limits)
        slide = Slide.create(self.id, content, reason=VersionReason.EDITED, by=by)
        index = len(self.slides) if position is None else max(0, min(position - 1, len(self.slides)))
        self.slides.insert(index, slide)
        return slide

    def remove_slide(self, slide_id: str) -> None:
        """Delete a slide."""
        self._refuse_if_busy()
        self.slides.remove(self.slide(slide_id))

    def remove_source(self, source_id: str) -> None:
        """Detach a source; slides already written keep their attributions."""
        self._refuse_if_busy()
        if source_id not in self.source_ids:
            raise NotFound.of("source", source_id)
        self.source_ids.remove(source_id)

    def warn(self, message: str) -> None:
        """Record a warning the user should see (e.g. a source that failed)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def slide(self, slide_id: str) -> Slide:
        """The slide with ``slide_id``."""
        for slide in self.slides:
            if slide.id == slide_id:
                return slide
        raise NotFound.of("slide", slide_id)

    def reorder(self, slide_ids: Sequence[str]) -> None:
        """Put the slides in the order of ``slide_ids``, which must name each exactly once."""
        if sorted(slide_ids) != sorted(s.id for s in self.slides):
            raise ValidationFailed("reorder must list every slide exactly once", {"slide_ids": "mismatch"})
        by_id = {s.id: s for s in self.slides}
        self.slides = [by_id[i] for i in slide_ids]

    def ensure_idle(self) -> None:
        """Raise ``Conflict`` while an outline or the slides are being generated."""
        self._refuse_if_busy()

    def _refuse_if_busy(self) -> None:
        if self.status in _BUSY:
            raise Conflict(f"this presentation is {self.status.value}; wait for it to finish")


@frozen
class PresentationSummary:
    """What a list shows of a presentation, read without its slides."""

    id: str
    organization_id: str
    title: str
    status: PresentationStatus
    parameters: GenerationParameters
    language: str
    created_at: datetime
    theme: str = DEFAULT_THEME

    @classmethod
    def of(cls, presentation: Presentation) -> PresentationSummary:
        """The summary of a loaded presentation."""
        p = presentation
        return cls(p.id, p.organization_id, p.title, p.status, p.parameters, p.language, p.created_at, p.theme)


def _check_title(title: str, limits: Limits) -> None:
    problems: dict[str, str] = {}
    limits.text(problems, "title", title, limits.title_chars)
    if problems:
        raise ValidationFailed("the title is too long", problems)
