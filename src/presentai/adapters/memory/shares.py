"""Share links and view events in this process, for the embedded mode and tests."""

from __future__ import annotations

import copy

from presentai.domain.analytics import ViewEvent, ViewSummary, summarize
from presentai.domain.errors import NotFound
from presentai.domain.shares import ShareLink


class InProcessShareRepository:
    """Share links in a dict; reads hand out copies, as a database would."""

    def __init__(self) -> None:
        self._rows: dict[str, ShareLink] = {}

    async def add(self, link: ShareLink) -> None:
        """Store a new link."""
        self._rows[link.id] = copy.copy(link)

    async def get(self, organization_id: str, share_id: str) -> ShareLink:
        """The organization's link, or ``NotFound``."""
        found = self._rows.get(share_id)
        if found is None or found.organization_id != organization_id:
            raise NotFound.of("share link", share_id)
        return copy.copy(found)

    async def save(self, link: ShareLink) -> None:
        """Store the link's state."""
        await self.get(link.organization_id, link.id)
        self._rows[link.id] = copy.copy(link)

    async def for_presentation(
        self, organization_id: str, presentation_id: str, limit: int = 50, before: str = ""
    ) -> list[ShareLink]:
        """Newest first, older than ``before``."""
        rows = [
            link
            for link in self._rows.values()
            if link.organization_id == organization_id
            and link.presentation_id == presentation_id
            and (not before or link.id < before)
        ]
        return [copy.copy(link) for link in sorted(rows, key=lambda link: link.id, reverse=True)[:limit]]

    async def by_token(self, token_hash: str) -> ShareLink | None:
        """The link with this token digest."""
        found = next((link for link in self._rows.values() if link.token_hash == token_hash), None)
        return copy.copy(found) if found else None


class InProcessViewAnalytics:
    """View events in a dict keyed by their id (recording one twice keeps it once)."""

    def __init__(self) -> None:
        self._events: dict[str, ViewEvent] = {}

    async def record(self, event: ViewEvent) -> None:
        """Keep the event."""
        self._events.setdefault(event.id, event)

    async def summary(self, organization_id: str, presentation_id: str, share_id: str = "") -> ViewSummary:
        """The presentation's (or one link's) views added up."""
        return summarize(
            e
            for e in self._events.values()
            if e.organization_id == organization_id
            and e.presentation_id == presentation_id
            and (not share_id or e.share_id == share_id)
        )
