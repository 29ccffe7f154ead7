"""Exports: request one (checked at once), and make it in the background (render, convert, store, announce)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from presentai.domain.errors import Conflict, PresentAIError, ProviderError, RenderError, ValidationFailed
from presentai.domain.events import ExportCompleted, GenerationFailed
from presentai.domain.exports import Export, ExportFormat, ExportStatus, export_filename
from presentai.domain.presentation import Presentation
from presentai.ports.progress import ProgressSink
from presentai.ports.rendering import DeckConverter
from presentai.ports.repositories import ExportRepository
from presentai.ports.storage import ObjectStore
from presentai.services.render import RenderDeck


def request_export(presentation: Presentation, export_format: ExportFormat, *, by: str) -> Export:
    """A new export of ``presentation``, refused at once when it cannot succeed."""
    if export_format is ExportFormat.GOOGLE_SLIDES:
        raise ValidationFailed(
            "Google Slides export needs a connected Google account, which this installation does not offer yet;"
            " export to pptx and import it into Google Slides",
            {"format": "unavailable"},
        )
    if not presentation.slides:
        raise Conflict("the presentation has no slides to export yet")
    return Export.request(presentation.organization_id, presentation.id, export_format, by=by)


class ExportPresentation:
    """Makes an export: renders the deck (PPTX), converts it if asked (PDF, PNG), stores the file and
    announces ``export_completed`` with its download link.

    Running it again is safe: a completed export is announced again and not remade. A failure of the
    deck itself (no slides, a converter error) marks the export ``failed`` and is announced as
    ``generation_error``; an outside system's failure (storage down) marks it ``failed`` too, and
    propagates so that the queue runs the job again.
    """

    def __init__(
        self,
        *,
        exports: ExportRepository,
        render_deck: RenderDeck,
        converter: DeckConverter,
        store: ObjectStore,
        progress: ProgressSink,
        public_url: str,
        link_ttl_s: int = 24 * 60 * 60,
        budget_s: float = 300.0,
    ) -> None:
        self._budget_s = budget_s
        self._exports = exports
        self._render = render_deck
        self._converter = converter
        self._store = store
        self._progress = progress
        self._public_url = public_url
        self._ttl = timedelta(seconds=link_ttl_s)

    async def __call__(self, organization_id: str, export_id: str, *, job_id: str) -> Export:
        """Make the export (once) and announce it."""
        export = await self._exports.get(organization_id, export_id)
        if export.status is not ExportStatus.COMPLETED:
            export.start()
            await self._exports.save(export)
            try:
                await self._make(export)
            except PresentAIError as error:
                export.fail(str(error))
                await self._exports.save(export)
                if isinstance(error, ProviderError):
                    raise
                await self._progress.publish(
                    GenerationFailed(job_id=job_id, error_code="export_failed", error_message=str(error))
                )
                return export
        await self._progress.publish(
            ExportCompleted(
                job_id=job_id,
                export_job_id=export.id,
                presentation_id=export.presentation_id,
                format=export.format.value,
                download_url=export.download_url(self._public_url, datetime.now(UTC)),
            )
        )
        return export

    async def _make(self, export: Export) -> None:
        try:  # rendering and conversion run in threads; past the budget the export fails rather than lingers
            title, data = await asyncio.wait_for(self._rendered(export), self._budget_s)
        except TimeoutError:
            raise RenderError(f"the export took longer than {self._budget_s:.0f} s and was stopped") from None
        filename = export_filename(title, export.format)
        key = f"exports/{export.organization_id}/{export.id}/{export.format.extension}"
        await self._store.put(key, data)
        export.complete(key, filename, len(data), self._ttl, datetime.now(UTC))
        await self._exports.save(export)

    async def _rendered(self, export: Export) -> tuple[str, bytes]:
        title, data = await self._render.titled(export.organization_id, export.presentation_id)
        if export.format is not ExportFormat.PPTX:
            data = await asyncio.to_thread(self._converter.convert, data, export.format.value)
        return title, data
