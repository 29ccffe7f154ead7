"""Generation latency: a 15-slide deck from three 20-page PDFs, end to end and per stage, with peak RSS.

Three ~20-page PDFs are built once with reportlab into bench/.data/, each from different chapters of
samples/src/annual-report-2025.md (repeated and varied as in bench/ingestion.py, ~500 words a page).
For each embedder a subprocess makes a ``PresentAI`` over a new temporary workspace and calls
``generate(files, slides=15)`` twice: ``cold`` is the process's first deck (models load inside it,
as for a CLI user), ``warm`` the same request again in the same process (as in a server; the
workspace's vector index then also holds the first run's vectors).

The per-stage split comes from the ``on_progress`` events and their millisecond timestamps:

* ingest: start → the last ``SourceIngested``; ``parse`` and ``embed`` are the ``StageProgressed``
  spans of each source added up (with ``--ingest-concurrency 2`` they overlap and can exceed ``ingest``);
* outline: the outline's first ``StageProgressed`` → ``OutlineGenerated``;
* slides: ``OutlineGenerated`` → ``GenerationDone``; render: ``GenerationDone`` → ``generate`` returns;
* first slide: start → the first ``SlideCompleted``.

A thread also measures event-loop lag: every 10 ms it schedules a callback on the loop with
``call_soon_threadsafe`` and times how late it runs. Lag means the loop could not serve anything else
(progress over a WebSocket, another request): code running on the loop, or a thread holding the GIL.

Each subprocess reports its own peak RSS (``ru_maxrss``). ``--quick`` uses three 4-page PDFs and
5 slides. Results go to bench/results/generation.json (``quick`` in it says which run wrote it).

Sources are ingested one at a time (``--ingest-concurrency 1``, the setting's default is 2): PDFium
is not thread-safe, and two PDFs parsed at once in ``asyncio.to_thread`` workers crash the process
(SIGSEGV or a glibc "double free") in about half the runs. Pass 2 to measure the default once the
PDF parser serializes its PDFium calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from ingestion import (
    DATA,
    EMBEDDERS,
    RESULTS,
    ROOT,
    build_pdf,
    machine,
    peak_rss_mb,
    report_blocks,
    run_child,
    sample_chapters,
)

# (file stem, title, chapter numbers of the sample report)
DOCUMENTS = (
    ("operations", "Northwind Grid Operations Review 2025", (1, 2, 3)),
    ("investment", "Northwind Grid Investment and Finance 2025", (4, 5)),
    ("governance", "Northwind Grid Risk, Sustainability and Governance 2025", (6, 7, 8)),
)
STALL_MS = 50  # lag above this counts as a stall


def build_documents(pages: int) -> list[Path]:
    """The three PDFs, built on first use."""
    chapters = sample_chapters()
    return [
        build_pdf(
            DATA / f"{stem}-{pages}p.pdf",
            report_blocks([chapters[n - 1] for n in numbers], title),
            pages,
            title,
        )
        for stem, title, numbers in DOCUMENTS
    ]


class LoopLag:
    """How late the event loop runs callbacks scheduled from another thread, by the stage in progress."""

    def __init__(self, interval: float = 0.01) -> None:
        self.stage = "start"
        self.worst_ms: dict[str, float] = defaultdict(float)
        self.stalled_ms: dict[str, float] = defaultdict(float)
        self._interval = interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def attach(self) -> None:
        """Start measuring the running loop (call from a callback on it)."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._thread.start()

    def stop(self) -> None:
        """Stop measuring; a sample still waiting for the (now idle) loop is dropped."""
        self._stop.set()
        if self._loop is not None:
            self._thread.join()

    def _run(self) -> None:
        assert self._loop is not None
        while not self._stop.wait(self._interval):
            ran = threading.Event()
            stage, sent = self.stage, time.perf_counter()
            self._loop.call_soon_threadsafe(ran.set)
            while not ran.wait(0.05):
                if self._stop.is_set():
                    return
            lag = (time.perf_counter() - sent) * 1000
            self.worst_ms[stage] = max(self.worst_ms[stage], lag)
            if lag > STALL_MS:
                self.stalled_ms[stage] += lag


def _stage_of(event: object) -> str | None:
    kind = getattr(event, "type", "")
    if kind == "stage_progress":
        return "ingest" if event.stage in ("parse", "embed") else event.stage
    return {"outline_generated": "slides", "generation_done": "render"}.get(kind)


def split(events: list[object], started_ms: int, ended_ms: int) -> dict[str, object]:
    """Stage durations in seconds from the progress events of one ``generate``."""

    def first(kind: str, **fields: object) -> int:
        return next(
            e.timestamp for e in events if e.type == kind and all(getattr(e, k) == v for k, v in fields.items())
        )

    def summed(stage: str) -> float:
        opened: dict[str, int] = {}
        total = 0
        for e in events:
            if e.type == "stage_progress" and e.stage == stage:
                if e.done == 0:
                    opened[e.detail] = e.timestamp
                elif e.done == e.total:
                    total += e.timestamp - opened.pop(e.detail)
        return total / 1000

    ingested = max(e.timestamp for e in events if e.type == "ingestion_completed")
    outlined = first("outline_generated")
    done = first("generation_done")
    return {
        "ingest_s": (ingested - started_ms) / 1000,
        "parse_s_summed": summed("parse"),
        "embed_s_summed": summed("embed"),
        "outline_s": (outlined - first("stage_progress", stage="outline", done=0)) / 1000,
        "slides_s": (done - outlined) / 1000,
        "render_s": (ended_ms - done) / 1000,
        "first_slide_s": (first("slide_completed") - started_ms) / 1000,
    }


def child(embedder: str, files: list[Path], slides: int, ingest_concurrency: int) -> dict[str, object]:
    """Generate the deck twice in this process; the second run is warm."""
    from presentai.config import Settings
    from presentai.entrypoints.library import PresentAI

    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="presentai-bench-") as workspace:
        settings = Settings(workspace=Path(workspace), embedder=embedder, ingest_concurrency=ingest_concurrency)
        app = PresentAI(settings)
        try:
            for run in ("cold", "warm"):
                events: list[object] = []
                lag = LoopLag()

                def listen(event: object, events: list[object] = events, lag: LoopLag = lag) -> None:
                    lag.attach()
                    lag.stage = _stage_of(event) or lag.stage
                    events.append(event)

                started_ms, started = time.time_ns() // 1_000_000, time.perf_counter()
                deck = app.generate(files, slides=slides, on_progress=listen)
                wall = time.perf_counter() - started
                lag.stop()
                row = {"wall_s": wall, **split(events, started_ms, time.time_ns() // 1_000_000)}
                row |= {"content_slides": len(deck.slides), "pptx_bytes": len(deck.pptx)}
                row |= {"loop_lag_max_ms": dict(lag.worst_ms), "loop_stalled_ms": dict(lag.stalled_ms)}
                result[run] = row
        finally:
            app.close()
    result["retrieval"] = settings.retrieval
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(quick: bool, ingest_concurrency: int) -> dict[str, object]:
    pages, slides = (4, 5) if quick else (20, 15)
    files = build_documents(pages)
    print(f"{len(files)} PDFs of {pages} pages: {', '.join(str(f.relative_to(ROOT)) for f in files)}; {slides} slides")
    columns = {
        "wall_s": "wall s",
        "ingest_s": "ingest",
        "parse_s_summed": "(parse)",
        "embed_s_summed": "(embed)",
        "outline_s": "outline",
        "slides_s": "slides",
        "render_s": "render",
        "first_slide_s": "1st slide",
        "peak_rss_mb": "RSS MB",
    }
    print(f"{'configuration':14s} " + " ".join(f"{label:>9s}" for label in columns.values()))
    rows: dict[str, object] = {}
    for embedder in EMBEDDERS:
        result = run_child(Path(__file__), embedder, str(slides), str(ingest_concurrency), *map(str, files))
        for run in ("cold", "warm"):
            row = {k: round(v, 3) if isinstance(v, float) else v for k, v in result[run].items()}
            row["loop_lag_max_ms"] = {k: round(v) for k, v in row["loop_lag_max_ms"].items()}
            row["loop_stalled_ms"] = {k: round(v) for k, v in row["loop_stalled_ms"].items()}
            row |= {"retrieval": result["retrieval"], "peak_rss_mb": result["peak_rss_mb"]}
            rows[f"{embedder}/{run}"] = row
            print(f"{embedder + '/' + run:14s} " + " ".join(f"{row[c]:9.2f}" for c in columns))
    print(
        f"(parse) and (embed) are summed over sources. Event-loop lag, worst ms per stage (ms in lags > {STALL_MS} ms):"
    )
    for name, row in rows.items():
        lags = ", ".join(f"{s} {ms} ({row['loop_stalled_ms'].get(s, 0)})" for s, ms in row["loop_lag_max_ms"].items())
        print(f"  {name:14s} {lags}")
    return {
        "machine": machine(),
        "quick": quick,
        "pages_per_document": pages,
        "slides": slides,
        "ingest_concurrency": ingest_concurrency,
        "results": rows,
    }


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--quick", action="store_true", help="three 4-page PDFs and 5 slides (smoke run)")
    cli.add_argument("--ingest-concurrency", type=int, default=1, help="sources ingested at once (see above)")
    cli.add_argument("--child", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    options = cli.parse_args()
    if options.child:
        embedder, slide_count, concurrency, *paths = options.child
        print(json.dumps(child(embedder, [Path(p) for p in paths], int(slide_count), int(concurrency))))
        sys.exit(0)
    out = main(options.quick, options.ingest_concurrency)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "generation.json").write_text(json.dumps(out, indent=2) + "\n")
    sys.exit(0)
