"""Helpers for end-to-end runs of the command line and the library."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.config import Settings
from presentai.entrypoints.http.app import create_app


def run_cli(*args: str | Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    """Run ``presentai`` as a user would, in a fresh process."""
    env = {**os.environ, "PRESENTAI_WORKSPACE": str(workspace), "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "presentai.entrypoints.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


_SERVING = re.compile(r"PresentAI is serving at (http://\S+)")


def served_address(log: Path) -> str | None:
    """The address ``presentai serve --port 0`` says in ``log`` it took (the system picked the port,
    so no other program can have it), or ``None`` while it has not said yet."""
    found = _SERVING.search(log.read_text(errors="replace")) if log.exists() else None
    return found.group(1) if found else None


_FURNITURE = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.SLIDE_NUMBER)


def _is_body(shape: Any) -> bool:
    """A shape holding the slide's text: a body placeholder or a text box (key figures), not the title or footer."""
    if not shape.has_text_frame:
        return False
    if shape.is_placeholder:
        return shape.placeholder_format.idx != 0 and shape.placeholder_format.type not in _FURNITURE
    return True


def slides_of(path: Path) -> list[dict[str, object]]:
    """Title, body paragraphs and notes of every slide of a PPTX (not its footer, date or slide number)."""
    deck = Presentation(io.BytesIO(path.read_bytes()))
    found = []
    for slide in deck.slides:
        body = [p.text for shape in slide.shapes if _is_body(shape) for p in shape.text_frame.paragraphs if p.text]
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        found.append({"title": slide.shapes.title.text if slide.shapes.title else "", "body": body, "notes": notes})
    return found


def parsed_text(path: Path) -> str:
    """The text of a source as PresentAI parses it."""
    return ContentSniffingParser().parse(path.read_bytes(), path.name).text


@pytest.fixture(params=["sqlite", "postgres"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TestClient]:
    """The API in a test server, on SQLite and on a fresh PostgreSQL database."""
    url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    settings = Settings(workspace=tmp_path / "ws", database_url=url, jwt_secret="s" * 40, max_upload_bytes=2**20)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client
