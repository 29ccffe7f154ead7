"""The access log: one line per request, and no credential in it."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from presentai.entrypoints.http.app import AccessLogger


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/share/AbCdEf0123456789", "/share/…"),
        ("/api/v1/share/AbCdEf0123456789/views", "/api/v1/share/…/views"),
        ("/api/v1/projects/0190", "/api/v1/projects/0190"),
    ],
)
def test_the_access_log_never_records_a_share_token_or_a_query(
    path: str, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("presentai.test.access")
    request = make_mocked_request("GET", f"{path}?token=secret-jwt")
    with caplog.at_level(logging.INFO, logger=logger.name):
        AccessLogger(logger, "").log(request, web.Response(status=200), 0.004)
    line = caplog.records[-1].getMessage()
    assert f"GET {logged} 200" in line
    assert "AbCdEf0123456789" not in line
    assert "secret-jwt" not in line
