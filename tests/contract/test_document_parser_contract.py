"""The DocumentParser contract, held by every parser adapter on a valid input of its format."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import pptx
import pytest
from pptx.util import Inches

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.parsers.markup import HtmlParser, MarkdownParser, TextParser
from presentai.adapters.parsers.office import DocxParser, PptxParser
from presentai.adapters.parsers.pdf import PdfParser
from presentai.domain.errors import SourceError
from presentai.domain.sources import BLOCK_SEPARATOR, BlockKind, ParsedDocument
from presentai.ports.parsing import DocumentParser

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _sample(name: str) -> Callable[[], bytes]:
    return (SAMPLES / name).read_bytes


def _pptx() -> bytes:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "GridBank battery storage"
    body = slide.placeholders[1].text_frame
    body.text = "Ashby Moor entered service in 2025"
    detail = body.add_paragraph()
    detail.text = "50 MW, 100 MWh"
    detail.level = 1
    slide.notes_slide.notes_text_frame.text = "Mention the frequency response contract."
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Sites"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for column, (head, value) in enumerate([("Site", "Ashby Moor"), ("MW", "50")]):
        table.cell(0, column).text = head
        table.cell(1, column).text = value
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _html() -> bytes:
    return (
        b"<!DOCTYPE html><html><head><title>Storm Ingrid</title><script>track()</script></head><body>"
        b"<nav>Home</nav><main><h1>Storm Ingrid</h1><p>The storm crossed the region on 14 February.</p>"
        b"<h2>1. Response</h2><ul><li>420 staff pre-positioned</li><li>Generators for care homes</li></ul>"
        b"<table><tr><th>Day</th><th>Homes off supply</th></tr><tr><td>Saturday</td><td>112,000</td></tr></table>"
        b"</main><footer>Copyright</footer></body></html>"
    )


def _text() -> bytes:
    return (
        "1. Накопители энергии\n\nНакопитель в Эшби-Мур введён в эксплуатацию.\nЁмкость 100 МВт·ч.\n\n"
        "2. Next steps\n\nThe Stonebridge battery follows in 2026.\n"
    ).encode()


# Each adapter with an input of the format it reads; ContentSniffingParser with one of each.
VALID_INPUTS: list[tuple[str, Callable[[], DocumentParser], Callable[[], bytes]]] = [
    ("pdf-english", PdfParser, _sample("annual-report-2025.pdf")),
    ("pdf-russian", PdfParser, _sample("otchet-vetroparka.pdf")),
    ("docx", DocxParser, _sample("strategiya-2026.docx")),
    ("pptx", PptxParser, _pptx),
    ("markdown", MarkdownParser, _sample("field-notes.md")),
    ("html", HtmlParser, _html),
    ("text", TextParser, _text),
    ("sniffing-pdf", ContentSniffingParser, _sample("annual-report-2025.pdf")),
    ("sniffing-docx", ContentSniffingParser, _sample("strategiya-2026.docx")),
    ("sniffing-pptx", ContentSniffingParser, _pptx),
    ("sniffing-markdown", ContentSniffingParser, _sample("field-notes.md")),
    ("sniffing-html", ContentSniffingParser, _html),
    ("sniffing-text", ContentSniffingParser, _text),
]

ADAPTERS: list[Callable[[], DocumentParser]] = [
    PdfParser,
    DocxParser,
    PptxParser,
    MarkdownParser,
    HtmlParser,
    TextParser,
    ContentSniffingParser,
]


@pytest.fixture(scope="module", params=VALID_INPUTS, ids=[case[0] for case in VALID_INPUTS])
def parsed(request: pytest.FixtureRequest) -> ParsedDocument:
    """One parse per input, shared by the tests: a ParsedDocument is immutable."""
    _, make_parser, make_input = request.param
    return make_parser().parse(make_input(), "source-file")


def test_the_text_is_the_blocks_joined_by_blank_lines(parsed: ParsedDocument) -> None:
    assert parsed.blocks
    assert parsed.text == BLOCK_SEPARATOR.join(block.text for block in parsed.blocks)


def test_no_block_holds_a_blank_line_so_the_text_splits_back_into_exactly_its_blocks(parsed: ParsedDocument) -> None:
    assert parsed.text.split(BLOCK_SEPARATOR) == [block.text for block in parsed.blocks]


def test_each_block_offset_points_at_that_blocks_text(parsed: ParsedDocument) -> None:
    offsets = parsed.block_offsets()

    assert len(offsets) == len(parsed.blocks)
    assert offsets == sorted(offsets)
    for offset, block in zip(offsets, parsed.blocks, strict=True):
        assert parsed.text[offset : offset + len(block.text)] == block.text


def test_every_block_has_text_without_surrounding_whitespace(parsed: ParsedDocument) -> None:
    for block in parsed.blocks:
        assert block.text.strip()
        assert block.text == block.text.strip()


def test_headings_have_a_level_from_one_to_six_and_open_their_own_section(parsed: ParsedDocument) -> None:
    found = [block for block in parsed.blocks if block.kind is BlockKind.HEADING]

    assert found
    for heading in found:
        assert 1 <= heading.level <= 6
        assert heading.section == heading.text


def test_every_section_named_on_a_block_is_a_heading_seen_before_it(parsed: ParsedDocument) -> None:
    seen: set[str] = set()
    for block in parsed.blocks:
        if block.kind is BlockKind.HEADING:
            seen.add(block.text)
        assert block.section in seen | {""}


def test_page_numbers_are_absent_or_within_the_page_count(parsed: ParsedDocument) -> None:
    pages = [block.page for block in parsed.blocks if block.page is not None]

    if parsed.page_count is None:
        assert pages == []
    else:
        assert all(1 <= page <= parsed.page_count for page in pages)


def test_the_title_is_short_and_not_blank(parsed: ParsedDocument) -> None:
    assert parsed.title.strip()
    assert len(parsed.title) <= 200


def _garbage(seed: int) -> bytes:
    return random.Random(seed).randbytes(4096)


GARBAGE = {
    "random-bytes": _garbage(1),
    "more-random-bytes": _garbage(2),
    "pdf-header-then-noise": b"%PDF-1.7\n" + _garbage(3),
    "zip-header-then-noise": b"PK\x03\x04" + _garbage(4),
    "nul-padded": b"\x00" * 2048 + _garbage(5),
}


@pytest.mark.parametrize("make_parser", ADAPTERS, ids=lambda adapter: adapter.__name__)
@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=list(GARBAGE))
def test_garbage_bytes_raise_a_source_error_naming_the_file_never_a_library_exception(
    make_parser: Callable[[], DocumentParser], garbage: bytes
) -> None:
    with pytest.raises(SourceError) as raised:
        make_parser().parse(garbage, "mystery.bin")

    assert raised.value.source == "mystery.bin"
    assert str(raised.value)


@pytest.mark.parametrize("make_parser", ADAPTERS, ids=lambda adapter: adapter.__name__)
def test_an_empty_file_raises_a_source_error(make_parser: Callable[[], DocumentParser]) -> None:
    with pytest.raises(SourceError):
        make_parser().parse(b"", "empty")


def test_markdown_front_matter_gives_the_title_and_never_becomes_text() -> None:
    document = MarkdownParser().parse(
        b"---\ntitle: 'Thinking in React'\nlayout: page\n---\n\n# Start\n\nSome text here.\n", "a.md"
    )
    assert document.title == "Thinking in React"
    assert not any("layout:" in block.text for block in document.blocks)


def test_html_heading_anchors_do_not_reach_the_headings() -> None:
    page = '<html><body><h2>When to use logging<a class="headerlink" href="#w">¶</a></h2><p>Often.</p></body></html>'
    document = HtmlParser().parse(page.encode(), "a.html")
    assert next(b.text for b in document.blocks) == "When to use logging"
