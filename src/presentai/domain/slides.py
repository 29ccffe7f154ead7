"""Slides, their content and attribution, and their version history."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from datetime import UTC, datetime

from attrs import define, evolve, field, frozen

from presentai.domain.errors import NotFound, ValidationFailed
from presentai.domain.figures import key_figure
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
    KEY_FIGURES = "key_figures"  # two to four bullets, each shown as its figure, large, over the sentence
    CHART = "chart"  # the slide's ``chart``, drawn as a native chart


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
    """A simple table: a header row and body rows of cell text, and where in the sources it is."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    attribution: Attribution | None = None


class ChartKind(enum.StrEnum):
    """How a chart draws its series."""

    BAR = "bar"  # horizontal bars
    COLUMN = "column"  # vertical bars
    LINE = "line"
    PIE = "pie"  # one series only


@frozen
class Series:
    """One named series of a chart: a value for each category."""

    name: str
    values: tuple[float, ...]


@frozen
class Chart:
    """A chart's data: categories, one or more series over them, the unit of the values and its source."""

    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    attribution: Attribution | None = None

    def problems(self, limits: Limits) -> dict[str, str]:
        """What is wrong with the chart's data, by field (empty when nothing is)."""
        problems: dict[str, str] = {}
        if not self.categories:
            problems["chart.categories"] = "must not be empty"
        if not self.series:
            problems["chart.series"] = "must not be empty"
        if self.kind is ChartKind.PIE and len(self.series) > 1:
            problems["chart.series"] = "a pie chart has one series"
        for i, series in enumerate(self.series):
            if len(series.values) != len(self.categories):
                problems[f"chart.series[{i}].values"] = f"needs one value per category ({len(self.categories)})"
            if not all(math.isfinite(v) for v in series.values):
                problems[f"chart.series[{i}].values"] = "must be finite numbers"
            if self.kind is ChartKind.PIE and any(v < 0 for v in series.values):
                problems[f"chart.series[{i}].values"] = "a pie chart has no negative values"
        cells = len(self.categories) * (len(self.series) + 1)
        if cells > limits.table_cells:
            problems["chart"] = f"at most {limits.table_cells} values, got {cells}"
        return problems


@frozen
class SlideContent:
    """What a slide says, independent of how it is drawn."""

    layout: Layout
    title: str
    bullets: tuple[Bullet, ...] = ()
    notes: str = ""
    table: Table | None = None
    chart: Chart | None = None
    # two_column: the index of the first bullet of the right-hand column; ``None`` splits the bullets
    # in half (the left column takes the odd one). Other layouts ignore it.
    column_break: int | None = None

    @property
    def attributions(self) -> tuple[Attribution, ...]:
        """Every attribution of every bullet, then the table's and the chart's, in order."""
        found = [a for bullet in self.bullets for a in bullet.attributions]
        found += [shown.attribution for shown in (self.table, self.chart) if shown and shown.attribution]
        return tuple(found)

    @property
    def columns(self) -> tuple[tuple[Bullet, ...], tuple[Bullet, ...]]:
        """The bullets of the left and of the right column of a two-column slide."""
        split = (len(self.bullets) + 1) // 2 if self.column_break is None else self.column_break
        return self.bullets[:split], self.bullets[split:]

    def edited(
        self,
        *,
        title: str | None = None,
        bullets: Iterable[tuple[str, int]] | None = None,
        notes: str | None = None,
    ) -> SlideContent:
        """This content with the given fields replaced (``None`` keeps one); bullets come as (text, level), and
        one whose text is unchanged keeps its sources at its new level, while an edited or new one has none."""
        content = self
        if bullets is not None:
            kept = {b.text: b for b in self.bullets}
            content = evolve(
                content,
                bullets=tuple(evolve(kept[t], level=lv) if t in kept else Bullet(t, lv) for t, lv in bullets),
            )
        if title is not None:
            content = evolve(content, title=title)
        if notes is not None:
            content = evolve(content, notes=notes)
        return content

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
        if self.chart is not None:
            problems.update(self.chart.problems(limits))
        elif self.layout is Layout.CHART:
            problems["chart"] = "a chart slide needs a chart"
        if self.column_break is not None and not 0 <= self.column_break <= len(self.bullets):
            problems["column_break"] = f"must be between 0 and the number of bullets ({len(self.bullets)})"
        if self.layout is Layout.KEY_FIGURES:
            problems.update(_key_figure_problems(self.bullets))
        if problems:
            raise ValidationFailed("slide content is invalid", problems)


def _key_figure_problems(bullets: tuple[Bullet, ...]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not 1 <= len(bullets) <= 4:
        problems["bullets"] = f"a key-figures slide shows one to four figures, got {len(bullets)}"
    for i, bullet in enumerate(bullets):
        if key_figure(bullet.text) is None:
            problems[f"bullets[{i}].text"] = "a key figure needs a number"
    return problems


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
