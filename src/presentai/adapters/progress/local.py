"""In-process progress: a sink that fans events out to listeners."""

from __future__ import annotations

from collections.abc import Callable

from presentai.domain.events import ProgressEvent

Listener = Callable[[ProgressEvent], None]


class FanOutProgressSink:
    """Hands every event to each subscribed listener (the CLI's progress bars, a library user's hook)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def publish(self, event: ProgressEvent) -> None:
        """Call every listener; a listener's error is not the job's error."""
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001, S112 - a broken listener must not fail a generation
                continue
