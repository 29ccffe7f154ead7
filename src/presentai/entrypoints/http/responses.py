"""JSON responses encoded with orjson (several times faster than the standard library on slide-sized bodies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web


def json_response(data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """``data`` as an ``application/json`` response."""
    return web.Response(body=orjson.dumps(data), status=status, headers=headers, content_type="application/json")
