"""Share links and their view analytics: where links are kept, and where view events go."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.analytics import ViewEvent, ViewSummary
from presentai.domain.shares import ShareLink


class ShareRepository(Protocol):
    """Share links, scoped to their organization; found without one only by their token's digest."""

    async def add(self, link: ShareLink) -> None:
        """Store a new link."""
        ...

    async def get(self, organization_id: str, share_id: str) -> ShareLink:
        """The organization's link, or ``NotFound``."""
        ...

    async def save(self, link: ShareLink) -> None:
        """Store the link's current state (its revocation)."""
        ...

    async def for_presentation(
        self, organization_id: str, presentation_id: str, limit: int = 50, before: str = ""
    ) -> list[ShareLink]:
        """Up to ``limit`` of the presentation's links older than id ``before``, newest first."""
        ...

    async def by_token(self, token_hash: str) -> ShareLink | None:
        """The link of any organization whose token has this digest (the token is the credential), or ``None``."""
        ...


class ViewAnalytics(Protocol):
    """Keeps view events (never loses one, never keeps one twice) and adds them up."""

    async def record(self, event: ViewEvent) -> None:
        """Keep the event (buffered if the store is down; it must not fail the view)."""
        ...

    async def summary(self, organization_id: str, presentation_id: str, share_id: str = "") -> ViewSummary:
        """What the presentation's views (or one link's, with ``share_id``) add up to."""
        ...
