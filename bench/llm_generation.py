"""A 20-slide deck written by a language model with a fixed latency, and our own CPU time per slide.

A local server speaking Anthropic's Messages API (tests/llm_servers.py, in its own process so its CPU is
not ours) answers every call after ``--latency`` seconds with well-formed JSON. The library generates a
deck from the sample annual report with ``slide_concurrency`` C. Reported:

* wall time of outline + slides, against the aim 1.2 × (L_outline + ⌈20 / C⌉ × L_slide) + 1 s;
* time to the first ``slide_completed`` after the outline starts (about L_outline + L_slide);
* LLM calls for N slides (aim N + 1);
* our CPU seconds per slide over the outline and slides (the server's CPU and the wait excluded).

Numbers only; nothing is asserted. Results go to bench/results/llm_generation.json.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from service import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

SERVER = """
import asyncio, sys
sys.path.insert(0, sys.argv[3])
from aiohttp import web
from tests.llm_servers import FakeProvider, anthropic_app, deck_writing_reply
provider = FakeProvider(deck_writing_reply)
provider.delay_s = float(sys.argv[2])
app = anthropic_app(provider)
async def count(request):
    return web.json_response({"calls": len(provider.requests)})
app.router.add_get("/count", count)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def calls(base: str) -> int:
    with urllib.request.urlopen(f"{base}/count", timeout=5) as answer:
        return int(json.load(answer)["calls"])


def main(latency: float, slides: int, concurrency: int) -> dict[str, object]:
    from presentai.config import Settings
    from presentai.entrypoints.library import PresentAI

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(latency), str(ROOT)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                calls(base)
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory(prefix="presentai-llm-bench-") as workspace:
            settings = Settings(
                workspace=Path(workspace),
                llm="anthropic",
                anthropic_api_key="bench",
                anthropic_base_url=base,
                slide_concurrency=concurrency,
            )
            app = PresentAI(settings)
            marks: dict[str, float] = {}
            cpu: dict[str, float] = {}

            def listen(event: object) -> None:
                kind = getattr(event, "type", "")
                now = time.perf_counter()
                if kind == "stage_progress" and event.stage == "outline" and event.done == 0:  # type: ignore[attr-defined]
                    marks.setdefault("outline_start", now)
                    cpu.setdefault("start", time.process_time())
                elif kind == "slide_completed":
                    marks.setdefault("first_slide", now)
                elif kind == "generation_done":
                    marks["done"] = now
                    cpu["end"] = time.process_time()

            before = calls(base)
            deck = app.generate([ROOT / "samples" / "annual-report-2025.pdf"], slides=slides, on_progress=listen)
            used = calls(base) - before
            app.close()
    finally:
        server.terminate()
        server.wait(10)
    wall = marks["done"] - marks["outline_start"]
    aim = 1.2 * (latency + math.ceil(slides / concurrency) * latency) + 1
    cpu_per_slide_ms = (cpu["end"] - cpu["start"]) / slides * 1000
    result = {
        "latency_s": latency,
        "slides": len(deck.slides),
        "slide_concurrency": concurrency,
        "llm_calls": used,
        "outline_and_slides_s": round(wall, 3),
        "aim_s": round(aim, 3),
        "first_slide_after_outline_start_s": round(marks["first_slide"] - marks["outline_start"], 3),
        "our_cpu_ms_per_slide": round(cpu_per_slide_ms, 2),
        "bullets_supported": sum(b.supported for s in deck.slides for b in s.content.bullets),
        "bullets": sum(len(s.content.bullets) for s in deck.slides),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--slides", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    out = main(args.latency, args.slides, args.concurrency)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "llm_generation.json").write_text(json.dumps(out, indent=2))
