"""The built-in themes a presentation can name: their colours and fonts, for clients to draw previews."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from presentai.adapters.pptx.themes import THEMES, Theme
from presentai.domain.presentation import DEFAULT_THEME
from presentai.domain.presentation import THEMES as THEME_NAMES
from presentai.entrypoints.http.auth import principal
from presentai.entrypoints.http.responses import json_response


def theme_body(theme: Theme) -> dict[str, Any]:
    """A theme as the API shows it: colours as ``#RRGGBB``, fonts, and its type scale in points."""
    p = theme.palette
    colours = {
        role: f"#{getattr(p, role)}"
        for role in (
            "background",
            "surface",
            "text",
            "muted",
            "accent",
            "on_accent",
            "section_background",
            "section_text",
            "rule",
        )
    }
    s = theme.scale
    return {
        "name": theme.name,
        "default": theme.name == DEFAULT_THEME,
        "dark": theme.dark,
        "colors": colours,
        "chart_colors": [f"#{c}" for c in p.chart],
        "fonts": {"heading": theme.heading_font, "body": theme.body_font},
        "sizes": {"title": s.title, "subtitle": s.subtitle, "body": s.body, "caption": s.caption},
    }


async def list_themes(request: web.Request) -> web.Response:
    """The built-in themes a presentation's ``theme`` can name, with their colours and fonts."""
    await principal(request)
    return json_response({"data": [theme_body(THEMES[name]) for name in THEME_NAMES], "next_cursor": None})
