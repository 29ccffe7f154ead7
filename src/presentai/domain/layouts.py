"""Which layout a slide's content asks for, and the tables and charts it shows: one policy for every writer.

A slide shows what its sources hold: a section that is mostly a table shows that table
(natively, trimmed to what fits, attributed to its place in the source), numbers by named
categories become a chart, statements that turn on measured figures become key figures,
a lone statement a quote. Tables and charts are only ever taken from the sources, never
written: a writer may ask for a layout, and gets it when the content bears it out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from presentai.domain.figures import key_figure
from presentai.domain.slides import Attribution, Bullet, Chart, ChartKind, Layout, Series, SlideContent, Table
from presentai.domain.sources import Chunk
from presentai.domain.tables import SourceTable, tables_in
from presentai.domain.wording import leans_on_context

MIN_BULLETS = 3
QUOTE_WORDS = 30  # a lone statement this short is shown as a quote
TABLE_ROWS, TABLE_COLUMNS = 8, 6  # what a table slide shows of a source's table
TABLE_SHARE = 0.4  # a section whose table is this much of its text shows the table
CHART_CATEGORIES, CHART_SERIES = 12, 3


def shown_as(
    title: str, bullets: tuple[Bullet, ...], own: Sequence[Chunk], wanted: Layout | None = None
) -> SlideContent:
    """The slide in the layout its content asks for, or in ``wanted`` when the content bears it out.

    A section that is mostly a table shows it (as a chart when its values are numbers
    over named categories); a lone statement is a quote; statements that each turn on a
    measured figure ("12 %", "€4.1 bn", "176 МВт") are key figures; the rest are bullets.
    A writer's ``wanted`` table or chart needs a table in ``own``; key figures need two
    measured statements; a quote needs one statement; two columns need two bullets.
    """
    found = main_table(own)
    share = (found[1].end - found[1].start) / max(1, sum(len(c.text) for c in own)) if found else 0.0
    asks_table = wanted in (Layout.TABLE, Layout.CHART)
    if found is not None and (asks_table or (wanted is None and (len(bullets) < MIN_BULLETS or share >= TABLE_SHARE))):
        chunk, table = found
        text = chunk.text[table.start : table.end]
        source = Attribution(
            chunk.document_id, chunk.id, text, table.start, table.end, chunk.page_at(table.start), chunk.section
        )
        chart = chart_of(table.table, source) if wanted in (None, Layout.CHART) else None
        if chart is not None:
            return SlideContent(Layout.CHART, title, bullets, chart=chart)
        return SlideContent(Layout.TABLE, title, bullets, table=attrs.evolve(trimmed(table.table), attribution=source))
    lone = len(bullets) == 1 and len(bullets[0].text.split()) <= QUOTE_WORDS
    if lone and wanted in (None, Layout.QUOTE):
        return SlideContent(Layout.QUOTE, title, bullets)
    figures = tuple(b for b in bullets if measured(b.text))
    if len(figures) >= 2 and (wanted is Layout.KEY_FIGURES or (wanted is None and 2 * len(figures) >= len(bullets))):
        return SlideContent(Layout.KEY_FIGURES, title, figures[:4])  # its figures are what the slide says
    if wanted is Layout.TWO_COLUMN and len(bullets) >= 2:
        return SlideContent(Layout.TWO_COLUMN, title, bullets)
    return SlideContent(Layout.BULLETS, title, bullets)


def main_table(chunks: Sequence[Chunk]) -> tuple[Chunk, SourceTable] | None:
    """The largest table in ``chunks`` of two rows at least, with a header a reader can go by."""
    found = [(c, t) for c in chunks for t in tables_in(c) if len(t.table.rows) >= 2 and _headed(t.table)]
    return max(found, key=lambda pair: len(pair[1].table.rows) * len(pair[1].table.header), default=None)


def _headed(table: Table) -> bool:
    """Whether the table has a header a reader can go by: two named columns, one of them in words."""
    named = [cell for cell in table.header if cell.strip()]
    return len(named) >= 2 and any(re.search(r"[^\W\d_]{2}", cell) for cell in named)


def trimmed(table: Table) -> Table:
    """At most ``TABLE_ROWS`` rows and ``TABLE_COLUMNS`` columns: what a slide can show."""
    header = table.header[:TABLE_COLUMNS]
    return Table(header, tuple(row[:TABLE_COLUMNS] for row in table.rows[:TABLE_ROWS]))


_VALUE = re.compile(r"^\s*([-+−]?)[$€£₽]?\s*(\d{1,3}(?:[ ,\u00a0]\d{3})+|\d+)(?:[.,](\d+))?\s*(%|[$€£₽])?\s*$")


def _value(cell: str) -> tuple[float, str] | None:
    """A cell's number and its unit ("%" or a currency sign), or ``None`` when it holds more than that."""
    match = _VALUE.match(cell)
    if match is None:
        return None
    sign, whole, fraction, unit = match.groups()
    number = float(re.sub(r"[ ,\u00a0]", "", whole) + (f".{fraction}" if fraction else ""))
    return (-number if sign in "-−" and sign else number), unit or ""


def chart_of(table: Table, source: Attribution) -> Chart | None:
    """A column (or, over years, a line) chart of a table's numeric columns by its first column."""
    rows = [row for row in table.rows if row and row[0].strip()][:CHART_CATEGORIES]
    categories = tuple(row[0].strip() for row in rows)
    if len(rows) < 2 or sum(_value(c) is not None for c in categories) > len(categories) / 2:
        return None  # numbers in the first column are not categories (a tax table, say)
    series, units = [], set()
    for column in range(1, len(table.header)):
        values = [_value(row[column]) if column < len(row) else None for row in rows]
        if all(v is not None for v in values):
            series.append(Series(table.header[column] or f"{column}", tuple(v[0] for v in values if v)))
            units |= {v[1] for v in values if v}
    if not series or len(series) > CHART_SERIES:
        return None
    years = all(re.fullmatch(r"(?:19|20)\d\d", c) for c in categories)
    unit = units.pop() if len(units) == 1 else ""
    return Chart(ChartKind.LINE if years else ChartKind.COLUMN, categories, tuple(series), unit, source)


def measured(text: str) -> bool:
    """Whether a statement turns on a figure with a unit, a currency or a percent sign."""
    figure = key_figure(text)
    return figure is not None and re.search(r"[^\d\s.,−+\-]", figure) is not None


# A deck's variety: which slides ask for key figures or a quote, and which bullets face each other.
QUOTE_MIN_WORDS, QUOTE_PLANNED_WORDS = 8, 25  # a planned quote: a key sentence, neither a slogan nor a paragraph
_RULE = re.compile(r"\b(?:must|should|shall|never|always|required|должн\w*|следует|необходимо|нельзя|всегда)\b", re.I)
_LEAD_IN = re.compile(
    r"^(?:for example|for instance|e\.g\.|in the following|below|here|imagine|например|в частности|ниже|далее|"
    r"представьте|здесь)\b",
    re.I,
)
FIGURES_LOOKED_AT = 8  # key figures come from a slide's best statements, not from its footnotes
FIGURE_WORDS = 16  # a statement shown under its figure, in a card, is short
_COMPARED = re.compile(r"\s+(?:vs\.?|versus|compared (?:with|to)|against|and|or|против|по сравнению с|и|или)\s+", re.I)
_SIDES = (  # the two sides of a comparison a title names by kind ("Advantages and drawbacks")
    (
        r"(?<!dis)advantage|benefit|\bpros?\b|strength|преимуществ|плюс|достоинств",
        r"disadvantage|drawback|\bcons?\b|weakness|limitation|недостат|минус|ограничени",
    ),
    (r"\bbefore\b|\bдо\b", r"\bafter\b|\bпосле\b"),
)


def planned_layouts(slides: Sequence[Sequence[str]], framing: Sequence[bool]) -> list[Layout | None]:
    """The layout each slide of a deck asks for, from its candidate statements (best first).

    About one slide in five whose best statements hold two measured figures or more asks for
    key figures (those with the most figures); a deck of five slides or more asks for one quote,
    the best statement of its thinnest slide outside its opening and closing (``framing``) that
    reads as a key sentence. The rest ask for nothing: their content decides.
    """
    wanted: list[Layout | None] = [None] * len(slides)
    counts = [_figure_count(statements) for statements in slides]
    ranked = sorted((i for i, n in enumerate(counts) if n >= 2), key=lambda i: (-counts[i], i))
    for i in ranked[: max(1, len(slides) // 5)]:
        wanted[i] = Layout.KEY_FIGURES
    if len(slides) >= 5:
        free = [i for i, s in enumerate(slides) if wanted[i] is None and not framing[i] and s]
        quotable = [i for i in free if reads_as_quote(slides[i][0])]
        if quotable:  # a rule ("must", "should") is the likeliest key sentence; else the thinnest slide's
            best = min(quotable, key=lambda i: (not _RULE.search(slides[i][0]), len(slides[i]), i))
            wanted[best] = Layout.QUOTE
    return wanted


def _figure_count(statements: Sequence[str]) -> int:
    """How many distinct measured figures a slide's best statements hold."""
    figures = {key_figure(s) for s in statements[:FIGURES_LOOKED_AT] if measured(s) and len(s.split()) <= FIGURE_WORDS}
    return len(figures)


def reads_as_quote(text: str) -> bool:
    """Whether a statement reads as a key sentence to show large: a plain claim of 8 to 25 words in words,
    not an example or a pointer to what follows."""
    count = len(text.split())
    plain = not re.search(r"[()\[\]:;@/\\_{}<>=#\d]", text) and not _LEAD_IN.match(text)
    return QUOTE_MIN_WORDS <= count <= QUOTE_PLANNED_WORDS and plain and not leans_on_context(text)


def facing(title: str, texts: Sequence[str]) -> tuple[list[int], list[int]] | None:
    """The statements of each side of a comparison the title names ("Native vs non-native packages",
    "Advantages and drawbacks"), by index, when each side has one at least and none is on both."""
    sides = _sides(title)
    if sides is None:
        return None
    left: list[int] = []
    right: list[int] = []
    for i, text in enumerate(texts):
        on_left, on_right = (bool(re.search(side, text, re.I)) for side in sides)
        if on_left != on_right:
            (left if on_left else right).append(i)
    return (left, right) if left and right else None


def _sides(title: str) -> tuple[str, str] | None:
    """Patterns for the two sides a title compares, or ``None`` when it compares nothing."""
    for left, right in _SIDES:
        if re.search(left, title, re.I) and re.search(right, title, re.I):
            return left, right
    parts = _COMPARED.split(title, maxsplit=1)
    if len(parts) != 2:
        return None
    words = [re.findall(r"[^\W\d_][\w-]{2,}", part) for part in parts]
    if not all(1 <= len(w) <= 3 for w in words):
        return None
    # The word a side is named by, against the other's: "native packages and non-native packages".
    lowered = [{w.lower() for w in side} for side in words]
    own = [[w for w in side if w.lower() not in lowered[1 - k]] for k, side in enumerate(words)]
    if not all(own):
        return None
    left, right = own[0][-1], own[1][0]  # the words next to the "and": "static and dynamic analysis"
    return r"(?<![\w-])" + re.escape(left[:6]), r"(?<![\w-])" + re.escape(right[:6])
