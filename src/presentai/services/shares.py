"""Share links: make, list and revoke them; open one anonymously; record its views; add them up.

The caller has checked the member's role and the key's scope on the presentation; opening a link and
reporting a view need no sign-in (the token is the credential).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from attrs import frozen

from presentai.domain.analytics import ViewerKeys, ViewEvent, ViewSummary, looks_automated
from presentai.domain.errors import Gone, NotFound
from presentai.domain.presentation import Presentation
from presentai.domain.shares import DeckView, SharedSource, ShareLink, token_digest
from presentai.ports.repositories import PresentationRepository, SourceRepository
from presentai.ports.shares import ShareRepository, ViewAnalytics


def _now() -> datetime:
    return datetime.now(UTC)


@frozen
class Visitor:
    """Who opened a link, as far as an anonymous request tells: never stored as such (see ``ViewerKeys``)."""

    address: str
    user_agent: str = ""
    referrer: str = ""


@frozen
class OpenedShare:
    """A link just opened: the deck it shows, and the token its page reports the view with (none for a
    robot, whose opening is no view)."""

    link: ShareLink
    deck: DeckView
    view_token: str | None


class Shares:
    """The use cases of share links and their analytics."""

    def __init__(
        self,
        *,
        shares: ShareRepository,
        presentations: PresentationRepository,
        sources: SourceRepository,
        analytics: ViewAnalytics,
        keys: ViewerKeys,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._shares = shares
        self._presentations = presentations
        self._sources = sources
        self._analytics = analytics
        self._keys = keys
        self._clock = clock

    async def create(
        self,
        presentation: Presentation,
        *,
        by: str,
        show_attributions: bool = False,
        expires_at: datetime | None = None,
    ) -> tuple[ShareLink, str]:
        """A new link to ``presentation`` and its token (the only time it is seen)."""
        link, token = ShareLink.create(
            presentation, by=by, show_attributions=show_attributions, expires_at=expires_at, now=self._clock()
        )
        await self._shares.add(link)
        return link, token

    async def list(self, presentation: Presentation, limit: int = 50, before: str = "") -> list[ShareLink]:
        """The presentation's links, newest first, a page at a time."""
        return await self._shares.for_presentation(presentation.organization_id, presentation.id, limit, before)

    async def get(self, presentation: Presentation, share_id: str) -> ShareLink:
        """One of the presentation's links; ``NotFound`` for any other."""
        link = await self._shares.get(presentation.organization_id, share_id)
        if link.presentation_id != presentation.id:
            raise NotFound.of("share link", share_id)
        return link

    async def revoke(self, presentation: Presentation, share_id: str) -> ShareLink:
        """Stop one of the presentation's links for good (again: no change)."""
        link = await self.get(presentation, share_id)
        if link.revoked_at is None:
            link.revoke(self._clock())
            await self._shares.save(link)
        return link

    async def open(self, token: str, visitor: Visitor, *, count: bool = True) -> OpenedShare:
        """The deck behind ``token``, and a view recorded (unless not ``count``, or a robot opened it):
        ``NotFound`` for an unknown token, ``Gone`` for a revoked or expired link, or a deleted presentation."""
        link, presentation = await self._live(token)
        deck = DeckView.of(link, presentation, await self._quoted(presentation) if link.show_attributions else {})
        if not count or looks_automated(visitor.user_agent):
            return OpenedShare(link, deck, None)
        event = ViewEvent.opened(
            link,
            viewer_id=self._keys.viewer_id(visitor.address, visitor.user_agent, self._clock()),
            slide_count=len(presentation.slides),
            referrer=visitor.referrer,
        )
        await self._analytics.record(event)
        return OpenedShare(link, deck, self._keys.view_token(link.id, event.view_id))

    async def report_view(
        self,
        token: str,
        view_token: str,
        visitor: Visitor,
        *,
        slides_seen: Sequence[int],
        seconds_per_slide: Sequence[float],
    ) -> ViewEvent:
        """Record what a view has seen so far (totals, not increments); the link must still be open."""
        link, presentation = await self._live(token)
        view_id = self._keys.view_id(link.id, view_token)
        now = self._clock()
        event = ViewEvent.reported(
            link,
            view_id,
            slides_seen=slides_seen,
            seconds_per_slide=seconds_per_slide,
            viewer_id=self._keys.viewer_id(visitor.address, visitor.user_agent, now),
            slide_count=len(presentation.slides),
        )
        await self._analytics.record(event)
        return event

    async def summary(self, presentation: Presentation, share_id: str = "") -> ViewSummary:
        """The presentation's view analytics (or one of its links')."""
        if share_id:
            await self.get(presentation, share_id)
        return await self._analytics.summary(presentation.organization_id, presentation.id, share_id)

    async def _live(self, token: str) -> tuple[ShareLink, Presentation]:
        link = await self._shares.by_token(token_digest(token)) if token else None
        if link is None:
            raise NotFound.of("share link", "(token)")
        link.check_open(self._clock())
        presentation = await self._presentations.get(link.organization_id, link.presentation_id)
        if presentation.deleted_at is not None:
            raise Gone("the shared presentation was deleted")
        return link, presentation

    async def _quoted(self, presentation: Presentation) -> dict[str, SharedSource]:
        ids = list(dict.fromkeys(a.source_document_id for s in presentation.slides for a in s.content.attributions))
        found = await self._sources.get_many(presentation.organization_id, ids)
        return {s.id: SharedSource(s.id, s.title or s.filename, s.page_count) for s in found}
