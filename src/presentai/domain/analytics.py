"""View analytics of share links: anonymous view events, and what they add up to.

A *view* is one opening of a link. The page that shows it then reports, from time to time, the slides
seen so far and the seconds spent on each so far (totals, not increments): a beacon lost or sent twice
never counts twice. Each report is an event of its own; events are only ever added.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from attrs import field, frozen

from presentai.domain.errors import NotFound, ValidationFailed
from presentai.domain.ids import new_id
from presentai.domain.shares import ShareLink

MAX_SECONDS_PER_SLIDE = 24 * 60 * 60  # a tab left open all day counts one day, not a week
MAX_REFERRER_CHARS = 300


def _now() -> datetime:
    return datetime.now(UTC)


class ViewEventKind(enum.StrEnum):
    """An opening of a link, or a later report of the same view."""

    OPENED = "opened"
    PROGRESS = "progress"


@frozen
class ViewEvent:
    """One event of one view; ``seconds_per_slide[i]`` is the time on slide ``i + 1`` so far."""

    view_id: str
    share_id: str
    presentation_id: str
    organization_id: str
    viewer_id: str
    slide_count: int
    kind: ViewEventKind = ViewEventKind.OPENED
    slides_seen: tuple[int, ...] = ()
    seconds_per_slide: tuple[float, ...] = ()
    referrer: str = ""
    id: str = field(factory=new_id)
    at: datetime = field(factory=_now)

    @classmethod
    def opened(cls, link: ShareLink, *, viewer_id: str, slide_count: int, referrer: str = "") -> ViewEvent:
        """A new view of ``link``'s deck of ``slide_count`` slides."""
        return cls(
            new_id(),
            link.id,
            link.presentation_id,
            link.organization_id,
            viewer_id,
            slide_count,
            referrer=clean_referrer(referrer),
        )

    @classmethod
    def reported(
        cls,
        link: ShareLink,
        view_id: str,
        *,
        slides_seen: Sequence[int],
        seconds_per_slide: Sequence[float],
        viewer_id: str,
        slide_count: int,
    ) -> ViewEvent:
        """A report of view ``view_id``: the slides seen and seconds so far, checked against the deck's
        ``slide_count``; seconds on one slide count at most a day."""
        problems: dict[str, str] = {}
        if any(not 1 <= n <= slide_count for n in slides_seen):
            problems["slides_seen"] = f"slide numbers run from 1 to {slide_count}"
        if len(seconds_per_slide) > slide_count:
            problems["seconds_per_slide"] = f"one number per slide, at most {slide_count}"
        elif any(not math.isfinite(s) or s < 0 for s in seconds_per_slide):
            problems["seconds_per_slide"] = "seconds are finite and not negative"
        if problems:
            raise ValidationFailed("the view report is invalid", problems)
        return cls(
            view_id,
            link.id,
            link.presentation_id,
            link.organization_id,
            viewer_id,
            slide_count,
            ViewEventKind.PROGRESS,
            tuple(sorted(set(slides_seen))),
            tuple(round(min(s, MAX_SECONDS_PER_SLIDE), 3) for s in seconds_per_slide),
        )


_AUTOMATED = re.compile(r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|embedly|preview|whatsapp", re.IGNORECASE)


def looks_automated(user_agent: str) -> bool:
    """Whether a request comes from a crawler or a link-preview robot (a chat app unfurling the link),
    whose openings are not views."""
    return bool(_AUTOMATED.search(user_agent))


def clean_referrer(value: str) -> str:
    """Where a viewer came from: an http(s) address without its query or fragment (which may hold
    someone's tokens), at most 300 characters; ``""`` for anything else."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"[:MAX_REFERRER_CHARS]


class ViewerKeys:
    """Anonymous viewer ids and signed view tokens, from one server secret.

    A viewer id is an HMAC of the address and user agent under a salt of the day (itself an HMAC of the
    secret and the UTC date): the same browser has one id all day, and ids of two days cannot be linked,
    nor turned back into an address without the secret. The salt is never stored.
    """

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        self._key = hmac.new(raw, b"presentai share analytics", hashlib.sha256).digest()

    def _salt(self, day: date) -> bytes:
        return hmac.new(self._key, f"viewer-salt:{day.isoformat()}".encode(), hashlib.sha256).digest()

    def viewer_id(self, address: str, user_agent: str, now: datetime) -> str:
        """The viewer's id for the UTC day of ``now``."""
        day = now.astimezone(UTC).date()
        return hmac.new(self._salt(day), f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]

    def view_token(self, share_id: str, view_id: str) -> str:
        """What the page sends back with its reports: the view's id and a signature binding it to the link."""
        return f"{view_id}.{self._signature(share_id, view_id)}"

    def view_id(self, share_id: str, token: str) -> str:
        """The view a report belongs to; ``NotFound`` for a token this link did not hand out."""
        view_id, _, signature = token.partition(".")
        if not view_id or not hmac.compare_digest(signature, self._signature(share_id, view_id)):
            raise NotFound.of("view", view_id[:40])
        return view_id

    def _signature(self, share_id: str, view_id: str) -> str:
        return hmac.new(self._key, f"view:{share_id}:{view_id}".encode(), hashlib.sha256).hexdigest()[:32]


@frozen
class SlideStats:
    """How one slide (by number) was watched."""

    number: int
    views: int  # views that saw it
    average_seconds: float


@frozen
class ViewSummary:
    """The analytics of a presentation (or of one of its links)."""

    views: int
    unique_viewers: int  # per day: the same person on two days counts twice (ids are unlinkable)
    average_seconds_per_slide: float  # over every slide seen in every view
    completion_rate: float  # views that saw every slide / views
    slides: tuple[SlideStats, ...] = ()
    first_view_at: datetime | None = None
    last_view_at: datetime | None = None


@frozen
class _View:
    viewer_id: str
    opened_at: datetime
    slide_count: int
    seconds: dict[int, float]
    seen: frozenset[int]


def _views(events: Iterable[ViewEvent]) -> list[_View]:
    grouped: dict[str, list[ViewEvent]] = {}
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        grouped.setdefault(event.view_id, []).append(event)
    views = []
    for group in grouped.values():
        seconds: dict[int, float] = {}
        seen: set[int] = set()
        for event in group:
            seen.update(event.slides_seen)
            for index, value in enumerate(event.seconds_per_slide):
                seconds[index + 1] = max(seconds.get(index + 1, 0.0), value)  # totals so far: the largest wins
        seen.update(n for n, s in seconds.items() if s > 0)
        views.append(_View(group[0].viewer_id, group[0].at, group[-1].slide_count, seconds, frozenset(seen)))
    return views


def summarize(events: Iterable[ViewEvent]) -> ViewSummary:
    """What the events of some views add up to."""
    views = _views(events)
    if not views:
        return ViewSummary(0, 0, 0.0, 0.0)
    watched = [(n, view.seconds.get(n, 0.0)) for view in views for n in view.seen]
    complete = sum(1 for v in views if v.slide_count > 0 and v.seen >= set(range(1, v.slide_count + 1)))
    per_slide: dict[int, list[float]] = {}
    for number, seconds in watched:
        per_slide.setdefault(number, []).append(seconds)
    return ViewSummary(
        views=len(views),
        unique_viewers=len({v.viewer_id for v in views}),
        average_seconds_per_slide=_ratio(sum(s for _, s in watched), len(watched)),
        completion_rate=_ratio(complete, len(views)),
        slides=tuple(
            SlideStats(n, len(values), _ratio(sum(values), len(values))) for n, values in sorted(per_slide.items())
        ),
        first_view_at=min(v.opened_at for v in views),
        last_view_at=max(v.opened_at for v in views),
    )


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0
