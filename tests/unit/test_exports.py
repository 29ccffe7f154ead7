"""Exports in the domain: formats, file names, the lifecycle and the download link's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from presentai.domain.errors import Conflict, Gone, NotFound, ValidationFailed
from presentai.domain.exports import Export, ExportFormat, ExportStatus, export_filename

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_formats_name_their_file_and_unknown_ones_are_refused() -> None:
    assert ExportFormat.parse("png").extension == "zip"
    assert ExportFormat.parse("pdf").media_type == "application/pdf"
    with pytest.raises(ValidationFailed) as refused:
        ExportFormat.parse("docx")
    assert refused.value.fields == {"format": "unknown"}


def test_file_names_keep_any_script_and_drop_what_a_file_system_would_not() -> None:
    assert export_filename("Отчёт ветропарка: 2025 / итоги", ExportFormat.PDF) == "Отчёт-ветропарка-2025-итоги.pdf"
    assert export_filename("../../etc/passwd", ExportFormat.PPTX) == "etc-passwd.pptx"
    assert export_filename("???", ExportFormat.PNG) == "presentation.zip"


def test_a_link_works_with_its_token_until_it_expires() -> None:
    export = Export.request("org", "deck", ExportFormat.PPTX, by="anna")
    with pytest.raises(NotFound):
        export.check_download("", NOW)  # nothing to download yet
    export.start()
    export.complete("exports/org/x/pptx", "Deck.pptx", 10, timedelta(hours=24), NOW)
    assert export.status is ExportStatus.COMPLETED
    assert (
        export.download_path == f"/api/v1/presentations/deck/export/{export.id}/download?token={export.download_token}"
    )
    assert export.download_url("https://decks.example.com/", NOW) == f"https://decks.example.com{export.download_path}"
    assert export.download_url("https://decks.example.com", NOW + timedelta(hours=24)) is None
    export.check_download(export.download_token, NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(NotFound):
        export.check_download(export.download_token[:-1] + "?", NOW)
    with pytest.raises(Gone):
        export.check_download(export.download_token, NOW + timedelta(hours=24))
    with pytest.raises(Conflict):
        export.start()  # a completed export is not made again


def test_a_failed_export_can_run_again() -> None:
    export = Export.request("org", "deck", ExportFormat.PDF, by="anna")
    export.start()
    export.fail("LibreOffice is not installed")
    assert (export.status, export.download_path) == (ExportStatus.FAILED, None)
    export.start()
    assert (export.status, export.error_message) == (ExportStatus.RUNNING, "")
