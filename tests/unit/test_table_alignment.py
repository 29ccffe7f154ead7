"""Table cells: numbers of a numeric column flush right; a header in words flush left over any column."""

from __future__ import annotations

import io

import pptx
import pytest
from pptx.enum.text import PP_ALIGN

from presentai.adapters.pptx.captions import flush_right
from presentai.adapters.pptx.designed import DesignedDeckRenderer
from presentai.adapters.pptx.renderer import PptxDeckRenderer
from presentai.domain.deck import Deck
from presentai.domain.slides import Attribution, Layout, SlideContent, Table

TABLE = Table(
    ("Site", "URL", "2025"),
    (("North", "12", "1,284.6"), ("South", "7", "612.8"), ("East", "9", "598.1")),
    Attribution("doc", "c1", "Site URL 2025", 0, 13, page=3),
)


def test_a_header_in_words_stays_flush_left_and_a_year_goes_right() -> None:
    assert not flush_right("URL", True, header=True)
    assert flush_right("2025", True, header=True)
    assert flush_right("12", True, header=False)
    assert not flush_right("North", False, header=False)


@pytest.mark.parametrize("renderer", [DesignedDeckRenderer(), PptxDeckRenderer()], ids=["designed", "template"])
def test_drawn_tables_align_headers_by_what_they_say(renderer: DesignedDeckRenderer | PptxDeckRenderer) -> None:
    deck = Deck(
        "Sites", "", "en", (SlideContent(Layout.TITLE, "Sites"), SlideContent(Layout.TABLE, "Sites", table=TABLE)), {}
    )
    prs = pptx.Presentation(io.BytesIO(renderer.render(deck)))
    (frame,) = [shape for slide in prs.slides for shape in slide.shapes if shape.has_table]
    grid = frame.table
    header = [grid.cell(0, c).text_frame.paragraphs[0].alignment for c in range(3)]
    body = [grid.cell(1, c).text_frame.paragraphs[0].alignment for c in range(3)]
    assert header == [PP_ALIGN.LEFT, PP_ALIGN.LEFT, PP_ALIGN.RIGHT]
    assert body == [PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT]
