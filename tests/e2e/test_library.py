"""PresentAI embedded as a library: a few lines of Python, sync and async."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from presentai import AsyncPresentAI, PresentAI, Settings
from presentai.domain.errors import NoUsableSources, SlideCountOutOfRange, ValidationFailed, WorkspaceInUse
from presentai.domain.events import GenerationDone, SlideCompleted
from presentai.domain.slides import VersionReason
from tests.conftest import SAMPLES


def test_three_lines_turn_documents_into_a_saved_deck(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate(
            [SAMPLES / "annual-report-2025.pdf", SAMPLES / "field-notes.md"], slides=5, audience="board"
        )
        saved = deck.save(tmp_path / "out" / "deck.pptx")
    assert len(deck.slides) == 5
    assert deck.failures == []
    assert len(Presentation(io.BytesIO(saved.read_bytes())).slides) == 1 + 1 + 5 + 1


def test_regenerating_a_slide_keeps_its_history_and_changes_the_rendered_deck(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate([SAMPLES / "annual-report-2025.pdf"], slides=3)
        first = deck.slides[0]
        slide = app.regenerate_slide(deck.presentation.id, first.id)
        rendered = Presentation(io.BytesIO(app.render(deck.presentation.id)))
    assert [v.reason for v in slide.versions] == [VersionReason.GENERATED, VersionReason.REGENERATED]
    assert slide.versions[0].content == first.content
    body = [
        p.text
        for sh in rendered.slides[2].placeholders
        if sh.placeholder_format.idx == 1
        for p in sh.text_frame.paragraphs
    ]
    assert body == [b.text for b in slide.content.bullets]


def test_a_deck_renders_to_pdf_with_a_page_per_slide(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate([SAMPLES / "otchet-vetroparka.pdf"], slides=2)
        pdf = app.render(deck.presentation.id, format="pdf")
        with pytest.raises(ValidationFailed):
            app.render(deck.presentation.id, format="docx")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) == len(Presentation(io.BytesIO(deck.pptx)).slides)
    text = " ".join(pages)
    assert all(slide.content.title.split()[0] in text for slide in deck.slides)  # Cyrillic survives


async def test_the_async_facade_streams_progress_events(tmp_path: Path) -> None:
    app = AsyncPresentAI(Settings(workspace=tmp_path / "ws", embedder="static"))
    events: list[object] = []
    try:
        deck = await app.generate([SAMPLES / "field-notes.md"], slides=3, on_progress=events.append)
    finally:
        await app.aclose()
    completed = [e for e in events if isinstance(e, SlideCompleted)]
    assert sorted(e.slide_number for e in completed) == [1, 2, 3]
    assert isinstance(events[-1], GenerationDone)
    assert events[-1].total_slides == len(deck.slides) == 3


def test_bad_parameters_fail_before_any_work(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as app, pytest.raises(SlideCountOutOfRange):
        app.generate([SAMPLES / "field-notes.md"], slides=0)


def test_with_nothing_usable_the_error_lists_every_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   ")
    with PresentAI.local(tmp_path / "ws", embedder="static") as app, pytest.raises(NoUsableSources) as caught:
        app.generate([empty, tmp_path / "nope.pdf"])
    assert "empty.txt: the file is empty" in str(caught.value)
    assert "nope.pdf: no such file" in str(caught.value)


def test_a_workspace_with_a_vector_index_is_used_by_one_process_at_a_time_with_a_clear_error(
    tmp_path: Path,
) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static", retrieval_mode="hybrid") as first:
        first.generate([SAMPLES / "field-notes.md"], slides=1)
        second = PresentAI.local(tmp_path / "ws", embedder="static", retrieval_mode="hybrid")
        try:
            with pytest.raises(WorkspaceInUse, match="in use by another PresentAI process"):
                second.generate([SAMPLES / "field-notes.md"], slides=1)
        finally:
            second.close()


def test_keyword_search_runs_share_a_workspace_and_load_no_vector_index_nor_embedding_model(tmp_path: Path) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static") as first:
        first.generate([SAMPLES / "field-notes.md"], slides=1)
        with PresentAI.local(tmp_path / "ws", embedder="static") as second:
            deck = second.generate([SAMPLES / "field-notes.md"], slides=1)
    assert deck.failures == []
    assert deck.sources[0].vector_model == ""  # searched by keywords; nothing was embedded
    assert not (tmp_path / "ws" / "qdrant").exists()


def test_importing_the_library_loads_none_of_its_heavy_dependencies() -> None:
    heavy = ("qdrant_client", "dependency_injector", "pptx", "numpy", "tiktoken", "static_model", "aiohttp")
    probe = f"import sys; from presentai import PresentAI; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_runs_in_the_same_workspace_do_not_pile_up_vectors(tmp_path: Path) -> None:
    from qdrant_client import QdrantClient

    for _ in range(3):
        with PresentAI.local(tmp_path / "ws", embedder="static", retrieval_mode="hybrid") as app:
            deck = app.generate([SAMPLES / "field-notes.md"], slides=2)
    client = QdrantClient(path=str(tmp_path / "ws" / "qdrant"))
    try:
        counts = [client.count(c.name).count for c in client.get_collections().collections]
    finally:
        client.close()
    assert counts == [deck.sources[0].chunks_created]  # what one run indexes


def test_a_saved_deck_gets_ordinary_file_permissions(tmp_path: Path) -> None:
    import os
    import stat

    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        deck = app.generate([SAMPLES / "field-notes.md"], slides=1)
    old = os.umask(0o022)
    try:
        saved = deck.save(tmp_path / "deck.pptx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deck")] == []


def test_a_workspace_keeps_its_decks_and_reuses_what_it_already_ingested(tmp_path: Path) -> None:
    report = SAMPLES / "annual-report-2025.pdf"
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        first = app.generate([report], slides=3)
    events: list[object] = []
    with PresentAI.local(tmp_path / "ws", embedder="static") as app:
        rendered = Presentation(io.BytesIO(app.render(first.presentation.id)))  # the earlier deck is still there
        second = app.generate([report], slides=3, on_progress=events.append)
    assert len(rendered.slides) == 1 + 1 + 3 + 1
    assert [s.id for s in second.sources] == [s.id for s in first.sources]
    assert not [e for e in events if getattr(e, "stage", "") in ("parse", "embed")]  # nothing parsed or embedded again


def test_the_library_runs_on_postgresql_too(tmp_path: Path, postgres_url: str) -> None:
    with PresentAI.local(tmp_path / "ws", embedder="static", database_url=postgres_url) as app:
        deck = app.generate([SAMPLES / "field-notes.md"], slides=2)
        again = app.regenerate_slide(deck.presentation.id, deck.slides[0].id)
    assert again.version == 2
    assert len(deck.slides) == 2
