"""Shared fixtures: paths to the sample documents."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def samples() -> Path:
    """The folder of sample documents shipped with the repository."""
    return SAMPLES
