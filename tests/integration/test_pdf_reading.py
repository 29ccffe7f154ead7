"""The PDF parser reads real corpus pages as a person does: columns, furniture, paragraphs, marks and titles."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from presentai.adapters.parsers.detecting import ContentSniffingParser
from presentai.domain.sources import BlockKind, ParsedDocument

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FEDERAL = "en/federal-register-2020-17221-faa-boeing-737-max-nprm.pdf"
THOMA = "en/thoma-hasyv2-dataset-paper.pdf"
SECKINGER = "en/seckinger-2018-bachelor-thesis-spockjs.pdf"
DEBIAN = "ru/debian-maint-guide-ru.pdf"
WITHIN = 300  # characters allowed between the two fragments of a hand-checked excerpt


@functools.cache
def parsed(name: str) -> ParsedDocument:
    path = CORPUS / name
    return ContentSniffingParser().parse(path.read_bytes(), path.name)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def page_text(document: ParsedDocument, page: int) -> str:
    """The text on ``page`` in the parser's order, blocks cut at their page breaks."""
    pieces = []
    for block in document.blocks:
        starts = [(0, block.page), *block.page_starts]
        for (start, number), following in zip(starts, [*starts[1:], (len(block.text), None)], strict=True):
            if number == page:
                pieces.append(block.text[start : following[0]])
    return "\n\n".join(pieces)


def everything(document: ParsedDocument) -> str:
    return "\n\n".join(block.text for block in document.blocks)


def excerpts() -> list[tuple[str, dict[str, object]]]:
    documents = json.loads((CORPUS / "reading_order.json").read_text(encoding="utf-8"))["documents"]
    return [(name, excerpt) for name, items in documents.items() for excerpt in items]


@pytest.mark.parametrize(
    ("name", "excerpt"), excerpts(), ids=lambda v: v if isinstance(v, str) else f"p{v['page']}-{v['before']}"
)
def test_the_hand_checked_excerpts_of_the_multi_column_pdfs_are_read_in_order(
    name: str, excerpt: dict[str, object]
) -> None:
    text = fold(page_text(parsed(name), int(str(excerpt["page"]))))
    before, after = fold(str(excerpt["before"])), fold(str(excerpt["after"]))

    assert before in text
    start = text.index(before) + len(before)
    assert after in text[start : start + WITHIN + len(after)]


@pytest.mark.parametrize(
    ("name", "page", "sentence"),
    [
        (
            FEDERAL,
            2,
            "Investigation of the accident has been completed by the Indonesian authorities (Komite Nasional "
            "Keselamatan Transportasi (KNKT)) with assistance from the National Transportation Safety Board (NTSB)",
        ),
        (
            FEDERAL,
            2,
            "The FAA sent Emergency AD 2018–23–51 to all known U.S. owners and operators of Boeing Model 737 MAX "
            "airplanes to require revising certificate limitations and operating procedures of the AFM",
        ),
        (
            THOMA,
            1,
            "Publicly available datasets have helped the computer vision community to compare new algorithms "
            "and develop applications.",
        ),
    ],
)
def test_a_sentence_of_one_column_comes_back_whole_and_never_mixed_with_the_next_column(
    name: str, page: int, sentence: str
) -> None:
    assert fold(sentence) in fold(page_text(parsed(name), page))


def test_a_paragraph_of_a_column_is_one_block_not_one_block_per_line() -> None:
    document = parsed(FEDERAL)
    block = next(b for b in document.blocks if b.text.startswith("On November 7, 2018, the FAA issued"))

    assert block.text.endswith("published in the Federal Register as an amendment to 14 CFR 39.13.")
    assert sum(len(b.text) for b in document.blocks) / len(document.blocks) > 200


def test_the_printers_slug_and_the_running_header_of_the_federal_register_never_reach_the_text() -> None:
    text = everything(parsed(FEDERAL))

    for furniture in ("VerDate", "Jkt 250001", "Sfmt 4702", "06AUP1.SGM", "DSKJLSW7X2PROD", "with PROPOSALS"):
        assert furniture not in text
    assert "Federal Register / Vol. 85, No. 152" not in text
    assert "Thursday, August 6, 2020 / Proposed Rules" not in text


@pytest.mark.parametrize(("name", "offset"), [(FEDERAL, 47697), (THOMA, 0)])
def test_page_numbers_are_gone(name: str, offset: int) -> None:
    """No block is the number printed on its page (the folio is the PDF's page index plus ``offset``)."""
    document = parsed(name)

    assert not [b for b in document.blocks if b.page and b.text.strip("-–— ") == str(b.page + offset)]
    assert not [b for b in document.blocks if re.fullmatch(r"(?:page\s*)?\d+\s*(?:of|/)\s*\d+", b.text, re.I)]


@pytest.mark.parametrize("name", [FEDERAL, THOMA, SECKINGER, DEBIAN])
def test_words_broken_across_lines_are_mended_and_ligatures_spelled_out(name: str) -> None:
    text = everything(parsed(name))

    assert not re.search("[\u00ad\ufffe\x02ﬀﬁﬂﬃﬄ]", text)
    if name == THOMA:
        assert "compare new algorithms and develop applications." in text  # "applica-" / "tions" in the PDF
    if name == FEDERAL:
        assert "%20PKLQP%20Final%20Report.pdf" in text  # a URL hyphenated at the end of a line


@pytest.mark.parametrize(
    ("name", "glued", "clean"),
    [
        (FEDERAL, "alert,5 and may affect", "altitude disagree alert, and may affect"),
        (FEDERAL, "Reports 1 from the accident", "operator. Reports from the accident investigation"),
        (THOMA, "symbols.1 HASY", "handwritten symbols. HASY is a publicly available"),
        (DEBIAN, "3Существуют", "Существуют также похожие"),
    ],
)
def test_footnote_marks_are_not_glued_to_the_words_they_follow(name: str, glued: str, clean: str) -> None:
    text = everything(parsed(name))

    assert glued not in text
    assert clean in text


def test_the_footnotes_of_a_page_stay_in_the_text_after_the_paragraph_they_interrupt() -> None:
    text = page_text(parsed(FEDERAL), 2)

    note = text.index("Stall warning indication is the activation of the stick shaker")
    assert text.index("continued safe flight and landing.") < note


def test_the_title_is_the_metadata_title_when_it_names_the_document_else_the_first_pages_largest_line() -> None:
    assert parsed(THOMA).title == "The HASYv2 dataset"
    assert parsed(DEBIAN).title == "Руководство начинающего разработчика Debian"
    assert parsed(SECKINGER).title == (
        "Compile-time abstraction of JavaScript mocking libraries powering a domain-specific language for "
        "interaction testing"
    )


def test_numbered_headings_take_their_level_from_their_numbering() -> None:
    levels = {b.text: b.level for b in parsed(SECKINGER).blocks if b.kind is BlockKind.HEADING}

    assert levels["2 Automated software testing"] == 1
    assert levels["2.3 Test drivers"] == 2
    assert levels["4.2.1 Traversal"] == 3


def test_the_section_headings_of_a_two_column_paper_are_headings() -> None:
    headings = [b.text for b in parsed(THOMA).blocks if b.kind is BlockKind.HEADING]

    assert "I. INTRODUCTION" in headings
    assert "II. TERMINOLOGY" in headings


def test_table_cells_of_a_real_russian_pdf_keep_their_spaces_and_mend_their_hyphens() -> None:
    path = Path(__file__).parents[1] / "corpus" / "ru" / "debian-maint-guide-ru.pdf"
    document = ContentSniffingParser().parse(path.read_bytes(), path.name)
    first = next(b.text for b in document.blocks if b.kind is BlockKind.TABLE)
    assert "разработчика Debian" in first
    assert "Джосип Родин" in first
    assert "\u00ad" not in first


def test_text_too_small_to_read_is_not_text_and_a_garbled_metadata_title_gives_way_to_the_printed_one() -> None:
    # Word prints its bookmark codes ("27B", "260B") in 1 pt type before headings and paragraphs,
    # and its metadata title carries one ("7BGUIDE TO …").
    path = Path(__file__).parents[1] / "corpus" / "en" / "fedramp-guide-to-oscal-based-content.pdf"
    document = ContentSniffingParser().parse(path.read_bytes(), path.name)
    assert document.title == "GUIDE TO OSCAL-BASED FEDRAMP CONTENT"
    headings = [b.text for b in document.blocks if b.kind is BlockKind.HEADING]
    assert any(h.endswith("Hierarchy and Sequence") for h in headings)
    assert not [h for h in headings if re.match(r"^\d+B[A-Z]", h)]
    assert not re.search(r"\b\d{1,3}B(?=[A-Z][a-z])", document.text)
