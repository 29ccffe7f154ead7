"""Time to write a 50-slide PPTX with PptxDeckRenderer, and the size of the file; then to convert it to
PDF and to PNG slides (LibreOffice, Poppler), as exports do.

The deck is built directly as a ``Deck`` (domain/deck.py): 50 bullet slides, each with 5 bullets
of about 25 words cut from sentences of samples/src/annual-report-2025.md, every bullet attributed
to its sentence (quote, page, section) in one of three sources, so the speaker notes are written
too. ``PptxDeckRenderer().render(deck)`` is timed once cold (the first render of the process, the
renderer already imported) and then ``--repeats`` more times (median); then the same deck with
``DesignedDeckRenderer`` on each built-in theme (its first render builds the theme's master) and on the largest
customer template of tests/templates/; for each theme and that template, a deck of the first ``PDF_SLIDES`` (20)
slides is converted to PDF as an export does (the aim: 50 slides render in 1 s, 20 export to PDF in 3 s).
The slide count of the output is reported as well: the renderer splits a slide whose bullets do not fit.
Each conversion (``LibreOfficeConverter``) is timed ``--repeats`` times too; a machine without
LibreOffice reports ``null`` for them. ``--quick`` renders 10 slides and repeats twice. Results go to
bench/results/render.json
(``quick`` in it says which run wrote it).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import statistics
import sys
import time
import zipfile
from typing import Any

import attrs
from ingestion import RESULTS, ROOT, SAMPLE, machine, peak_rss_mb

from presentai.adapters.convert.libreoffice import LibreOfficeConverter
from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.adapters.pptx.themes import DEFAULT_THEME, THEMES
from presentai.domain.deck import Deck, DeckSource
from presentai.domain.errors import RenderError
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent

BULLETS_PER_SLIDE = 5
PDF_SLIDES = 20
TEMPLATES = ROOT / "tests" / "templates"
WORDS_PER_BULLET = 25
SOURCES = {
    f"doc-{i}": DeckSource(f"doc-{i}", name, tuple(range(1, 21)))
    for i, name in enumerate(("operations-review.pdf", "investment-and-finance.pdf", "risk-and-governance.pdf"))
}


def sample_sentences() -> list[tuple[str, str]]:
    """(section heading, sentence) pairs of the sample report with at least 18 words."""
    section, found = "", []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ").strip()
        elif line.strip() and not line.startswith(("|", "- ")):
            found += [(section, s) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip()) if len(s.split()) >= 18]
    return found


def build_deck(slides: int) -> Deck:
    """``slides`` bullet slides of attributed ~25-word bullets."""
    sentences = itertools.cycle(sample_sentences())
    sources = itertools.cycle(SOURCES)
    contents = []
    for number in range(1, slides + 1):
        bullets = []
        for _ in range(BULLETS_PER_SLIDE):
            section, sentence = next(sentences)
            text = " ".join(sentence.rstrip(".").split()[:WORDS_PER_BULLET])
            attribution = Attribution(
                source_document_id=next(sources),
                chunk_id=f"chunk-{number}-{len(bullets)}",
                quote=sentence,
                start=0,
                end=len(sentence),
                page=1 + number % 20,
                section=section,
                score=0.9,
            )
            bullets.append(Bullet(text, 0, (attribution,)))
        title = f"{number}. {section}"
        contents.append(SlideContent(Layout.BULLETS, title, tuple(bullets), notes=f"Talking points for {section}."))
    return Deck("Northwind Grid Annual Report 2025", "Built from three reports", "en", tuple(contents), SOURCES)


def main(quick: bool, repeats: int) -> dict[str, object]:
    slides = 10 if quick else 50
    deck = build_deck(slides)
    words = [len(b.text.split()) for s in deck.slides for b in s.bullets]
    renderer = PptxDeckRenderer()
    started = time.perf_counter()
    pptx = renderer.render(deck)
    first = time.perf_counter() - started
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        renderer.render(deck)
        seconds.append(time.perf_counter() - started)
    with zipfile.ZipFile(io.BytesIO(pptx)) as archive:
        written = sum(1 for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    median = statistics.median(seconds)
    row = {
        "slides_in": slides,
        "slides_out": written,
        "bullets": len(words),
        "words_per_bullet_mean": round(statistics.mean(words), 1),
        "first_s": round(first, 3),
        "median_s": round(median, 3),
        "runs_s": [round(s, 3) for s in seconds],
        "slides_per_s": round(slides / median, 1),
        "bytes": len(pptx),
        "peak_rss_mb": peak_rss_mb(),
        "conversions": {target: conversion(pptx, target, repeats) for target in ("pdf", "png")},
    }
    header = ("slides out", "first s", "median s", "slides/s", "bytes", "RSS MB")
    print(f"{'deck':18s} " + " ".join(f"{h:>10s}" for h in header))
    print(
        f"{f'{slides} slides x {BULLETS_PER_SLIDE} bullets':18s} {written:10d} {first:10.3f} {median:10.3f} "
        f"{row['slides_per_s']:10.1f} {len(pptx):10d} {row['peak_rss_mb']:10.0f}"
    )
    for target, timing in row["conversions"].items():  # type: ignore[attr-defined]
        if timing is None:
            print(f"{target}: LibreOffice or Poppler is not installed (scripts/install-system-packages)")
        else:
            print(f"to {target}: median {timing['median_s']:.2f} s ({timing['bytes']} bytes)")
    row["themes"] = {name: themed(deck, name, repeats) for name in THEMES}
    largest = max((*TEMPLATES.glob("*.pptx"), *TEMPLATES.glob("*.potx")), key=lambda p: p.stat().st_size)
    row["template"] = {"file": largest.name, **themed(deck, DEFAULT_THEME, repeats, largest.read_bytes())}
    for name, timing in (*row["themes"].items(), (f"template {largest.stem[:20]}", row["template"])):  # type: ignore[attr-defined]
        print(
            f"{name:16s} {timing['slides_out']:10d} {timing['first_s']:10.3f} {timing['median_s']:10.3f} "
            f"{timing['slides_per_s']:10.1f} {timing['bytes']:10d}  "
            + (f"PDF of {PDF_SLIDES}: {timing['pdf']['median_s']:.2f} s" if timing["pdf"] else "no LibreOffice")
        )
    return {"machine": machine(), "quick": quick, "repeats": repeats, "results": {f"{slides}-slides": row}}


def themed(deck: Deck, theme: str, repeats: int, template: bytes | None = None) -> dict[str, Any]:
    """Seconds to render ``deck`` with DesignedDeckRenderer on ``theme`` (or ``template``): the first (master
    built) and the median; and to export its first ``PDF_SLIDES`` slides to PDF."""
    renderer = DesignedDeckRenderer(theme)
    started = time.perf_counter()
    pptx = renderer.render(deck, template)
    first = time.perf_counter() - started
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        renderer.render(deck, template)
        seconds.append(time.perf_counter() - started)
    short = attrs.evolve(deck, slides=deck.slides[:PDF_SLIDES])
    with zipfile.ZipFile(io.BytesIO(pptx)) as archive:
        written = sum(1 for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    median = statistics.median(seconds)
    return {
        "slides_out": written,
        "first_s": round(first, 3),
        "median_s": round(median, 3),
        "slides_per_s": round(len(deck.slides) / median, 1),
        "ms_per_slide": round(1000 * median / len(deck.slides), 1),
        "bytes": len(pptx),
        "pdf": conversion(renderer.render(short, template), "pdf", repeats),
    }


def conversion(pptx: bytes, target: str, repeats: int) -> dict[str, object] | None:
    """Median seconds to convert the deck to ``target``, and the result's size; ``None`` without LibreOffice."""
    converter = LibreOfficeConverter()
    seconds, size = [], 0
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        try:
            size = len(converter.convert(pptx, target))
        except RenderError as error:
            if "not installed" in str(error):
                return None
            raise
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 2), "runs_s": [round(s, 2) for s in seconds], "bytes": size}


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--quick", action="store_true", help="10 slides, 2 repeats (smoke run)")
    cli.add_argument("--repeats", type=int, default=None, help="timed runs after the first (default 5, 2 with --quick)")
    options = cli.parse_args()
    out = main(options.quick, options.repeats or (2 if options.quick else 5))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "render.json").write_text(json.dumps(out, indent=2) + "\n")
    sys.exit(0)
