"""Settings: environment variables, overrides, and the retrieval mode measured best per embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from presentai.config import Settings
from presentai.domain.errors import ValidationFailed


def test_environment_variables_set_fields_and_keyword_overrides_win() -> None:
    env = {"PRESENTAI_WORKSPACE": "/srv/ws", "PRESENTAI_MAX_SLIDES": "40", "PRESENTAI_EMBEDDER": "e5"}
    settings = Settings.from_env(env, embedder="static")
    assert settings.workspace == Path("/srv/ws")
    assert settings.max_slides == 40
    assert settings.embedder == "static"
    assert settings.qdrant_path == "/srv/ws/qdrant"


@pytest.mark.parametrize(("embedder", "mode"), [("static", "lexical"), ("e5", "dense")])
def test_the_retrieval_mode_defaults_to_the_measured_best_for_the_embedder(embedder: str, mode: str) -> None:
    assert Settings(embedder=embedder).retrieval == mode
    assert Settings(embedder=embedder, retrieval_mode="hybrid").retrieval == "hybrid"


@pytest.mark.parametrize("field", [{"embedder": "word2vec"}, {"retrieval_mode": "magic"}])
def test_unknown_choices_are_refused(field: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed):
        Settings(**field)  # type: ignore[arg-type]


def test_documents_below_a_size_are_read_on_a_thread_and_zero_reads_every_one_in_a_child() -> None:
    assert Settings().ingest_thread_below_bytes == 256 * 2**10  # 256 KiB by default
    assert Settings.from_env({"PRESENTAI_INGEST_THREAD_BELOW_KB": "0"}).ingest_thread_below_bytes == 0
    assert Settings.from_env({"PRESENTAI_INGEST_THREAD_BELOW_KB": "256"}).ingest_thread_below_bytes == 256 * 1024
    with pytest.raises(ValidationFailed):
        Settings(ingest_thread_below_kb=-1)
