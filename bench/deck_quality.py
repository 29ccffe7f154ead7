"""Deck quality on the corpus of real documents (issue 10): what a person would object to, counted.

For each source document in tests/corpus/manifest.json (an entry with ``deck_of`` is only an
author's deck of another document and is skipped), a deck of ``--slides`` content slides is
generated in a fresh temporary workspace with the embedded defaults, exactly what
``PresentAI.local(workspace).generate([path], slides=N)`` does. The asynchronous facade it wraps
(``AsyncPresentAI`` over ``Settings.from_env(None, workspace=...)``) is used so that the chunks
the quotes point into can be read from the same workspace afterwards. Per deck it reports:

* repeats: bullets whose normalised text occurs twice (on one slide or two), content-slide
  titles that are equal once a "(k/n)" suffix is removed; titles ending "(k/n)", and rendered
  slides the renderer split to fit ("(cont.)");
* junk titles by kind (the title slide's, long only past 16 words, and the content slides'),
  fragment bullets, and bullets holding markup or a list glyph, by the rules in bench/deck_checks.py;
* words (of the bullets) and bullets per content slide, mean and max;
* the smallest font size the renderer set on body text (every non-title text frame of the
  rendered PPTX, title slide included, but not the footer, date and slide-number placeholders nor a
  caption line opening with "— ", "Source:" or "Источник:", the source under a quote, table or
  chart), times the frame's ``normAutofit`` fontScale if it has one; runs without an explicit size
  are counted apart;
* faithfulness: a bullet is verified when it has an attribution and each of its quotes equals
  ``chunk.text[start:end]`` of the chunk it names and occurs in the source's parsed text;
* for documents with an author's deck (``author_deck``), how many of our titles overlap an
  author title (half their content stems shared) and how many author titles ours cover;
* reading order: for multi-column PDFs, the hand-checked excerpts of tests/corpus/reading_order.json
  that the parser's text of that page does not hold in order (within 300 characters).

A summary row adds the decks up and says which aims are met. The bench asserts nothing. Results go
to bench/results/deck_quality.json (``selection`` in it says which documents the run covered).
``--save-decks DIR`` keeps each PPTX for looking at; ``--quick`` skips PDFs of more than 20 pages.
``--only NAME`` runs the documents whose path contains NAME; ``--holdout-only`` and ``--tuning-only``
split the corpus by the manifest's ``holdout`` (holdout documents must not be used to tune anything,
only to check). The whole corpus takes about three minutes on two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import deck_checks as checks
import pptx
from ingestion import RESULTS, ROOT, machine
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from presentai import AsyncPresentAI, Settings
from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.domain.slides import Layout
from presentai.domain.sources import ParsedDocument

CORPUS = ROOT / "tests" / "corpus"
READING_ORDER = CORPUS / "reading_order.json"
QUICK_PAGES = 20  # --quick skips longer documents (PDFs; other formats have no page count and stay)
WITHIN = 300  # characters between the two fragments of a reading-order excerpt
AIMS = {  # what a deck should reach (issue 10)
    "repeated_bullets": "0 repeated bullets",
    "repeated_titles": "0 repeated titles",
    "junk_titles": "0 junk titles",
    "fragment_pct": "<= 5 % fragment bullets",
    "words_max": "<= 60 words per content slide",
    "min_body_pt": "body text >= 18 pt",
    "unverified_bullets": "every quote verbatim",
}
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def sources(manifest: list[dict[str, Any]], only: str, holdout: bool | None) -> list[dict[str, Any]]:
    """The manifest's source documents (not an author's deck of another), filtered as asked."""
    return [
        entry
        for entry in manifest
        if "deck_of" not in entry
        and only.lower() in entry["file"].lower()
        and (holdout is None or bool(entry.get("holdout")) is holdout)
    ]


async def generate(path: Path, slides: int) -> tuple[Any, dict[str, Any], float]:
    """The deck of one document from a fresh workspace, the chunks its quotes point into, and seconds taken."""
    with tempfile.TemporaryDirectory(prefix="deck-quality-") as workspace:
        app = AsyncPresentAI(Settings.from_env(None, workspace=Path(workspace)))
        try:
            started = time.perf_counter()
            deck = await app.generate([path], slides=slides)
            seconds = time.perf_counter() - started
            chunks = await app.container.chunks().for_documents(
                app.settings.organization_id, [source.id for source in deck.sources]
            )
        finally:
            await app.aclose()
    return deck, {chunk.id: chunk for chunk in chunks}, seconds


def parse(path: Path) -> ParsedDocument:
    """The document as the library's parser reads it."""
    return ContentSniffingParser().parse(path.read_bytes(), path.name)


def page_text(document: ParsedDocument, page: int) -> str:
    """The parsed text that lies on ``page``, in the parser's order (blocks cut at their page breaks)."""
    pieces = []
    for block in document.blocks:
        starts = [(0, block.page), *block.page_starts]
        for (start, number), following in zip(starts, [*starts[1:], (len(block.text), None)], strict=True):
            if number == page:
                pieces.append(block.text[start : following[0]])
    return "\n\n".join(pieces)


def reading_order(document: ParsedDocument, excerpts: list[dict[str, Any]]) -> dict[str, Any]:
    """How many hand-checked excerpts the parsed pages do not hold in reading order."""
    failures = []
    for excerpt in excerpts:
        text = page_text(document, excerpt["page"])
        if not checks.in_order(text, excerpt["before"], excerpt["after"], WITHIN):
            folded = checks.fold_for_search(text)
            missing = [k for k in ("before", "after") if checks.fold_for_search(excerpt[k]) not in folded]
            failures.append({**excerpt, "missing": missing})
    return {"errors": len(failures), "total": len(excerpts), "failures": failures}


def author_titles(path: Path) -> list[str]:
    """The slide titles of an author's deck: a PPTX's title placeholders, or a Markdown outline's table or headings."""
    if path.suffix == ".pptx":
        titles = []
        for slide in pptx.Presentation(str(path)).slides:
            title = slide.shapes.title
            if title is not None and title.text_frame.text.strip():
                titles.append(" ".join(title.text_frame.text.split()))
        return titles
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and cells[0].isdigit():
            rows.append(": ".join(c for c in cells[1:3] if c))
    if rows:  # "| # | Slide title | Subtitle |"
        return rows
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # the first line names the outline
    return [line.lstrip("#").strip() for line in lines if line.startswith("#")]


DECK_TITLE_WORDS = 16  # a document's own title on the title slide may run longer than a slide's


def deck_title_kinds(title: str) -> list[str]:
    """The junk kinds of the deck's title: a slide title's, but long only past ``DECK_TITLE_WORDS`` words."""
    kinds = [k for k in checks.junk_title_kinds(title) if k != "too_long"]
    return [*kinds, "too_long"] if len(checks.words(title)) > DECK_TITLE_WORDS else kinds


_CAPTIONS = ("— ", "Source:", "Источник:")  # a quote's, a table's or a chart's source line
_FURNITURE = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.SLIDE_NUMBER)


def font_sizes(data: bytes) -> dict[str, Any]:
    """The smallest sizes set on body and title text of the rendered PPTX, and what else it shows."""
    deck = pptx.Presentation(io.BytesIO(data))
    body: list[tuple[float, int]] = []
    titles: list[float] = []
    unsized = scaled = 0
    rendered_titles = []
    for number, slide in enumerate(deck.slides, start=1):
        rendered_titles.append(slide.shapes.title.text_frame.text if slide.shapes.title is not None else "")
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            kind = shape.placeholder_format.type if shape.is_placeholder else None
            if kind in _FURNITURE:
                continue  # the footer, the date and the slide number are not body text
            is_title = kind in _TITLES
            autofit = shape.text_frame._txBody.bodyPr.find(qn("a:normAutofit"))
            scale = int(autofit.get("fontScale", "100000")) / 100000 if autofit is not None else 1.0
            scaled += scale != 1.0
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if not run.text.strip():
                        continue
                    size = run.font.size or paragraph.font.size
                    if paragraph.text.lstrip().startswith(_CAPTIONS) and not is_title:
                        continue  # a quote's or a table's source line: a caption, not body text
                    if size is None:
                        unsized += 1
                    elif is_title:
                        titles.append(size.pt * scale)
                    else:
                        body.append((size.pt * scale, number))
    smallest = min(body) if body else (None, None)
    return {
        "rendered_slides": len(deck.slides),
        "split_slides": sum(checks.is_split(t) for t in rendered_titles),
        "min_body_pt": smallest[0],
        "min_body_slide": smallest[1],
        "body_pt_counts": dict(sorted(Counter(size for size, _ in body).items())),
        "min_title_pt": min(titles) if titles else None,
        "runs_without_size": unsized,
        "frames_with_font_scale": scaled,
    }


def faithfulness(content: list[Any], chunks: dict[str, Any], source_text: str) -> dict[str, Any]:
    """Bullets whose every quote is verbatim in the chunk it names (at its offsets) and in the source."""
    unattributed = not_in_chunk = not_in_source = unverified = unsupported = 0
    examples = []
    for slide in content:
        for bullet in slide.bullets:
            unsupported += not bullet.supported
            if not bullet.attributions:
                unattributed += 1
                unverified += 1
                examples.append({"bullet": bullet.text, "problem": "no attribution"})
                continue
            ok = True
            for attribution in bullet.attributions:
                chunk = chunks.get(attribution.chunk_id)
                if chunk is None or chunk.text[attribution.start : attribution.end] != attribution.quote:
                    not_in_chunk += 1
                    ok = False
                    examples.append({"bullet": bullet.text, "quote": attribution.quote, "problem": "not in chunk"})
                if attribution.quote not in source_text:
                    not_in_source += 1
                    ok = False
                    examples.append({"bullet": bullet.text, "quote": attribution.quote, "problem": "not in source"})
            unverified += not ok
    return {
        "unverified_bullets": unverified,
        "bullets_without_attribution": unattributed,
        "quotes_not_in_chunk": not_in_chunk,
        "quotes_not_in_source": not_in_source,
        "unsupported_bullets": unsupported,  # the library's own support check (bullet.supported)
        "unverified_examples": examples[:5],
    }


def mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def measure(entry: dict[str, Any], slides: int, excerpts: list[dict[str, Any]], save: Path | None) -> dict[str, Any]:
    """Every number of one document's deck."""
    path = CORPUS / entry["file"]
    result: dict[str, Any] = {
        "file": entry["file"],
        "language": entry["language"],
        "format": entry["format"],
        "holdout": bool(entry.get("holdout")),
    }
    parsed = parse(path)
    if excerpts:
        result["reading_order"] = reading_order(parsed, excerpts)
    try:
        deck, chunks, seconds = asyncio.run(generate(path, slides))
    except Exception as error:  # noqa: BLE001 - one document failing is a finding, not the end of the bench
        result["error"] = f"{type(error).__name__}: {error}"
        return result
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        deck.save(save / f"{Path(entry['file']).stem}.pptx")
    content = [slide.content for slide in deck.slides]
    with_bullets = [c for c in content if c.bullets and c.layout is not Layout.SECTION]
    titles = [c.title for c in content]
    bullets = [(b, slide) for slide in content for b in slide.bullets]
    # The title slide's title is a title too: junk titles count it with the content slides' titles.
    junk = [(deck.presentation.title, deck_title_kinds(deck.presentation.title))]
    junk += [(t, checks.junk_title_kinds(t)) for t in titles]
    fragments = [
        (b.text, checks.fragment_reasons(b.text, b.attributions[0].quote if b.attributions else None))
        for b, _ in bullets
    ]
    slide_words = [sum(len(checks.words(b.text)) for b in c.bullets) for c in with_bullets]
    result.update(
        seconds=round(seconds, 1),
        deck_title=deck.presentation.title,
        deck_title_junk=deck_title_kinds(deck.presentation.title),
        warnings=deck.warnings,
        content_slides=len(content),
        layouts=dict(Counter(c.layout.value for c in content)),
        bullets=len(bullets),
        repeated_bullets=checks.repeats(b.text for b, _ in bullets),
        repeated_bullet_examples=checks.repeated(b.text for b, _ in bullets)[:3],
        repeated_titles=checks.repeats(checks.base_title(t) for t in titles),
        repeated_title_examples=checks.repeated(checks.base_title(t) for t in titles)[:3],
        continuation_titles=sum(checks.is_continuation(t) for t in titles),
        junk_titles=sum(bool(kinds) for _, kinds in junk),
        junk_title_kinds=dict(Counter(kind for _, kinds in junk for kind in kinds)),
        junk_title_examples=[{"title": t, "kinds": kinds} for t, kinds in junk if kinds][:6],
        fragment_bullets=sum(bool(reasons) for _, reasons in fragments),
        fragment_pct=round(100 * sum(bool(r) for _, r in fragments) / len(fragments), 1) if fragments else None,
        fragment_reasons=dict(Counter(reason for _, reasons in fragments for reason in reasons)),
        fragment_examples=[{"bullet": text, "reasons": reasons} for text, reasons in fragments if reasons][:6],
        bullets_with_markup=sum(checks.has_markup(b.text) for b, _ in bullets),
        words_mean=mean(slide_words),
        words_max=max(slide_words, default=None),
        bullets_mean=mean([len(c.bullets) for c in with_bullets]),
        bullets_max=max((len(c.bullets) for c in with_bullets), default=None),
        titles=titles,
        **font_sizes(deck.pptx),
        **faithfulness(content, chunks, parsed.text),
    )
    if entry.get("author_deck"):
        theirs = author_titles(CORPUS / entry["author_deck"])
        ours_share, coverage = checks.title_overlap(titles, theirs)
        result["author_titles"] = {
            "deck": entry["author_deck"],
            "count": len(theirs),
            "ours_matching": None if ours_share is None else round(ours_share, 2),
            "theirs_covered": None if coverage is None else round(coverage, 2),
        }
    return result


def summarise(decks: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over the decks that were made, and whether each aim is met."""
    made = [d for d in decks if "error" not in d]
    bullets = sum(d["bullets"] for d in made)
    fragments = sum(d["fragment_bullets"] for d in made)
    body = [d["min_body_pt"] for d in made if d["min_body_pt"] is not None]
    order = [d["reading_order"] for d in decks if "reading_order" in d]
    totals = {
        "decks": len(decks),
        "failed": len(decks) - len(made),
        "content_slides": sum(d["content_slides"] for d in made),
        "bullets": bullets,
        "repeated_bullets": sum(d["repeated_bullets"] for d in made),
        "repeated_titles": sum(d["repeated_titles"] for d in made),
        "continuation_titles": sum(d["continuation_titles"] for d in made),
        "split_slides": sum(d["split_slides"] for d in made),
        "junk_titles": sum(d["junk_titles"] for d in made),
        "junk_title_kinds": dict(sum((Counter(d["junk_title_kinds"]) for d in made), Counter())),
        "fragment_bullets": fragments,
        "fragment_pct": round(100 * fragments / bullets, 1) if bullets else None,
        "words_mean": mean([d["words_mean"] for d in made if d["words_mean"] is not None]),
        "words_max": max((d["words_max"] for d in made if d["words_max"] is not None), default=None),
        "bullets_mean": mean([d["bullets_mean"] for d in made if d["bullets_mean"] is not None]),
        "bullets_max": max((d["bullets_max"] for d in made if d["bullets_max"] is not None), default=None),
        "min_body_pt": min(body, default=None),
        "unverified_bullets": sum(d["unverified_bullets"] for d in made),
        "unsupported_bullets": sum(d["unsupported_bullets"] for d in made),
        "bullets_with_markup": sum(d["bullets_with_markup"] for d in made),
        "reading_order_errors": sum(o["errors"] for o in order),
        "reading_order_total": sum(o["total"] for o in order),
        "layouts": dict(sum((Counter(d.get("layouts", {})) for d in made), Counter())),
        "decks_with_3_content_layouts": sum(len(d.get("layouts", {})) >= 3 for d in made),
    }
    met = {
        "repeated_bullets": totals["repeated_bullets"] == 0,
        "repeated_titles": totals["repeated_titles"] == 0,
        "junk_titles": totals["junk_titles"] == 0,
        "fragment_pct": totals["fragment_pct"] is not None and totals["fragment_pct"] <= 5,
        "words_max": totals["words_max"] is not None and totals["words_max"] <= 60,
        "min_body_pt": totals["min_body_pt"] is not None and totals["min_body_pt"] >= 18,
        "unverified_bullets": totals["unverified_bullets"] == 0 and not totals["failed"],
    }
    return {**totals, "aims": {AIMS[key]: ok for key, ok in met.items()}}


def short(name: str, width: int = 32) -> str:
    """``ru/debian-developers-reference-…``: the language folder and as much of the stem as fits."""
    path = Path(name)
    label = f"{path.parent.name}/{path.stem}" if path.parent.name else path.stem
    return label if len(label) <= width else label[: width - 1] + "…"


def _num(value: object, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return str(value)


HEADER = (
    "document",
    "H",
    "s",
    "sl",
    "bul",
    "rep.b",
    "rep.t",
    "k/n",
    "junk",
    "frag%",
    "words avg/max",
    "bul avg/max",
    "min pt",
    "unver",
    "mk",
    "ours→auth/auth cov",
    "RO err",
)
JUNK_KINDS = (
    "fragment_start",
    "toc_line",
    "mostly_digits",
    "markup",
    "truncated",
    "generic",
    "identifier",
    "too_long",
    "keyword_list",
)


def row(d: dict[str, Any]) -> list[str]:
    order = d.get("reading_order")
    ro = f"{order['errors']}/{order['total']}" if order else ""
    if "error" in d:
        return [short(d["file"]), "*" if d["holdout"] else "", "FAILED: " + d["error"][:60], *[""] * 13, ro]
    author = d.get("author_titles")
    overlap = f"{_num(author['ours_matching'], 2)}/{_num(author['theirs_covered'], 2)}" if author else ""
    return [
        short(d["file"]),
        "*" if d["holdout"] else "",
        _num(d["seconds"], 0),
        f"{d['content_slides']}→{d['rendered_slides']}",
        str(d["bullets"]),
        str(d["repeated_bullets"]),
        str(d["repeated_titles"]),
        str(d["continuation_titles"]),
        str(d["junk_titles"]),
        _num(d["fragment_pct"]),
        f"{_num(d['words_mean'])}/{_num(d['words_max'])}",
        f"{_num(d['bullets_mean'])}/{_num(d['bullets_max'])}",
        _num(d["min_body_pt"]),
        str(d["unverified_bullets"]),
        str(d["bullets_with_markup"]),
        overlap,
        ro,
    ]


def summary_row(s: dict[str, Any]) -> list[str]:
    return [
        f"TOTAL ({s['decks']} decks)",
        "",
        "",
        str(s["content_slides"]),
        str(s["bullets"]),
        str(s["repeated_bullets"]),
        str(s["repeated_titles"]),
        str(s["continuation_titles"]),
        str(s["junk_titles"]),
        _num(s["fragment_pct"]),
        f"{_num(s['words_mean'])}/{_num(s['words_max'])}",
        f"{_num(s['bullets_mean'])}/{_num(s['bullets_max'])}",
        _num(s["min_body_pt"]),
        str(s["unverified_bullets"]),
        str(s["bullets_with_markup"]),
        "",
        f"{s['reading_order_errors']}/{s['reading_order_total']}",
    ]


def table(rows: list[list[str]], header: tuple[str, ...] | list[str]) -> str:
    widths = [max(len(r[i]) for r in [list(header), *rows]) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def report(decks: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    rows = [row(d) for d in decks]
    main = table([*rows, summary_row(summary)], HEADER)
    junk_rows = [
        [short(d["file"]), *(str(d.get("junk_title_kinds", {}).get(k, 0)) for k in JUNK_KINDS)]
        for d in decks
        if "error" not in d
    ]
    junk_rows.append(["TOTAL", *(str(summary["junk_title_kinds"].get(k, 0)) for k in JUNK_KINDS)])
    junk = table(junk_rows, ["junk titles by kind", *JUNK_KINDS])
    aims = "\n".join(f"  [{'x' if ok else ' '}] {aim}" for aim, ok in summary["aims"].items())
    legend = (
        "H: * = holdout (check only, never tune on it). s: seconds to generate. sl: content slides → rendered"
        " slides.\nrep.b/rep.t: repeated bullets/titles. k/n: titles ending (k/n). frag%: fragment bullets."
        " words, bul: per content slide.\nmin pt: smallest body font set. unver: bullets without a verified"
        " verbatim quote. mk: bullets with markup or a list glyph.\nours→auth/auth cov: share of our titles"
        " matching an author title / of author titles covered. RO err: reading-order excerpts read wrong / checked."
    )
    extra = (
        f"split to fit (cont.): {summary['split_slides']}; library-unsupported bullets:"
        f" {summary['unsupported_bullets']}\ncontent layouts: {summary['layouts']}; decks using three kinds or more"
        f" (title, agenda and sources not counted): {summary['decks_with_3_content_layouts']}"
    )
    return f"{main}\n\n{junk}\n\n{legend}\n{extra}\n\naims:\n{aims}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slides", type=int, default=10, help="content slides per deck (default 10)")
    parser.add_argument("--only", default="", metavar="NAME", help="only documents whose path contains NAME")
    split = parser.add_mutually_exclusive_group()
    split.add_argument("--holdout-only", action="store_true", help="only the holdout documents")
    split.add_argument("--tuning-only", action="store_true", help="only the documents that are not holdout")
    parser.add_argument("--quick", action="store_true", help=f"documents of at most {QUICK_PAGES} pages (smoke run)")
    parser.add_argument("--save-decks", type=Path, metavar="DIR", help="write each deck's PPTX into DIR")
    args = parser.parse_args()
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    excerpts = json.loads(READING_ORDER.read_text(encoding="utf-8"))["documents"]
    holdout = True if args.holdout_only else False if args.tuning_only else None
    chosen = sources(manifest, args.only, holdout)
    if args.quick:
        chosen = [entry for entry in chosen if entry.get("pages", 0) <= QUICK_PAGES]
    if not chosen:
        sys.exit("no document matches")
    decks = []
    for entry in chosen:
        print(f"… {entry['file']}", file=sys.stderr, flush=True)
        wanted = excerpts.get(entry["file"], []) if entry.get("columns", 1) >= 2 else []
        decks.append(measure(entry, args.slides, wanted, args.save_decks))
    summary = summarise(decks)
    print(report(decks, summary))
    RESULTS.mkdir(parents=True, exist_ok=True)
    selection = {"only": args.only, "holdout": holdout, "quick": args.quick, "documents": [d["file"] for d in decks]}
    payload = {"machine": machine(), "slides": args.slides, "selection": selection, "summary": summary, "decks": decks}
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    (RESULTS / "deck_quality.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
