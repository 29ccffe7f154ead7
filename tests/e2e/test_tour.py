"""The README's quick tour, ``scripts/tour``, run as the README tells a user to: it ends with a real
deck downloaded, or stops at the first failure and says what the server answered."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import ROOT

TOUR = ROOT / "scripts" / "tour"
CALL = re.compile(r"\b(call|send|await) (?:(GET|POST|PATCH|DELETE) )?(/\S+)(?: ([a-z_]+) ([a-z_]+)\b)?")


def calls(script: str) -> list[tuple[str, ...]]:
    """The tour's helper calls in ``script``, in order: (helper, method, path, and what an ``await`` waits for)."""
    return [match.groups() for match in CALL.finditer(script.replace('"', ""))]


def run_tour(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """``scripts/tour`` from the repository's root; its server's workspace and its deck under ``tmp_path``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PRESENTAI_") and k != "API"}
    environment |= {"TMPDIR": str(tmp_path), "OUT": str(tmp_path / "out"), **variables}
    return subprocess.run(
        [str(TOUR)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1800, check=False
    )


def started_server(tour: subprocess.CompletedProcess[str], folder: Path) -> int:
    """The port of the server the tour says it started, with its workspace under ``folder``."""
    said = re.search(rf"^==> Started the server on port (\d+) \(state in {re.escape(str(folder))}/", tour.stdout, re.M)
    assert said, tour.stdout
    return int(said[1])


def answers(port: int) -> bool:
    """Whether anything accepts connections on the port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_tour_downloads_a_pdf_of_the_deck_and_stops_the_server_it_started(tmp_path: Path) -> None:
    tour = run_tour(tmp_path)

    assert tour.returncode == 0, tour.stdout + tour.stderr
    deck = Path(re.findall(r"^==> The deck is in (.+) \(\d+ bytes\)$", tour.stdout, re.M)[-1])
    assert deck == tmp_path / "out" / "board-update.pdf"
    with pdfplumber.open(deck) as pdf:
        assert len(pdf.pages) == 1 + 1 + 8 + 1  # title, agenda, the 8 slides asked for, sources
        assert "Board update" in (pdf.pages[0].extract_text() or "")
    assert not answers(started_server(tour, tmp_path))
    assert not list(tmp_path.glob("presentai-tour.*")), "the server's workspace is left behind"


def test_a_refused_request_stops_the_tour_with_the_servers_answer_and_the_server_it_started(tmp_path: Path) -> None:
    tour = run_tour(tmp_path, FORMAT="docx")

    assert tour.returncode != 0
    assert "==> Export it as docx" in tour.stdout
    message = tour.stderr.strip().splitlines()[-1]
    assert re.match(r"tour: POST /presentations/\S+/export failed: \{.*\"validation_error\"", message), tour.stderr
    assert not (tmp_path / "out").exists()
    assert not answers(started_server(tour, tmp_path))


class NotFoundHandler(BaseHTTPRequestHandler):
    """A server that has none of the API: every request answers 404."""

    def do_GET(self) -> None:
        body = json.dumps({"error": "not_found", "message": f"nothing at {self.path}"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the tour's output, not the server's."""


@pytest.fixture
def wrong_server() -> Iterator[str]:
    """The address of an API that answers 404 to everything, on a port the OS chose."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFoundHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_server_without_the_api_stops_the_tour_at_its_first_request(tmp_path: Path, wrong_server: str) -> None:
    tour = run_tour(tmp_path, API=wrong_server)

    assert tour.returncode != 0
    assert "Started the server" not in tour.stdout
    assert tour.stderr.strip().splitlines()[-1] == (
        'tour: POST /auth/register failed: {"error": "not_found", "message": "nothing at /api/v1/auth/register"}'
    )


def test_the_tour_gives_up_on_an_address_where_nothing_listens(tmp_path: Path) -> None:
    with socket.socket() as bound:  # bound but not listening: connections are refused, and nobody else gets the port
        bound.bind(("127.0.0.1", 0))
        tour = run_tour(tmp_path, API=f"http://127.0.0.1:{bound.getsockname()[1]}/api/v1", WAIT_SECONDS="1")

    assert tour.returncode != 0
    assert re.fullmatch(r"tour: nothing answers at http://127\.0\.0\.1:\d+/api/v1 after 1s", tour.stderr.strip())


def test_the_readme_shows_the_calls_the_tour_makes_in_their_order() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### HTTP service") :]
    shown = calls(section[: section.index("\n### ")])
    made = iter(calls(TOUR.read_text()))

    assert len(shown) >= 10
    assert all(call in made for call in shown), f"the README shows calls the tour does not make: {shown}"
