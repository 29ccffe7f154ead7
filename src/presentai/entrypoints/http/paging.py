"""The one list convention: ``?limit=`` (default 50, at most 200) and an opaque ``?cursor=``."""

from __future__ import annotations

import base64
import binascii
import re

from aiohttp import web

from presentai.entrypoints.http.errors import BadRequest

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def page_request(request: web.Request) -> tuple[int, str]:
    """The page size and the position the cursor points after (an id, or "")."""
    raw_limit = request.query.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        raise BadRequest("limit must be a whole number", {"limit": "not a number"}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", {"limit": "out of range"})
    cursor = request.query.get("cursor", "")
    if not cursor:
        return limit, ""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        position = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        position = ""
    if not _ID.fullmatch(position):
        raise BadRequest("the cursor is not one this API gave out", {"cursor": "invalid"})
    return limit, position


def next_cursor(ids: list[str], limit: int) -> str | None:
    """The cursor of the next page, or ``None`` when this page was the last."""
    if len(ids) < limit:
        return None
    return base64.urlsafe_b64encode(ids[-1].encode()).decode().rstrip("=")
