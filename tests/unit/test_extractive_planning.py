"""The extractive planner tells a story: opening first, closing last, one deck from several sources."""

from __future__ import annotations

from presentai.adapters.parsers.markup import MarkdownParser
from presentai.adapters.tokenizers.tiktoken_offline import TiktokenTokenizer
from presentai.adapters.writers.extractive import SLIDE_WORDS, ExtractiveWriter
from presentai.domain.chunking import chunk_document
from presentai.domain.presentation import GenerationParameters, OutlineItem
from presentai.domain.slides import Layout, SlideContent
from presentai.domain.sources import Chunk, SourceDocument
from presentai.domain.text import words
from presentai.domain.wording import normalized
from presentai.ports.writing import PlanningInput

FILLER = {
    "Introduction": "The study looks at how {t} changed the region. It asks what the change cost the towns.",
    "Conclusions": "The region gained from {t} overall. The towns that planned early gained the most.",
}


def _sentences(topic: str, n: int) -> str:
    return " ".join(
        f"Measure {i} of the {topic} programme reached {10 + i} towns in {2010 + i} with steady results."
        for i in range(n)
    )


def _document(name: str, sections: dict[str, str]) -> tuple[SourceDocument, list[Chunk]]:
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in sections.items())
    data = f"# {name}\n\n{text}\n".encode()
    parsed = MarkdownParser().parse(data, f"{name}.md")
    source = SourceDocument.from_upload("org", f"{name}.md", data)
    source.title = parsed.title
    chunks = chunk_document(
        parsed, document_id=source.id, organization_id="org", count_tokens=TiktokenTokenizer().count, language="en"
    )
    return source, chunks


async def _plan(documents: list[tuple[SourceDocument, list[Chunk]]], slides: int) -> list[str]:
    sources = [d for d, _ in documents]
    chunks = [c for _, cs in documents for c in cs]
    outline = await ExtractiveWriter().plan(
        PlanningInput(GenerationParameters(slide_count=slides), "en", sources, chunks, {})
    )
    return [item.title for item in outline.items]


async def test_a_short_opening_and_closing_are_told_even_when_the_middle_outweighs_them() -> None:
    sections = {
        "Introduction": FILLER["Introduction"].format(t="rail"),
        **{f"Line {name}": _sentences(name, 12) for name in ("north", "south", "east", "west", "coast")},
        "Conclusions": FILLER["Conclusions"].format(t="rail"),
    }
    titles = await _plan([_document("Rail report", sections)], slides=4)
    assert titles[0] == "Introduction"
    assert titles[-1] == "Conclusions"
    assert len(titles) == 4


async def test_two_sources_make_one_deck_sections_of_one_name_are_one_slide() -> None:
    first = _document(
        "Rail", {"Introduction": FILLER["Introduction"].format(t="rail"), "Results": _sentences("rail", 6)}
    )
    second = _document("Bus", {"Background": _sentences("bus", 6), "Results": _sentences("bus", 6)})
    sources = [first[0], second[0]]
    chunks = [*first[1], *second[1]]
    outline = await ExtractiveWriter().plan(
        PlanningInput(GenerationParameters(slide_count=4), "en", sources, chunks, {})
    )
    titles = [i.title for i in outline.items]
    assert titles.count("Results") == 1
    results = next(i for i in outline.items if i.title == "Results")
    by_id = {c.id: c for c in chunks}
    assert {by_id[c].document_id for c in results.chunk_ids} == {first[0].id, second[0].id}
    assert titles[0] == "Introduction"


async def test_no_content_slide_holds_more_than_sixty_words() -> None:
    long = " ".join(
        f"Finding {i} shows that the {w} programme raised the share of towns with a daily service by {i + 3} points "
        f"over the {i + 5} years that the regional council has been measuring it."
        for i, w in enumerate(["rail", "bus", "ferry", "tram", "bike", "road", "air", "taxi"])
    )
    source, chunks = _document("Transport", {"Findings": long, "Method": _sentences("survey", 8)})
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=2)
    outline = await writer.plan(PlanningInput(params, "en", [source], chunks, {}))
    by_id = {c.id: c for c in chunks}
    for item in outline.items:
        content = await writer.write(item, [by_id[i] for i in item.chunk_ids], params, "en")
        assert content.bullets
        assert sum(len(words(b.text)) for b in content.bullets) <= SLIDE_WORDS


async def test_what_other_slides_said_is_not_said_again() -> None:
    source, chunks = _document("Rail", {"Lines": _sentences("rail", 5)})
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=1)
    item = (await writer.plan(PlanningInput(params, "en", [source], chunks, {}))).items[0]
    first = await writer.write(item, chunks, params, "en")
    said = [a.quote for a in first.attributions]
    second = await writer.write(item, chunks, params, "en", said=said)
    assert not {a.quote for a in second.attributions} & set(said)


async def _slides(markdown: str, slides: int) -> list[SlideContent]:
    data = markdown.encode()
    parsed = MarkdownParser().parse(data, "report.md")
    source = SourceDocument.from_upload("org", "report.md", data)
    chunks = chunk_document(
        parsed, document_id=source.id, organization_id="org", count_tokens=TiktokenTokenizer().count, language="en"
    )
    writer = ExtractiveWriter()
    params = GenerationParameters(slide_count=slides)
    outline = await writer.plan(PlanningInput(params, "en", [source], chunks, {}))
    by_id = {c.id: c for c in chunks}
    return [await writer.write(i, [by_id[c] for c in i.chunk_ids], params, "en") for i in outline.items]


async def test_a_section_that_is_a_table_shows_it_and_numbers_by_name_become_a_chart() -> None:
    slides = await _slides(
        "# Report\n\n## Ratings\n\n| Rating | Description |\n|---|---|\n| Critical | Act at once. |\n"
        "| High | Act this quarter. |\n| Low | Watch it. |\n\n"
        "## Sales by region\n\n| Region | 2024 | 2025 |\n|---|---|---|\n| North | 12 | 14 |\n| South | 9 | 11 |\n"
        "| East | 7 | 10 |\n",
        slides=2,
    )
    table = next(s for s in slides if s.layout is Layout.TABLE)
    assert table.table is not None
    assert table.table.header == ("Rating", "Description")
    assert table.table.rows[0] == ("Critical", "Act at once.")
    assert table.table.attribution is not None
    assert "Critical" in table.table.attribution.quote
    chart = next(s for s in slides if s.layout is Layout.CHART)
    assert chart.chart is not None
    assert chart.chart.categories == ("North", "South", "East")
    assert [(s.name, s.values) for s in chart.chart.series] == [("2024", (12, 9, 7)), ("2025", (14, 11, 10))]
    for slide in slides:
        slide.validate()


async def test_statements_that_turn_on_measured_figures_are_key_figures_and_a_lone_one_a_quote() -> None:
    slides = await _slides(
        "# Report\n\n## Results\n\nRevenue rose to 4.1 billion euros in 2025 after two flat years. "
        "The share of renewable power reached 42 % of all the power we supplied. "
        "Our grid now carries 176 megawatts of new wind capacity in the north.\n\n"
        "## Outlook\n\nWe will keep the network safe while it grows and changes shape.\n",
        slides=2,
    )
    figures = next(s for s in slides if s.layout is Layout.KEY_FIGURES)
    assert len(figures.bullets) == 3
    quote = next(s for s in slides if s.layout is Layout.QUOTE)
    assert len(quote.bullets) == 1
    for slide in slides:
        slide.validate()


async def test_a_sentence_that_became_the_title_is_not_also_a_bullet() -> None:
    _, chunks = _document(
        "Guide",
        {
            "Handling": "Organizations should define acceptable risks early. "
            "Incident handlers should keep a list of contacts for every system they run. "
            "The team should meet every quarter to review the incidents of the last months. "
            "A knowledge base helps handlers act quickly during an incident of any kind."
        },
    )
    item = OutlineItem("Organizations should define acceptable risks early", (), tuple(c.id for c in chunks))
    slide = await ExtractiveWriter().write(item, chunks, GenerationParameters(slide_count=1), "en")
    assert len(slide.bullets) == 3
    assert normalized(slide.title) not in {normalized(b.text) for b in slide.bullets}
