"""Sessions: lint (ruff, mypy, import-linter), tests, bench. Run through `make`, inside the project's venv."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "tests"]


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks: style, types and the hexagon's import rules."""
    session.run(sys.executable, "-m", "ruff", "check", "src", "tests", "bench", "scripts", "noxfile.py")
    session.run(sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "bench", "scripts", "noxfile.py")
    session.run(sys.executable, "-m", "mypy")
    session.run(str(Path(sys.executable).parent / "lint-imports"), external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: unit, contract, integration and end-to-end."""
    # One worker per core, at most four: the tests spend much of their time waiting on the servers,
    # workers and LibreOffice they start, and every test keeps to its own databases, folders and ports.
    session.run(sys.executable, "-m", "pytest", "-n", "auto", "--maxprocesses=4", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; they print numbers and write bench/results/*.json, they assert nothing."""
    for script in (
        "startup",
        "ingestion",
        "generation",
        "render",
        "service",
        "llm_generation",
        "websocket",
        "worker_capacity",
        "deck_quality",
    ):
        session.run(sys.executable, f"bench/{script}.py", *session.posargs)
