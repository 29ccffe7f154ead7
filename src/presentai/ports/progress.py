"""Telling the user how a job is going."""

from __future__ import annotations

from typing import Protocol

from presentai.domain.events import ProgressEvent


class ProgressSink(Protocol):
    """Receives a job's progress events in order."""

    async def publish(self, event: ProgressEvent) -> None:
        """Deliver one event; must not raise for a slow or absent listener."""
        ...
