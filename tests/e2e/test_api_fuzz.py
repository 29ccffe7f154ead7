"""Schemathesis over the served OpenAPI document: no 5xx, and no answer the document does not declare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import served_address
from tests.waiting import DEADLINE_S, answers_ok, wait_until

# No server error, and every answer is one the document declares (status, content type, body schema,
# headers), including the 405 (with Allow) to a method a path does not have.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {
        **os.environ,
        "PRESENTAI_RATE_LIMIT_PER_MINUTE": "1000000",
        "PRESENTAI_AUTH_RATE_LIMIT_PER_MINUTE": "1000000",
        "PRESENTAI_JWT_SECRET": "f" * 40,
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "presentai.entrypoints.cli", "serve", "--port", "0", "--workspace", str(tmp_path)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: served_address(log) is not None, f"the API naming its address (log: {log})", process=process)
        base = served_address(log) or ""
        wait_until(lambda: answers_ok(f"{base}/health"), "the API answering /health", process=process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_no_generated_request_makes_the_api_fail_with_a_server_error(server: str, tmp_path: Path) -> None:
    request = urllib.request.Request(
        f"{server}/api/v1/auth/register",
        data=json.dumps({"email": "fuzz@example.com", "password": "correct horse battery"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.load(urllib.request.urlopen(request, timeout=DEADLINE_S))["access_token"]
    hooks = Path(__file__).with_name("fuzz_hooks.py")  # huge integers, lone surrogates, over-long strings
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "st"), "run", f"{server}/api/v1/openapi.json",
            "-H", f"Authorization: Bearer {token}",
            "--checks", ",".join(CHECKS),
            "--max-examples", "15",
            "--exclude-path-regex", "logout",  # ending the session would leave the rest unauthenticated
            "--seed", "20261128",
            "--request-timeout", "120",  # not its default 10 s: a loaded machine answers slowly, not wrongly
        ],
        # About 50 s on an idle machine and 200 s with both cores busy: the timeout only stops a hang.
        capture_output=True, text=True, timeout=1800, check=False, cwd=tmp_path,  # its cache stays out of the repo
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(hooks)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout
