"""Headers every response carries: no sniffing, no referrer, no framing, no server banner, a CSP."""

from __future__ import annotations

from aiohttp import web

# JSON, files and downloads: nothing in them may run or be framed.
_API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Our HTML pages: scripts and styles from this origin only, never inline.
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI sets style attributes from its script (React), which style-src 'self' alone refuses.
_VIEWER_POLICY = _PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SERVER = "PresentAI"


async def secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set the security headers on ``response`` just before it is sent (static files and errors too)."""
    headers = response.headers
    headers["Server"] = SERVER  # aiohttp would announce Python's and its own version
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if "Content-Security-Policy" not in headers:
        html = response.content_type == "text/html"
        if html and request.path.startswith("/api/docs"):
            headers["Content-Security-Policy"] = _VIEWER_POLICY
        else:
            headers["Content-Security-Policy"] = _PAGE_POLICY if html else _API_POLICY


def install(app: web.Application) -> None:
    """Add the headers to every response of ``app``."""
    app.on_response_prepare.append(secure_headers)
