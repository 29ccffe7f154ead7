"""The HTTP service: REST API under /api/v1 (and, later, WebSocket and pages)."""
