"""ContentSniffingParser on real files: every format it reads, the samples, and the inputs it must refuse."""

from __future__ import annotations

import contextlib
import re
import tracemalloc
from pathlib import Path

import pytest

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.adapters.parsers.markup import HtmlParser, MarkdownParser
from presentai.adapters.parsers.pdf import PdfParser
from presentai.domain.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    FileTooLarge,
    SourceError,
    UnsupportedFileType,
)
from presentai.domain.sources import BlockKind, ParsedDocument
from tests.integration.conftest import LONG_PDF_PAGES, RUSSIAN_TEXT

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MOJIBAKE = re.compile(r"[ÐÑÃÂ\ufffd]|Р[°µ±]|вЂ")  # UTF-8 read as Latin-1/cp1251, or undecodable bytes
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def parser() -> ContentSniffingParser:
    return ContentSniffingParser()


def parse(parser: ContentSniffingParser, path: Path, name: str | None = None) -> ParsedDocument:
    return parser.parse(path.read_bytes(), name or path.name)


def headings(document: ParsedDocument) -> list[tuple[int, str]]:
    return [(block.level, block.text) for block in document.blocks if block.kind is BlockKind.HEADING]


def texts(document: ParsedDocument, kind: BlockKind) -> list[str]:
    return [block.text for block in document.blocks if block.kind is kind]


# --- what the source Markdown of a sample says it contains ------------------------------------------------------


def source_headings(markdown: str) -> list[tuple[int, str]]:
    """``#`` title and numbered headings of a sample's source, as (level, text)."""
    found = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            marks, _, text = line.partition(" ")
            found.append((len(marks), text.strip()))
    return found


def source_paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a sample's source, each joined onto one line."""
    paragraphs, current = [], []
    for raw in [*markdown.splitlines(), ""]:
        line = raw.strip()
        if line and not line.startswith(("#", "|", "- ")):
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def source_table(markdown: str) -> list[list[str]]:
    """Rows of the one table in a sample's source, without the separator row."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in markdown.splitlines()]
    return [
        row
        for row, line in zip(rows, markdown.splitlines(), strict=True)
        if line.startswith("|") and not all(set(cell) <= set("-: ") for cell in row)
    ]


# --- formats, detected from content -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "misleading_name", "media_type"),
    [
        ("small_pdf", "notes.txt", PDF),
        ("docx_document", "report.pdf", DOCX),
        ("pptx_deck", "slides.docx", PPTX),
        ("html_page", "page.txt", "text/html"),
        ("markdown_file", "visit.txt", "text/markdown"),
        ("text_file", "storm.pdf", "text/plain"),
    ],
)
def test_the_format_is_detected_from_the_content_whatever_the_file_is_called(
    parser: ContentSniffingParser, request: pytest.FixtureRequest, fixture: str, misleading_name: str, media_type: str
) -> None:
    path = request.getfixturevalue(fixture)

    document = parse(parser, path, misleading_name)

    assert document.media_type == media_type
    assert document.blocks


def test_a_pdf_saved_as_txt_is_read_as_a_pdf(parser: ContentSniffingParser, pdf_named_txt: Path) -> None:
    document = parse(parser, pdf_named_txt)

    assert document.media_type == PDF
    assert document.page_count == 2
    assert headings(document) == [(1, "1. Battery storage"), (1, "2. Smart meters")]


def test_pdf_headings_carry_levels_and_the_blocks_below_them_carry_their_section_and_page(
    parser: ContentSniffingParser, small_pdf: Path
) -> None:
    document = parse(parser, small_pdf)

    assert document.title == "Grid notes"
    assert [(b.kind, b.page, b.section) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "1. Battery storage"),
        (BlockKind.PARAGRAPH, 1, "1. Battery storage"),
        (BlockKind.HEADING, 2, "2. Smart meters"),
        (BlockKind.PARAGRAPH, 2, "2. Smart meters"),
    ]
    assert "238,000 smart meters" in document.blocks[3].text


def test_a_docx_gives_headings_by_style_list_items_a_table_and_pages_from_explicit_breaks(
    parser: ContentSniffingParser, docx_document: Path
) -> None:
    document = parse(parser, docx_document)

    assert document.media_type == DOCX
    assert document.title == "Resilience plan"
    assert headings(document) == [
        (1, "Resilience plan"),
        (1, "1. Rural feeders"),
        (2, "1.1 Measures"),
        (1, "2. Funding"),
    ]
    assert texts(document, BlockKind.LIST_ITEM) == ["Insulate the most exposed spans", "Install automatic reclosers"]
    assert texts(document, BlockKind.TABLE) == ["Measure | Cost\nReclosers | 12.5"]
    assert document.page_count == 2
    pages = {block.text: block.page for block in document.blocks}
    assert pages["1.1 Measures"] == 1
    assert pages["Measure | Cost\nReclosers | 12.5"] == 1
    assert pages["2. Funding"] == 2
    assert pages["The regulator allowed 140 million euros for the resilience programme."] == 2
    sections = {block.text: block.section for block in document.blocks}
    assert sections["Install automatic reclosers"] == "1.1 Measures"
    assert sections["The regulator allowed 140 million euros for the resilience programme."] == "2. Funding"


def test_a_pptx_gives_each_slide_as_a_page_headed_by_its_title(parser: ContentSniffingParser, pptx_deck: Path) -> None:
    document = parse(parser, pptx_deck)

    assert document.media_type == PPTX
    assert document.title == "Grid 2030 update"
    assert document.page_count == 3
    assert [(b.text, b.page) for b in document.blocks if b.kind is BlockKind.HEADING] == [
        ("Grid 2030 update", 1),
        ("Programme highlights", 2),
        ("Capital expenditure", 3),
    ]
    pages = {block.text: block.page for block in document.blocks}
    assert pages["Welcome the board and thank the field teams."] == 1  # speaker notes
    assert pages["BrightMeter passed the halfway mark"] == 2
    assert pages["Programme | EUR m\nBrightMeter | 58.9\nGridBank | 392"] == 3
    assert texts(document, BlockKind.TABLE) == ["Programme | EUR m\nBrightMeter | 58.9\nGridBank | 392"]
    sub_bullet = next(b for b in document.blocks if b.text == "612,000 meters installed")
    assert (sub_bullet.kind, sub_bullet.level, sub_bullet.section) == (BlockKind.LIST_ITEM, 1, "Programme highlights")


def test_a_slide_title_appears_once_as_its_heading_and_not_again_as_a_paragraph(
    parser: ContentSniffingParser, pptx_deck: Path
) -> None:
    document = parse(parser, pptx_deck)

    for title in ("Grid 2030 update", "Programme highlights", "Capital expenditure"):
        assert [b.kind for b in document.blocks if b.text == title] == [BlockKind.HEADING]


def test_text_inside_a_grouped_shape_on_a_slide_is_kept(
    parser: ContentSniffingParser, pptx_with_grouped_text: Path
) -> None:
    document = parse(parser, pptx_with_grouped_text)

    assert "420 field staff were pre-positioned before the storm" in document.text


def test_an_html_page_keeps_its_article_and_drops_navigation_scripts_and_footer(
    parser: ContentSniffingParser, html_page: Path
) -> None:
    document = parse(parser, html_page)

    assert document.media_type == "text/html"
    assert document.title == "GridBank battery storage"  # the site's name after "|" is not the page's title
    assert headings(document) == [(1, "GridBank battery storage"), (2, "Ashby Moor")]
    assert texts(document, BlockKind.LIST_ITEM) == ["Frequency response", "Peak shaving"]
    assert texts(document, BlockKind.TABLE) == ["Site | MW\nAshby Moor | 50"]
    assert "The Ashby Moor battery stores 100 megawatt hours and entered service in 2025." in document.text
    noise = ("Menu item", "trackPageView", "trackScroll", "font-family", "Copyright", "Related stories", "About us")
    assert [text for text in noise if text in document.text] == []


def test_an_html_page_whose_text_sits_in_divs_is_read(parser: ContentSniffingParser, html_in_divs: Path) -> None:
    document = parse(parser, html_in_divs)

    assert "Engineers restored supply to all 2,400 homes in Fellside on Sunday evening." in document.text
    assert "Home | Outages" not in document.text


def test_markdown_gives_headings_lists_and_tables(parser: ContentSniffingParser, markdown_file: Path) -> None:
    document = parse(parser, markdown_file)

    assert document.media_type == "text/markdown"
    assert document.title == "Field visit"
    assert headings(document) == [(1, "Field visit"), (2, "1. Findings")]
    assert texts(document, BlockKind.LIST_ITEM) == ["Coverage is poor in Greyburn", "Access to meters is difficult"]
    assert texts(document, BlockKind.TABLE) == ["Village | Meters\nGreyburn | 40\nHigh Fell | 25"]
    assert all(block.section == "1. Findings" for block in document.blocks[3:])


def test_a_markdown_note_that_quotes_the_pdf_marker_is_read_as_markdown(
    parser: ContentSniffingParser, markdown_mentioning_pdf_marker: Path
) -> None:
    document = parse(parser, markdown_mentioning_pdf_marker)

    assert document.media_type == "text/markdown"
    assert headings(document) == [(1, "Checking uploaded files"), (2, "1. Steps")]


def test_a_markdown_note_that_shows_an_html_snippet_is_read_as_markdown(
    parser: ContentSniffingParser, markdown_with_html_snippet: Path
) -> None:
    document = parse(parser, markdown_with_html_snippet)

    assert document.media_type == "text/markdown"
    assert "The map refreshes every five minutes and shows planned work in blue." in document.text


def test_plain_text_splits_paragraphs_at_blank_lines_and_takes_numbered_lines_as_headings(
    parser: ContentSniffingParser, text_file: Path
) -> None:
    document = parse(parser, text_file)

    assert document.media_type == "text/plain"
    assert headings(document) == [(1, "1. Storm Ingrid"), (1, "2. Lessons")]
    assert texts(document, BlockKind.PARAGRAPH) == [
        "The storm crossed the region on 14 February. Crews restored supply within two days.",
        "Communicate restoration times early.",
    ]


# --- the sample documents -------------------------------------------------------------------------------------

SAMPLE_PDFS = [
    pytest.param("annual-report-2025.pdf", "annual-report-2025.md", 20, id="english-annual-report"),
    pytest.param("otchet-vetroparka.pdf", "otchet-vetroparka.md", 11, id="russian-wind-farm-report"),
]


@pytest.mark.parametrize(("name", "source", "pages"), SAMPLE_PDFS)
def test_a_sample_pdf_has_its_title_and_every_heading_of_its_source_with_the_right_level(
    parser: ContentSniffingParser, samples: Path, name: str, source: str, pages: int
) -> None:
    expected = source_headings((samples / "src" / source).read_text(encoding="utf-8"))

    document = parse(parser, samples / name)

    assert document.media_type == PDF
    assert document.title == expected[0][1]
    assert len(headings(document)) >= 30
    assert headings(document) == expected


@pytest.mark.parametrize(("name", "source", "pages"), SAMPLE_PDFS)
def test_every_paragraph_of_a_sample_pdf_comes_back_word_for_word(
    parser: ContentSniffingParser, samples: Path, name: str, source: str, pages: int
) -> None:
    expected = source_paragraphs((samples / "src" / source).read_text(encoding="utf-8"))

    paragraphs = texts(parse(parser, samples / name), BlockKind.PARAGRAPH)

    assert paragraphs == expected


@pytest.mark.parametrize(("name", "source", "pages"), SAMPLE_PDFS)
def test_every_block_of_a_sample_pdf_carries_its_page_number_in_reading_order(
    parser: ContentSniffingParser, samples: Path, name: str, source: str, pages: int
) -> None:
    document = parse(parser, samples / name)

    numbers = [block.page or 0 for block in document.blocks]
    assert document.page_count == pages
    assert set(numbers) == set(range(1, pages + 1))
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(("name", "source", "pages"), SAMPLE_PDFS)
def test_the_running_footer_of_a_sample_pdf_never_becomes_part_of_a_block(
    parser: ContentSniffingParser, samples: Path, name: str, source: str, pages: int
) -> None:
    document = parse(parser, samples / name)
    footer = re.compile(re.escape(document.title) + r"\s+\d{1,2}\b")  # e.g. "Northwind Grid Annual Report 2025 7"

    assert [block.text for block in document.blocks if footer.search(block.text)] == []
    assert [block.text for block in document.blocks if re.fullmatch(r"\d{1,2}", block.text)] == []


@pytest.mark.parametrize(("name", "source", "pages"), SAMPLE_PDFS)
def test_the_table_of_a_sample_pdf_is_one_table_block_whose_figures_are_not_repeated_as_prose(
    parser: ContentSniffingParser, samples: Path, name: str, source: str, pages: int
) -> None:
    markdown = (samples / "src" / source).read_text(encoding="utf-8")
    rows = source_table(markdown)
    prose = "\n".join(line for line in markdown.splitlines() if not line.startswith("|"))
    figures_only_in_table = {
        cell for row in rows[1:] for cell in row[1:] if re.search(r"\d", cell) and cell not in prose
    }
    assert len(figures_only_in_table) >= 10  # the check below means something

    document = parse(parser, samples / name)

    tables = texts(document, BlockKind.TABLE)
    assert tables == ["\n".join(" | ".join(row) for row in rows)]
    other_text = "\n".join(block.text for block in document.blocks if block.kind is not BlockKind.TABLE)
    assert sorted(figure for figure in figures_only_in_table if figure in other_text) == []


@pytest.mark.parametrize(
    ("name", "source"),
    [("otchet-vetroparka.pdf", "otchet-vetroparka.md"), ("strategiya-2026.docx", "strategiya-2026.md")],
)
def test_russian_samples_round_trip_their_cyrillic_text_without_mojibake(
    parser: ContentSniffingParser, samples: Path, name: str, source: str
) -> None:
    markdown = (samples / "src" / source).read_text(encoding="utf-8")

    document = parse(parser, samples / name)

    assert len(CYRILLIC.findall(document.text)) > 1000
    assert MOJIBAKE.findall(document.text) == []
    assert "ё" in document.text
    assert document.title == source_headings(markdown)[0][1]
    assert [text for _, text in headings(document)] == [text for _, text in source_headings(markdown)]
    flat = re.sub(r"\s+", " ", document.text)
    assert [p for p in source_paragraphs(markdown) if p not in flat] == []


def test_the_sample_docx_takes_heading_levels_from_word_styles(parser: ContentSniffingParser, samples: Path) -> None:
    document = parse(parser, samples / "strategiya-2026.docx")

    assert document.media_type == DOCX
    found = {text: level for level, text in headings(document)}
    assert found["1. Введение"] == 1
    assert found["1.1 Назначение документа"] == 2
    assert {b.section for b in document.blocks if b.text.startswith("Настоящий документ")} == {
        "1.1 Назначение документа"
    }


def test_the_sample_markdown_is_read_with_its_headings_and_action_list(
    parser: ContentSniffingParser, samples: Path
) -> None:
    markdown = (samples / "src" / "field-notes.md").read_text(encoding="utf-8")

    document = parse(parser, samples / "field-notes.md")

    assert document.media_type == "text/markdown"
    assert headings(document) == source_headings(markdown)
    actions = [line[2:] for line in markdown.splitlines() if line.startswith("- ")]
    assert texts(document, BlockKind.LIST_ITEM) == actions
    assert {b.section for b in document.blocks if b.kind is BlockKind.LIST_ITEM} == {"7. Actions"}


@pytest.mark.parametrize("fixture", ["russian_utf16", "russian_cp1251"])
def test_russian_plain_text_in_a_windows_encoding_is_decoded_correctly(
    parser: ContentSniffingParser, request: pytest.FixtureRequest, fixture: str
) -> None:
    path = request.getfixturevalue(fixture)

    document = parse(parser, path)

    assert document.media_type == "text/plain"
    assert [block.text for block in document.blocks] == [paragraph.strip() for paragraph in RUSSIAN_TEXT.split("\n\n")]
    assert document.blocks[0].kind is BlockKind.HEADING
    assert MOJIBAKE.findall(document.text) == []


# --- a long PDF and the page limit ------------------------------------------------------------------------------


def test_a_500_page_pdf_is_read_in_full_with_a_page_number_on_every_block(
    parser: ContentSniffingParser, long_pdf: Path
) -> None:
    document = parse(parser, long_pdf)

    assert document.page_count == LONG_PDF_PAGES
    assert [block.page for block in document.blocks if block.kind is BlockKind.HEADING] == list(
        range(1, LONG_PDF_PAGES + 1)
    )
    assert all(text.startswith(f"{n}. ") for n, (_, text) in enumerate(headings(document), start=1))
    assert len(texts(document, BlockKind.PARAGRAPH)) == 2 * LONG_PDF_PAGES
    last = document.blocks[-1]
    assert (last.page, last.section) == (LONG_PDF_PAGES, headings(document)[-1][1])
    assert last.text.startswith(f"At substation {LONG_PDF_PAGES} ")


def test_a_pdf_over_the_page_limit_is_refused_as_too_large(long_pdf: Path) -> None:
    with pytest.raises(FileTooLarge) as raised:
        PdfParser(max_pages=100).parse(long_pdf.read_bytes(), long_pdf.name)

    assert raised.value.source == "handbook.pdf"
    assert raised.value.limit == 100
    assert "500 pages" in str(raised.value)
    assert "100-page limit" in str(raised.value)


def test_the_page_limit_of_the_content_sniffing_parser_reaches_the_pdf_parser(long_pdf: Path) -> None:
    with pytest.raises(FileTooLarge):
        ContentSniffingParser(max_pages=100).parse(long_pdf.read_bytes(), long_pdf.name)


def test_numbered_headings_that_open_every_page_are_kept_and_not_taken_for_a_running_header(
    parser: ContentSniffingParser, pdf_with_a_chapter_per_page: Path
) -> None:
    document = parse(parser, pdf_with_a_chapter_per_page)

    assert [(b.text, b.page) for b in document.blocks if b.kind is BlockKind.HEADING] == [
        (f"Chapter {n}", n) for n in range(1, 7)
    ]


# --- inputs that must be refused, with a reason a user understands ----------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "error", "explanation"),
    [
        ("truncated_pdf", CorruptDocument, "the PDF is damaged or truncated"),
        ("garbage_pdf", CorruptDocument, "the PDF is damaged or truncated"),
        ("encrypted_pdf", EncryptedDocument, "password-protected"),
        ("scanned_pdf", EmptyDocument, "no text layer"),
        ("empty_file", EmptyDocument, "empty"),
        ("whitespace_file", EmptyDocument, "empty"),
        ("png_image", UnsupportedFileType, "PNG image"),
        ("legacy_doc", UnsupportedFileType, "save it as .docx"),
        ("xlsx_like", UnsupportedFileType, "spreadsheet"),
        ("plain_zip", UnsupportedFileType, "not a Word or PowerPoint document"),
        ("docx_zip_bomb", FileTooLarge, "limit"),
    ],
)
def test_an_unusable_file_is_refused_with_the_right_error_naming_the_file_and_saying_why(
    parser: ContentSniffingParser,
    request: pytest.FixtureRequest,
    fixture: str,
    error: type[SourceError],
    explanation: str,
) -> None:
    path = request.getfixturevalue(fixture)

    with pytest.raises(SourceError) as raised:
        parse(parser, path)

    assert type(raised.value) is error
    assert raised.value.source == path.name
    assert explanation in str(raised.value)
    assert "Traceback" not in str(raised.value)


def test_a_scan_is_refused_with_a_hint_that_ocr_is_not_supported(
    parser: ContentSniffingParser, scanned_pdf: Path
) -> None:
    with pytest.raises(EmptyDocument) as raised:
        parse(parser, scanned_pdf)

    assert "scan" in str(raised.value)
    assert "OCR is not supported" in str(raised.value)
    assert raised.value.code == "empty_document"


def test_a_truncated_word_file_is_refused_as_damaged(parser: ContentSniffingParser, docx_document: Path) -> None:
    data = docx_document.read_bytes()

    with pytest.raises(CorruptDocument) as raised:
        parser.parse(data[: len(data) // 2], "resilience.docx")

    assert raised.value.source == "resilience.docx"
    assert "damaged" in str(raised.value)


def test_a_zip_bomb_is_refused_from_its_directory_without_being_unpacked(
    parser: ContentSniffingParser, docx_zip_bomb: Path
) -> None:
    data = docx_zip_bomb.read_bytes()
    assert len(data) < 2_000_000  # the bomb itself is small; it only claims ~300 MB inside

    tracemalloc.start()
    try:
        with pytest.raises(FileTooLarge) as raised:
            parser.parse(data, docx_zip_bomb.name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 50 * 1024 * 1024
    assert raised.value.limit == 200 * 1024 * 1024
    assert "zip bomb" in str(raised.value)


def test_the_unzipped_size_limit_is_configurable(docx_document: Path) -> None:
    small_limit = ContentSniffingParser(max_unzipped_bytes=10_000)

    with pytest.raises(FileTooLarge) as raised:
        small_limit.parse(docx_document.read_bytes(), docx_document.name)

    assert raised.value.limit == 10_000


@pytest.mark.parametrize(
    "fixture", ["pdf_with_an_unloadable_page", "pdf_with_a_non_numeric_media_box", "pdf_without_media_boxes"]
)
def test_a_pdf_damaged_past_opening_is_read_or_refused_as_damaged_never_with_a_library_error(
    parser: ContentSniffingParser, request: pytest.FixtureRequest, fixture: str
) -> None:
    path = request.getfixturevalue(fixture)

    with contextlib.suppress(CorruptDocument):
        parse(parser, path)


@pytest.mark.parametrize(
    ("fixture", "error"),
    [
        ("docx_with_an_encrypted_member", EncryptedDocument),
        ("docx_with_an_unknown_compression", CorruptDocument),
        ("docx_with_a_false_compression_claim", CorruptDocument),
        ("pptx_with_an_unknown_compression", CorruptDocument),
    ],
)
def test_an_office_file_whose_zip_parts_cannot_be_unpacked_is_refused_with_a_source_error(
    parser: ContentSniffingParser, request: pytest.FixtureRequest, fixture: str, error: type[SourceError]
) -> None:
    path = request.getfixturevalue(fixture)

    with pytest.raises(SourceError) as raised:
        parse(parser, path)

    assert type(raised.value) is error
    assert raised.value.source == path.name


def test_pdfs_parsed_in_parallel_threads_read_exactly_as_one_at_a_time(samples: Path) -> None:
    """PDFium is not thread-safe; ingestion parses in worker threads, so the parser must serialise it."""
    from concurrent.futures import ThreadPoolExecutor

    parser = ContentSniffingParser()
    files = [samples / "annual-report-2025.pdf", samples / "otchet-vetroparka.pdf"] * 4
    expected = {f.name: parser.parse(f.read_bytes(), f.name).text for f in files}
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda f: (f.name, parser.parse(f.read_bytes(), f.name).text), files))
    assert all(text == expected[name] for name, text in texts)


def test_a_sentence_cites_the_page_it_is_on_even_inside_a_paragraph_that_crosses_pages(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
    from presentai.domain.chunking import chunk_document

    sentences = [f"Sentence number {i} of the long paragraph reports a grid fact." for i in range(40)]
    path = tmp_path / "span.pdf"
    SimpleDocTemplate(str(path), pagesize=A6).build([Paragraph(" ".join(sentences), getSampleStyleSheet()["Normal"])])
    parsed = ContentSniffingParser().parse(path.read_bytes(), path.name)
    assert (parsed.page_count or 0) >= 2
    chunks = chunk_document(parsed, document_id="d", organization_id="o", count_tokens=TiktokenTokenizer().count)
    pages = {}
    for chunk in chunks:
        for start, end in chunk.sentences:
            pages[chunk.text[start:end]] = chunk.page_at(start)
    assert pages[sentences[0]] == 1
    assert pages[sentences[-1]] == parsed.page_count
    assert list(pages.values()) == sorted(pages.values())


def test_markdown_heading_anchors_and_html_landmarks_stay_out_of_the_text() -> None:
    markdown = MarkdownParser().parse(
        b"# Guide {#guide}\n\n## Step 1: Break the UI apart {/*step-1*/}\n\nText of step one.\n", "guide.md"
    )
    assert [b.text for b in markdown.blocks if b.kind is BlockKind.HEADING] == ["Guide", "Step 1: Break the UI apart"]
    html = HtmlParser().parse(
        b"<html><head><title>Logging HOWTO &mdash; Python 3.11 documentation</title></head><body>"
        b"<div role='navigation'><h3>Navigation</h3><ul><li>index</li></ul></div>"
        b"<div class='body'><h2>Basic tutorial</h2><p>Logging tracks events that happen.</p></div></body></html>",
        "howto.html",
    )
    assert html.title == "Logging HOWTO"
    assert "Navigation" not in html.text
    assert "index" not in html.text
