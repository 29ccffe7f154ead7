"""`presentai generate` end to end: real documents in, a traceable PPTX out."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from presentai.adapters.pptx.renderer import PPTX_MEDIA_TYPE  # noqa: F401 - the renderer the CLI uses
from tests.conftest import SAMPLES
from tests.e2e.conftest import parsed_text, run_cli, slides_of
from tests.pptx_checks import overflowing_text

# "[n] “quote” — Document name, p. 7, § Section" (the page and the section only where known)
NOTE = re.compile(
    r"^\[(?P<n>\d+)\] “(?P<quote>.+)” — (?P<name>.+?)(?:, (?:p|с)\. (?P<page>\d+))?(?:, § (?P<section>.+))?$"
)


@pytest.fixture(scope="module")
def english_deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("en")
    out = folder / "deck.pptx"
    result = run_cli(
        "generate",
        SAMPLES / "annual-report-2025.pdf",
        SAMPLES / "field-notes.md",
        "--slides",
        "12",
        "--audience",
        "the board",
        "-o",
        out,
        workspace=folder / "ws",
    )
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_the_deck_has_title_agenda_the_requested_content_slides_and_sources(english_deck: tuple[Path, str]) -> None:
    path, _ = english_deck
    every = slides_of(path)
    # An agenda too long for one slide is continued, never shrunk: its slides list the 12 titles between them.
    agenda = [s for s in every if str(s["title"]).startswith("Agenda")]
    assert agenda[0] is every[1]
    assert sum(len(s["body"]) for s in agenda) == 12  # type: ignore[arg-type, misc]
    slides = [every[0], agenda[0], *(s for s in every if s not in agenda and s is not every[0])]
    assert len(slides) == 1 + 1 + 12 + 1
    assert slides[-1]["title"] == "Sources"
    assert any(
        "Northwind Grid Annual Report 2025 (annual-report-2025.pdf) — pp." in line for line in slides[-1]["body"]
    )  # type: ignore[union-attr]
    assert all(len(s["body"]) >= 1 for s in slides[2:-1])  # type: ignore[arg-type]


def test_every_bullet_is_traced_in_the_notes_to_a_quote_found_verbatim_in_its_source(
    english_deck: tuple[Path, str],
) -> None:
    path, _ = english_deck
    sources = {
        "Northwind Grid Annual Report 2025 (annual-report-2025.pdf)": parsed_text(SAMPLES / "annual-report-2025.pdf"),
        "BrightMeter Field Notes: Fellside and Harrow Vale Visit (field-notes.md)": parsed_text(
            SAMPLES / "field-notes.md"
        ),
    }
    checked = 0
    for slide in [s for s in slides_of(path)[1:-1] if not str(s["title"]).startswith("Agenda")]:
        notes = [NOTE.match(line) for line in str(slide["notes"]).splitlines()[1:]]
        assert all(notes), slide["notes"]
        numbers = sorted({int(m["n"]) for m in notes if m})
        # one note per bullet; a key-figure card shows its figure on a line of its own, above the bullet
        assert numbers == list(range(1, len(numbers) + 1))
        assert 1 <= len(numbers) <= len(slide["body"])  # type: ignore[arg-type]
        for match in notes:
            assert match is not None
            quote = match["quote"]
            assert quote in sources[match["name"]]
            assert not quote[0].islower(), f"starts mid-sentence: {quote!r}"
            assert quote.endswith((".", "!", "?", ";")), f"ends mid-sentence: {quote!r}"
            if match["name"].startswith("Northwind"):
                assert match["page"] is not None  # PDF quotes carry their page
            checked += 1
    assert checked >= 8


def test_no_text_box_overflows(english_deck: tuple[Path, str]) -> None:
    path, _ = english_deck
    assert overflowing_text(path.read_bytes()) == []


def test_the_text_is_native_and_editable(english_deck: tuple[Path, str]) -> None:
    path, _ = english_deck
    deck = Presentation(io.BytesIO(path.read_bytes()))
    assert not [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]  # pictures
    assert all(slide.shapes.title is not None for slide in deck.slides)


def test_the_summary_says_what_was_made(english_deck: tuple[Path, str]) -> None:
    path, stderr = english_deck
    summary = " ".join(stderr.split())
    assert f"Wrote {path}" in summary
    assert "12 content slides" in summary
    assert "2 of 2 sources used" in summary


def test_a_russian_source_gives_a_russian_deck(tmp_path: Path) -> None:
    out = tmp_path / "ru.pptx"
    result = run_cli(
        "generate", SAMPLES / "otchet-vetroparka.pdf", "--slides", "4", "-o", out, workspace=tmp_path / "ws"
    )
    assert result.returncode == 0, result.stderr
    slides = slides_of(out)
    assert slides[1]["title"] == "Содержание"
    assert slides[-1]["title"] == "Источники"
    assert all(re.search("[а-яё]", str(s["title"]), re.I) for s in slides[2:-1])
    assert "language ru" in result.stderr
    source = parsed_text(SAMPLES / "otchet-vetroparka.pdf")
    for slide in slides[2:-1]:
        for line in str(slide["notes"]).splitlines()[1:]:
            match = NOTE.match(line)
            assert match is not None
            assert match["quote"] in source
            assert match["page"] is not None
    assert overflowing_text(out.read_bytes()) == []


def test_a_bad_source_is_named_and_skipped_and_the_exit_code_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    out = tmp_path / "deck.pptx"
    result = run_cli(
        "generate",
        broken,
        empty,
        SAMPLES / "field-notes.md",
        "--slides",
        "3",
        "--embedder",
        "static",
        "-o",
        out,
        workspace=tmp_path / "ws",
    )
    assert result.returncode == 1, result.stderr
    stderr = " ".join(result.stderr.split())
    assert "broken.pdf: the PDF is damaged or truncated" in stderr
    assert "empty.docx: the file is empty" in stderr
    assert len(slides_of(out)) == 1 + 1 + 3 + 1


def test_when_no_source_is_usable_no_deck_is_written_and_an_old_one_is_left_alone(tmp_path: Path) -> None:
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    out = tmp_path / "deck.pptx"
    out.write_bytes(b"previous deck")
    result = run_cli(
        "generate", picture, tmp_path / "missing.pdf", "--embedder", "static", "-o", out, workspace=tmp_path / "ws"
    )
    assert result.returncode == 3
    stderr = " ".join(result.stderr.split())
    assert "scan.png: this is a PNG image" in stderr
    assert "missing.pdf: no such file" in stderr
    assert out.read_bytes() == b"previous deck"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".deck.pptx")]  # no half-written temp file


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--slides", "0"], "slide count must be between 1 and 100"), (["--slides", "101"], "between 1 and 100")],
)
def test_bad_arguments_are_refused_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(
        "generate", SAMPLES / "field-notes.md", *args, "-o", tmp_path / "d.pptx", workspace=tmp_path / "ws"
    )
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "d.pptx").exists()


def test_an_output_that_is_not_pptx_or_pdf_is_refused(tmp_path: Path) -> None:
    result = run_cli("generate", SAMPLES / "field-notes.md", "-o", tmp_path / "deck.docx", workspace=tmp_path / "ws")
    assert result.returncode == 2
    assert "must be a .pptx or .pdf file" in result.stderr


def test_a_pdf_output_is_the_deck_converted_page_for_slide(tmp_path: Path) -> None:
    out = tmp_path / "deck.pdf"
    result = run_cli(
        "generate", SAMPLES / "strategiya-2026.docx", "--slides", "2", "-o", out, workspace=tmp_path / "ws"
    )
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) == 1 + 2 + 1  # title, two slides, sources (two slides need no agenda)
    assert pages[-1].startswith("Источники")
    assert f"Wrote {out}" in " ".join(result.stderr.split())


def test_a_corporate_template_gives_the_deck_its_size_and_layouts(tmp_path: Path) -> None:
    from pptx.util import Inches

    template = Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(5.625)
    template.slide_layouts[1].name = "Title and Content"
    template.save(tmp_path / "corporate.pptx")
    out = tmp_path / "deck.pptx"
    result = run_cli(
        "generate", SAMPLES / "field-notes.md", "--slides", "3", "--template", tmp_path / "corporate.pptx",
        "-o", out, workspace=tmp_path / "ws",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    deck = Presentation(io.BytesIO(out.read_bytes()))
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(5.625))
    assert overflowing_text(out.read_bytes()) == []


def test_a_template_that_is_not_a_pptx_is_refused_and_no_deck_is_written(tmp_path: Path) -> None:
    bogus = tmp_path / "template.pptx"
    bogus.write_text("not a presentation")
    out = tmp_path / "deck.pptx"
    result = run_cli("generate", SAMPLES / "field-notes.md", "--template", bogus, "-o", out, workspace=tmp_path / "ws")
    assert result.returncode == 2
    assert "template template.pptx: not a .pptx file" in result.stderr
    assert not out.exists()


def test_db_upgrade_applies_the_migrations_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    first = run_cli("db", "upgrade", "--database-url", url, workspace=tmp_path / "ws")
    second = run_cli("db", "upgrade", "--database-url", url, workspace=tmp_path / "ws")
    assert first.returncode == 0, first.stderr
    from presentai.adapters.sql import migrate

    ids = sorted(p.stem for p in (Path(migrate.__file__).parent / "migrations" / "sqlite").glob("*.sql"))
    assert f"applied {len(ids)} migration(s): {', '.join(ids)}" in " ".join(first.stderr.split())
    assert second.returncode == 0
    assert "already up to date" in second.stderr


def test_generate_help_describes_every_option_and_the_slide_range() -> None:
    from presentai.entrypoints.cli import _parser

    commands = next(a for a in _parser()._actions if a.dest == "command")
    generate = commands.choices["generate"]  # type: ignore[index]
    undescribed = [a.dest for a in generate._actions if not (a.help or "").strip()]
    assert undescribed == []
    slides = next(a for a in generate._actions if a.dest == "slides")
    assert "1 to" in (slides.help or "")
    assert "100" in (slides.help or "")


def test_theme_dark_gives_a_deck_on_the_dark_master(tmp_path: Path) -> None:
    from pptx.oxml.ns import qn

    from presentai.adapters.pptx.themes import THEMES

    out = tmp_path / "deck.pptx"
    result = run_cli(
        "generate", SAMPLES / "field-notes.md", "--slides", "2", "--theme", "dark", "-o", out, workspace=tmp_path / "ws"
    )
    assert result.returncode == 0, result.stderr
    master = Presentation(io.BytesIO(out.read_bytes())).slide_master._element
    background = master.find(f"{qn('p:cSld')}/{qn('p:bg')}").find(f".//{qn('a:srgbClr')}").get("val")
    assert background == THEMES["dark"].palette.background
    assert overflowing_text(out.read_bytes()) == []


def test_an_unknown_theme_is_refused_naming_the_themes(tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    result = run_cli("generate", SAMPLES / "field-notes.md", "--theme", "neon", "-o", out, workspace=tmp_path / "ws")
    assert result.returncode == 2
    assert "choose from light, dark, corporate" in " ".join(result.stderr.split()).replace("'", "")
    assert not out.exists()
