"""The editor of a 50-slide deck: time to first byte (server time) and time to interactive in Chromium.

1. The app in this process (aiohttp test server on a free port, SQLite workspace), a signed-in browser session:
   GET /presentations/{id} a number of times → time to the response's first byte, p50 / p95 (the server's time,
   on the loopback), and the page's size.
2. Debian's Chromium through Playwright, a fresh context each time (nothing cached): navigation start →
   first byte, DOMContentLoaded, load, and the editor script ready (its ``editor-ready`` performance mark).
Aims (issue 13): ≤ 200 ms server time, ≤ 1 s to interactive. Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from presentai.config import Settings
from presentai.domain.presentation import GenerationParameters, Presentation
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.entrypoints.http.app import create_app
from presentai.entrypoints.http.keys import AUTHENTICATOR, CONTAINER, ORGANIZATIONS
from presentai.entrypoints.http.pages.sessions import ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a long walk by the river at dawn"


def _slide(number: int) -> SlideContent:
    bullets = tuple(
        Bullet(
            f"Statement {k} of slide {number}: the grid grew by {number + k}% in the quarter, ahead of the plan",
            0,
            (Attribution("src", f"chunk-{number}-{k}", "the grid grew", 0, 13, page=number, section="Results"),),
            supported=True,
        )
        for k in range(1, 6)
    )
    return SlideContent(Layout.BULLETS, f"Slide {number}: what the quarter showed", bullets, notes="Notes " * 40)


async def _deck(app: Any, user_id: str, slides: int) -> Presentation:
    organization_id = (await app[ORGANIZATIONS].memberships(user_id))[0].organization_id
    deck = Presentation.create(organization_id, "A 50-slide board deck", GenerationParameters(slide_count=slides))
    for number in range(1, slides + 1):
        deck.add_slide(_slide(number))
    await app[CONTAINER].presentations().add(deck)
    return deck


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def _server_times(base: str, path: str, cookies: dict[str, str], runs: int) -> dict[str, Any]:
    samples: list[float] = []
    size = 0
    async with aiohttp.ClientSession(cookies=cookies) as session:
        for _ in range(runs):
            started = time.perf_counter()
            async with session.get(base + path, headers={"Accept": "text/html"}) as response:
                first_byte = time.perf_counter()
                body = await response.read()
                assert response.status == 200, response.status
            samples.append((first_byte - started) * 1000)
            size = len(body)
    return {"ttfb": _stats(samples), "html_bytes": size}


async def _browser_times(base: str, path: str, tokens: dict[str, str], runs: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    host = base.split("//", 1)[1].split(":", maxsplit=1)[0]
    metrics: dict[str, list[float]] = {"ttfb": [], "dom_content_loaded": [], "load": [], "interactive": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(runs):
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.add_cookies(
                [{"name": name, "value": value, "domain": host, "path": "/"} for name, value in tokens.items()]
            )
            page = await context.new_page()
            await page.goto(base + path, wait_until="load")
            await page.wait_for_function("document.documentElement.dataset.editorReady === 'true'")
            timing = await page.evaluate(
                """() => {
                    const nav = performance.getEntriesByType("navigation")[0];
                    const ready = performance.getEntriesByName("editor-ready")[0];
                    const interactive = Math.max(ready.startTime, nav.domContentLoadedEventEnd);
                    return {ttfb: nav.responseStart, dom_content_loaded: nav.domContentLoadedEventEnd,
                            load: nav.loadEventEnd, interactive};
                }"""
            )
            for name, values in metrics.items():
                values.append(float(timing[name]))
            await context.close()
        await browser.close()
    return {name: _stats(values) for name, values in metrics.items()}


async def run(slides: int, runs: int, browser_runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as workspace:
        app = create_app(Settings(workspace=Path(workspace) / "ws", jwt_secret="u" * 40))
        server = TestServer(app, host="127.0.0.1", port=0)
        await server.start_server()
        try:
            base = str(server.make_url("")).rstrip("/")
            user, tokens = await app[AUTHENTICATOR].register("bench@example.com", PASSWORD, "Bench")
            deck = await _deck(app, user.id, slides)
            cookies = {
                ACCESS_COOKIE: tokens.access_token,
                REFRESH_COOKIE: tokens.refresh_token,
                CSRF_COOKIE: "bench-csrf-token",
            }
            path = f"/presentations/{deck.id}"
            await _server_times(base, path, cookies, 3)  # warm the templates and catalogues
            result: dict[str, Any] = {
                "slides": slides,
                "load_average": [round(v, 1) for v in os.getloadavg()],  # other work on the machine skews these
                "server": await _server_times(base, path, cookies, runs),
            }
            if Path(CHROMIUM).exists() and browser_runs:
                result["browser"] = await _browser_times(base, path, cookies, browser_runs)
            return result
        finally:
            await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30, help="server requests")
    parser.add_argument("--browser-runs", type=int, default=10, help="page loads in Chromium (0: none)")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments.slides, arguments.runs, arguments.browser_runs))
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
