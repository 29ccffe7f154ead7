"""Housekeeping: delete the files of expired export links, and purge presentations deleted long ago."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from attrs import frozen

from presentai.ports.repositories import ExportRepository, PresentationRepository
from presentai.ports.storage import ObjectStore

log = logging.getLogger("presentai.housekeeping")


@frozen
class HousekeepingReport:
    """What one pass removed."""

    export_files_deleted: int
    presentations_purged: int


class Housekeeping:
    """One pass over every organization, in batches; safe to run again (or twice at once) after a crash.

    - An export whose link has expired keeps its record, but its file is deleted.
    - A presentation deleted more than ``retention_days`` ago (until then it can be restored) is removed
      for good with its slides, versions and exports and their files. Its sources stay: they belong to
      the organization and may serve other presentations.
    """

    def __init__(
        self,
        *,
        exports: ExportRepository,
        presentations: PresentationRepository,
        store: ObjectStore,
        retention_days: int = 30,
        batch: int = 200,
    ) -> None:
        self._exports = exports
        self._presentations = presentations
        self._store = store
        self._retention = timedelta(days=retention_days)
        self._batch = batch

    async def __call__(self, now: datetime) -> HousekeepingReport:
        """Run one pass as of ``now``."""
        files = presentations = 0
        while expired := await self._exports.expired(now, self._batch):
            for export in expired:
                await self._store.delete(export.storage_key)
                export.purge()
                await self._exports.save(export)
                files += 1
        while deleted := await self._presentations.deleted_before(now - self._retention, self._batch):
            for organization_id, presentation_id in deleted:
                for export in await self._exports.for_presentation(organization_id, presentation_id):
                    if export.storage_key:
                        await self._store.delete(export.storage_key)
                        files += 1
                await self._exports.remove_for_presentation(organization_id, presentation_id)
                await self._presentations.remove(organization_id, presentation_id)
                presentations += 1
        if files or presentations:
            log.info("housekeeping: %d export files deleted, %d presentations purged", files, presentations)
        return HousekeepingReport(files, presentations)
