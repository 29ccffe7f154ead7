"""The DeckConverter contract, run against LibreOffice (PDF) and Poppler (PNG slides)."""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest

from presentai.adapters.convert.libreoffice import LibreOfficeConverter
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.domain.errors import RenderError
from presentai.ports.rendering import DeckConverter
from tests.contract.test_deck_renderer_contract import deck


@pytest.fixture(scope="module")
def pptx_bytes() -> bytes:
    return PptxDeckRenderer().render(deck(bullets_per_slide=3, words="Ветропарк выработал 412 ГВт·ч за год"))


@pytest.fixture(params=["libreoffice"])
def converter(request: pytest.FixtureRequest) -> DeckConverter:
    return LibreOfficeConverter()


def test_a_pdf_has_one_page_per_slide_with_the_slides_text(converter: DeckConverter, pptx_bytes: bytes) -> None:
    pdf = converter.convert(pptx_bytes, "pdf")
    assert pdf.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) == 6  # title, agenda, three content slides, sources
    assert "Northwind Grid 2025" in pages[0]
    assert "Battery storage programme part 1" in pages[3]
    assert "Ветропарк выработал 412" in " ".join(pages[2:5]).replace("\n", " ")  # Cyrillic survives


def test_png_export_is_a_zip_of_one_image_per_slide_in_order(converter: DeckConverter, pptx_bytes: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(converter.convert(pptx_bytes, "png")))
    names = archive.namelist()
    assert names == [f"slide-{n:02d}.png" for n in range(1, 7)]
    assert all(archive.read(name).startswith(b"\x89PNG\r\n\x1a\n") for name in names)


def test_a_damaged_deck_or_an_unknown_target_is_a_render_error(converter: DeckConverter, pptx_bytes: bytes) -> None:
    with pytest.raises(RenderError):
        converter.convert(b"PK\x03\x04 this is not a presentation", "pdf")
    with pytest.raises(RenderError, match="svg"):
        converter.convert(pptx_bytes, "svg")


def test_a_worker_without_libreoffice_is_told_so(pptx_bytes: bytes) -> None:
    missing = LibreOfficeConverter(soffice="soffice-not-installed-here")
    with pytest.raises(RenderError, match="not installed"):
        missing.convert(pptx_bytes, "pdf")
