"""ExtractiveWriter: outlines from the documents' structure, bullets taken from the sources.

It needs no language model and no key. Every bullet is a source sentence,
condensed only by removing words (a leading connective, a parenthetical), so
each one is faithful to its quoted span by construction.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import attrs
from attrs import frozen

from presentai.adapters.writers.variety import Statement, varied
from presentai.domain.layouts import FIGURES_LOOKED_AT, TABLE_SHARE, main_table, planned_layouts, shown_as
from presentai.domain.presentation import GenerationParameters, Outline, OutlineItem
from presentai.domain.slide_rules import MAX_BULLETS, MAX_PARTS, MIN_BULLETS, SLIDE_WORDS, TITLE_WORDS
from presentai.domain.slides import Attribution, Bullet, Layout, SlideContent
from presentai.domain.sources import Chunk, SourceDocument
from presentai.domain.tables import tables_in
from presentai.domain.text import STEM_LENGTH, collapse_whitespace, content_stems, numbers, words
from presentai.domain.wording import (
    ENUMERATOR,
    FUNCTION_WORDS,
    is_back_matter,
    is_closing,
    is_informative_heading,
    is_opening,
    is_statement,
    normalized,
)
from presentai.ports.writing import PlanningInput

MIN_WORDS, MAX_WORDS = 6, 32  # of a source sentence that may become a bullet
MIN_TABLE_WORDS = 20  # a table with fewer words (a grid of figures) is not worth a slide of its own
TABLE_WEIGHT = 120  # at most this many of a section's weight come from its tables' words
SAME_TOPIC = 0.3  # two sections of different sources whose vocabularies overlap this much are told together
BULLET_WORDS = 20  # a bullet longer than this is condensed further if it can be

_CONNECTIVES = re.compile(
    r"^(?:however|moreover|furthermore|in addition|additionally|as a result|therefore|thus|also|meanwhile|"
    r"in particular|overall|in short|finally|first|second|third|then|at the same time|"
    r"однако|кроме того|также|при этом|вместе с тем|в частности|таким образом|в результате|"
    r"помимо этого|во-первых|во-вторых|в-третьих|наконец|итак|в целом)\s*,\s+"
    r"|^(?:however|однако|тем не менее)\s+(?=\w)",  # "Однако вы пока не…": the contrast leans on what came before
    re.I,
)
_CITATION = re.compile(r"\s*\[(?:[A-Za-z][\w+.-]{1,20}|\d{1,3}(?:[,–-]\s*\d{1,3})*)\](?=[\s,;.:)]|$)")  # [KB14], [3–5]
_OPEN_END = re.compile(r"\b(?:in|by|of|to|see|from|and|or|the|в|из|см|и|или)$", re.I)
_PARENTHETICAL = re.compile(r"\s*\([^()]{1,120}\)")
_FIELD_LABEL = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ ]{2,24}:\s+(?=[A-ZА-ЯЁ0-9])")  # "DATES: The FAA must…": a form's label
# ", chaired by the Program Manager,", ", which was revised in 2016,", ", например,": an aside the sentence
# stands without
_ASIDE = re.compile(
    r",\s+(?:(?:which|who|whose|[a-z]+ed by|[a-z]+en by|который|которая|которое|которые|которых|которым)\b"
    r"[^,;:()]{2,90}|for example|for instance|например|в частности),(?=\s)",
    re.I,
)
# ", such as A, B and C." at the end: the examples go, the claim stays
_TRAILING_EXAMPLES = re.compile(
    r",?\s+(?:such as|including|for example|for instance|e\.g\.|например|такие как|включая|в том числе)\s+"
    r"[^;:()]+?(?=[.;]?\s*$)",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-ZА-Я]\))\s+")


def clean_heading(text: str) -> str:
    """``"2.3 Battery storage"`` → ``"Battery storage"``."""
    return _NUMBERING.sub("", text).strip(" .:") or text.strip()


@frozen
class _Group:
    """A run of chunks of one section of one document: a candidate slide."""

    document_id: str
    section: str
    chunks: tuple[Chunk, ...]
    order: int

    @property
    def tokens(self) -> int:
        return sum(c.token_count for c in self.chunks)


class ExtractiveWriter:
    """Plans outlines and writes slides without a language model."""

    async def plan(self, request: PlanningInput) -> Outline:
        """One item per requested slide, spread over the documents by their weight."""
        return await asyncio.to_thread(self._plan, request)

    def _plan(self, request: PlanningInput) -> Outline:
        count = request.parameters.slide_count
        groups = _groups(request.chunks)
        # A section weighs what it has to say: the words of its statements, not its code, tables or lists.
        prose = {g.order: sum(c.words for c in _candidates(g.chunks)) for g in groups}
        tabular: dict[int, int] = {}  # a section's tables' words (not their figures), when it is mostly tables
        for group in groups:
            shown = [t for c in group.chunks for t in tables_in(c)]
            if not shown:
                continue
            told = sum(len(re.findall(r"[^\W\d_]{3,}", cell)) for t in shown for row in t.table.rows for cell in row)
            prose[group.order] = max(prose[group.order], 2 * MIN_WORDS) + min(told // 2, TABLE_WEIGHT)
            share = sum(t.end - t.start for t in shown) / max(1, sum(len(c.text) for c in group.chunks))
            found = main_table(group.chunks)
            if share >= TABLE_SHARE and found is not None and is_informative_heading(clean_heading(group.section)):
                cells = [cell for row in found[1].table.rows for cell in row]
                tabular[group.order] = sum(len(re.findall(r"[^\W\d_]{3,}", cell)) for cell in cells)
        weight = {g.order: _relevance(g, request.relevance) if request.relevance else prose[g.order] for g in groups}
        chosen = _allocate(
            groups, weight, count, request.documents, focused=bool(request.relevance), prose=prose, tabular=tabular
        )
        items: list[OutlineItem] = []
        titles: set[str] = set()
        sections: dict[str, tuple[int, str]] = {}  # a one-slide section's title → its item, its document
        for group, part, parts in chosen:
            item = self._item(group, part, parts)
            earlier = sections.get(normalized(item.title)) if parts == 1 else None
            if earlier is not None and earlier[1] != group.document_id:
                # Two sources with one section ("Results"): one slide tells both.
                index = earlier[0]
                merged = (*items[index].chunk_ids, *item.chunk_ids)
                items[index] = attrs.evolve(items[index], chunk_ids=merged)
                continue
            if normalized(item.title) in titles:  # two sections with one heading: name the second by its content
                item = attrs.evolve(item, title=_title_from_text(_part(group.chunks, part, parts)))
            if normalized(item.title) in titles or not item.key_points:
                continue  # nothing distinct to say: a shorter deck rather than a repeated slide
            titles.add(normalized(item.title))
            if parts == 1:
                sections.setdefault(normalized(item.title), (len(items), group.document_id))
            items.append(item)
        if not items and chosen:  # sources of nothing but fragments still get their one slide
            items.append(self._item(*chosen[0]))
        items = _with_layouts(items, request.chunks)
        return Outline(_deck_title(request), tuple(items), _subtitle(request.parameters, request.language))

    def _item(self, group: _Group, part: int, parts: int) -> OutlineItem:
        chunks = _part(group.chunks, part, parts)
        heading = _short_heading(clean_heading(group.section)) if group.section else ""
        if heading and is_informative_heading(heading) and len(heading.split()) <= TITLE_WORDS:
            title = heading
            if part > 0:  # the section's second slide: named by what it says, else "(2/2)"
                own = _title_from_text(chunks)
                stems = set(content_stems(own))
                fresh = stems and not stems <= set(content_stems(heading)) and len(own.split()) <= TITLE_WORDS
                title = own if fresh and is_informative_heading(own) else f"{heading} ({part + 1}/{parts})"
        else:
            title = _title_from_text(chunks)
        key_points = tuple(_shorten(s, 12) for s in _top_sentences(chunks, 3))
        if not key_points and (table := main_table(chunks)) is not None:  # a section that is a table
            key_points = (", ".join(cell for cell in table[1].table.header if cell),)
        return OutlineItem(title, key_points, tuple(c.id for c in chunks), Layout.BULLETS, group.section)

    async def write(
        self,
        item: OutlineItem,
        chunks: Sequence[Chunk],
        parameters: GenerationParameters,
        language: str,
        previous: SlideContent | None = None,
        *,
        said: Sequence[str] = (),
    ) -> SlideContent:
        """Bullets from the best sentences of the item's own chunks, in reading order."""
        return await asyncio.to_thread(self._write, item, chunks, parameters, previous, said)

    def _write(
        self,
        item: OutlineItem,
        chunks: Sequence[Chunk],
        parameters: GenerationParameters,
        previous: SlideContent | None,
        said: Sequence[str] = (),
    ) -> SlideContent:
        """Pick and condense sentences (CPU work, run in a worker thread).

        Retrieved chunks from elsewhere only fill in when the item's own section
        is too thin to give three bullets.
        """
        own = set(item.chunk_ids)
        stated = {normalized(s) for s in said} | {normalized(item.title)}  # a title made of a sentence is said
        fresh = [c for c in _candidates(chunks) if not {normalized(c.quote), normalized(condense(c.quote))} & stated]
        candidates = [c for c in fresh if c.words >= MIN_WORDS]
        if not candidates:  # very short sources: take what there is
            candidates = fresh
        if sum(1 for c in candidates if c.chunk.id in own) >= MIN_BULLETS:
            candidates = [c for c in candidates if c.chunk.id in own]
        focus = Counter(content_stems(" ".join((item.title, *item.key_points, parameters.topic))))
        centroid = Counter(s for c in candidates for s in set(c.stems))
        used_before = {a.quote for a in previous.attributions} if previous else set()
        scored = []
        for position, candidate in enumerate(candidates):
            score = _salience(candidate, centroid, focus)
            score *= 1.0 + 0.3 * (1 - position / max(1, len(candidates) - 1))  # a section's first sentences lead
            score *= 1.0 if candidate.chunk.id in own else 0.5
            if candidate.quote in used_before:
                score *= 0.25
            scored.append((score, candidate))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        picked: list[_Sentence] = []
        body = 0
        for _, candidate in scored:
            if any(_overlap(candidate, other) >= 0.5 for other in picked):
                continue
            length = _shown_words(candidate)
            if body + length > SLIDE_WORDS:
                continue  # a shorter sentence further down may still fit; the slide never overflows
            picked.append(candidate)
            body += length
            if len(picked) == MAX_BULLETS:
                break
        if len(picked) < MIN_BULLETS:  # long sentences first: three that fit together may still be there
            picked = _best_three(scored) or picked
        picked.sort(key=lambda c: (c.chunk.document_id, c.chunk.index, c.start))
        sources = [c for c in chunks if c.id in own]
        shown = shown_as(item.title, tuple(_bullet(c) for c in picked), sources)
        if shown.layout in (Layout.TABLE, Layout.CHART, Layout.QUOTE):
            return shown  # the section is a table, or has one statement to make
        mine = [Statement(_bullet(c), _shown_words(c)) for _, c in scored if c.chunk.id in own]
        wanted = item.layout if item.layout is not Layout.BULLETS else None
        return varied(item.title, wanted, mine, sources) or shown


@frozen
class _Sentence:
    chunk: Chunk
    start: int
    end: int
    stems: tuple[str, ...]
    words: int

    @property
    def quote(self) -> str:
        return self.chunk.text[self.start : self.end]


def _with_layouts(items: list[OutlineItem], chunks: Sequence[Chunk]) -> list[OutlineItem]:
    """The items, each asking for the layout its best statements bear out in a varied deck."""
    by_id = {c.id: c for c in chunks}
    statements = [
        [condense(q) for q in _top_sentences([by_id[i] for i in item.chunk_ids if i in by_id], FIGURES_LOOKED_AT)]
        for item in items
    ]
    framing = [is_opening(clean_heading(i.section)) or is_closing(clean_heading(i.section)) for i in items]
    wanted = planned_layouts(statements, framing)
    return [attrs.evolve(item, layout=layout or Layout.BULLETS) for item, layout in zip(items, wanted, strict=True)]


def _candidates(chunks: Sequence[Chunk]) -> list[_Sentence]:
    seen: set[str] = set()
    found = []
    for chunk in chunks:
        for start, end in chunk.sentences:  # whole prose sentences, as the chunker found them
            text = chunk.text[start:end]
            if text in seen or not text.rstrip().endswith((".", "!", "?", "…", ";")):
                continue  # repeats (chunk overlaps) and unfinished lines are not bullets
            if not is_statement(text):
                continue  # fragments, code, links, contents lines, page furniture
            count = len(text.split())
            if count > MAX_WORDS:
                continue
            seen.add(text)
            found.append(_Sentence(chunk, start, end, tuple(content_stems(text)), count))
    return found


def _shown_words(sentence: _Sentence) -> int:
    """The words of the sentence as a bullet ("U.S." is one word or two, as one counts)."""
    shown = condense(sentence.quote)
    return max(len(shown.split()), len(words(shown)))


def _best_three(scored: list[tuple[float, _Sentence]]) -> list[_Sentence]:
    """The three distinct sentences among the 12 best that fit one slide together with the highest score."""
    top = scored[:12]
    best: tuple[float, list[_Sentence]] = (0.0, [])
    for trio in itertools.combinations(top, MIN_BULLETS):
        sentences = [c for _, c in trio]
        if sum(_shown_words(c) for c in sentences) > SLIDE_WORDS:
            continue
        if any(_overlap(a, b) >= 0.5 for a, b in itertools.combinations(sentences, 2)):
            continue
        total = sum(score for score, _ in trio)
        if total > best[0]:
            best = (total, sentences)
    return best[1]


def _salience(sentence: _Sentence, centroid: Counter[str], focus: Counter[str]) -> float:
    if not sentence.stems:
        return 0.0
    central = sum(centroid[s] for s in set(sentence.stems)) / math.sqrt(len(sentence.stems))
    focused = sum(1 for s in set(sentence.stems) if s in focus)
    has_number = 1.25 if numbers(sentence.quote) else 1.0
    length = 1.0 if 8 <= sentence.words <= 22 else 0.7
    return (central + 3.0 * focused) * has_number * length


def _overlap(a: _Sentence, b: _Sentence) -> float:
    sa, sb = set(a.stems), set(b.stems)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def _bullet(sentence: _Sentence) -> Bullet:
    text = condense(sentence.quote)
    chunk = sentence.chunk
    attribution = Attribution(
        source_document_id=chunk.document_id,
        chunk_id=chunk.id,
        quote=sentence.quote,
        start=sentence.start,
        end=sentence.end,
        page=chunk.page_at(sentence.start),
        section=chunk.section,
    )
    return Bullet(text, 0, (attribution,))


def condense(sentence: str) -> str:
    """Shorten a sentence by removing words only, never changing one.

    Always: a leading connective, a list item's number, the final period. When it is long,
    step by step until it is short enough: parentheticals, then asides between commas
    (", chaired by the Program Manager,"), then a trailing list of examples (", such as …").
    """
    text = _CONNECTIVES.sub("", _FIELD_LABEL.sub("", ENUMERATOR.sub("", sentence.strip())))
    uncited = _CITATION.sub("", text)
    if not _OPEN_END.search(uncited.rstrip(" .;")):  # "described in [tf-16b]" keeps its citation: it is the object
        text = uncited
    for cut in (_PARENTHETICAL, _ASIDE, _TRAILING_EXAMPLES):
        if len(text.split()) <= BULLET_WORDS:
            break
        shorter = cut.sub("", text)
        if len(shorter.split()) >= MIN_WORDS:
            text = shorter
    text = text.rstrip(" .;,")
    return text[:1].upper() + text[1:] if text else sentence.strip()


def _groups(chunks: Sequence[Chunk]) -> list[_Group]:
    groups: list[_Group] = []
    current: list[Chunk] = []
    for chunk in chunks:
        if current and (chunk.document_id != current[0].document_id or chunk.section != current[0].section):
            groups.append(_Group(current[0].document_id, current[0].section, tuple(current), len(groups)))
            current = []
        current.append(chunk)
    if current:
        groups.append(_Group(current[0].document_id, current[0].section, tuple(current), len(groups)))
    return groups


def _relevance(group: _Group, relevance: dict[str, float]) -> float:
    """How relevant a section is to the topic: its chunks' relevance, summed."""
    return sum(relevance.get(c.id, 0.0) for c in group.chunks)


def _allocate(
    groups: list[_Group],
    weight: dict[int, float],
    count: int,
    documents: Sequence[SourceDocument],
    *,
    focused: bool,
    prose: dict[int, int],
    tabular: dict[int, int],
) -> list[tuple[_Group, int, int]]:
    """Choose ``count`` (group, part, parts) slots: the heaviest groups, split when there are too few.

    With a topic (``focused``), sections with nothing relevant to it are left out.
    """
    argument = [g for g in groups if not is_back_matter(clean_heading(g.section))] or groups
    said = [g for g in argument if prose[g.order] >= 2 * MIN_WORDS] or argument  # two statements at least
    eligible = ([g for g in said if weight[g.order] > 0] or said) if focused else said
    # A story: the sources' opening (summary, introduction) and closing (conclusions, next steps) are told
    # whenever there are seats for the main parts too.
    opening = next((g for g in eligible if is_opening(clean_heading(g.section))), None)
    closing = next((g for g in reversed(eligible) if is_closing(clean_heading(g.section)) and g != opening), None)
    framing = [g for g in (opening, closing) if g is not None] if count >= 3 else []
    # A deck of some length shows the sources' most telling table, when they have one worth a slide.
    tables = [g for g in eligible if tabular.get(g.order, 0) >= MIN_TABLE_WORDS and g not in framing]
    if count >= 6 and tables:
        framing.append(max(tables, key=lambda g: tabular[g.order]))
    framing = framing[: count - 1]
    framed = {g.order for g in framing}
    by_document: dict[str, list[_Group]] = {}
    for group in eligible:
        if group.order not in framed:
            by_document.setdefault(group.document_id, []).append(group)
    doc_weight = {d: sum(weight[g.order] for g in gs) for d, gs in by_document.items()}
    seats = _seats(doc_weight, count - len(framing)) if doc_weight else {}
    chosen: list[_Group] = list(framing)
    for document_id, n in seats.items():
        ranked = sorted(by_document[document_id], key=lambda g: weight[g.order], reverse=True)
        chosen.extend(ranked[:n])
    parts = {g.order: 1 for g in chosen}
    spare = count - len(chosen)
    while spare > 0:  # fewer sections than slides: split the biggest sections, a chunk per part at least
        splittable = [g for g in chosen if len(g.chunks) > parts[g.order] and parts[g.order] < MAX_PARTS]
        if not splittable:
            break  # the sources are exhausted: a shorter outline, never repeated slides
        biggest = max(splittable, key=lambda g: g.tokens / parts[g.order])
        parts[biggest.order] += 1
        spare -= 1
    ordered = _story_order(
        chosen, documents, opening if opening in framing else None, closing if closing in framing else None
    )
    return [(g, p, parts[g.order]) for g in ordered for p in range(parts[g.order])]


def _story_order(
    chosen: list[_Group], documents: Sequence[SourceDocument], opening: _Group | None, closing: _Group | None
) -> list[_Group]:
    """The opening first, the closing last, the main parts in the sources' order between.

    With several sources, one deck: a part of a later source that speaks of what an earlier
    source's part does follows that part, instead of waiting in its own source's block.
    """
    main = sorted(
        (g for g in chosen if g not in (opening, closing)), key=lambda g: (_doc_rank(g.document_id, documents), g.order)
    )
    placed: list[_Group] = []
    vocabulary = {g.order: _vocabulary(g) for g in main}
    for group in main:
        others = [i for i, p in enumerate(placed) if p.document_id != group.document_id]
        best = max(
            others, key=lambda i: _similarity(vocabulary[placed[i].order], vocabulary[group.order]), default=None
        )
        if best is not None and _similarity(vocabulary[placed[best].order], vocabulary[group.order]) >= SAME_TOPIC:
            while best + 1 < len(placed) and placed[best + 1].document_id != placed[best].document_id:
                best += 1  # after the other sources' parts already gathered there
            placed.insert(best + 1, group)
        else:
            placed.append(group)
    return [g for g in (opening, *placed, closing) if g is not None]


def _vocabulary(group: _Group) -> set[str]:
    """The 30 content stems a section uses most, its heading's counted thrice."""
    counts = Counter(content_stems(" ".join(c.text for c in group.chunks)))
    for stem in content_stems(group.section):
        counts[stem] += 3
    return {stem for stem, _ in counts.most_common(30)}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def _seats(weights: dict[str, float], count: int) -> dict[str, int]:
    """Split ``count`` slides among documents by weight (largest remainder), at least one each if possible."""
    total = sum(weights.values()) or 1.0
    exact = {d: count * w / total for d, w in weights.items()}
    seats = {d: int(x) for d, x in exact.items()}
    if count >= len(weights):
        seats = {d: max(n, 1) for d, n in seats.items()}
    while sum(seats.values()) > count:
        d = max((d for d in seats if seats[d] > 0), key=lambda d: seats[d] - exact[d])
        seats[d] -= 1
    for d, _ in sorted(exact.items(), key=lambda pair: pair[1] - seats[pair[0]], reverse=True):
        if sum(seats.values()) >= count:
            break
        seats[d] += 1
    while sum(seats.values()) < count:  # more slides than the remainders cover
        seats[max(exact, key=lambda d: exact[d] / (seats[d] + 1))] += 1
    return {d: n for d, n in seats.items() if n > 0}


def _doc_rank(document_id: str, documents: Sequence[SourceDocument]) -> int:
    for i, document in enumerate(documents):
        if document.id == document_id:
            return i
    return len(documents)


def _part(chunks: tuple[Chunk, ...], part: int, parts: int) -> tuple[Chunk, ...]:
    if parts <= 1:
        return chunks
    size = max(1, math.ceil(len(chunks) / parts))
    piece = chunks[part * size : (part + 1) * size]
    return piece or chunks[-1:]


def _top_sentences(chunks: Sequence[Chunk], n: int) -> list[str]:
    candidates = [c for c in _candidates(chunks) if c.words >= MIN_WORDS]
    centroid = Counter(s for c in candidates for s in set(c.stems))
    ranked = sorted(candidates, key=lambda c: _salience(c, centroid, Counter()), reverse=True)
    return [c.quote for c in ranked[:n]]


def _shorten(text: str, max_words: int) -> str:
    parts = condense(text).split()
    return " ".join(parts[:max_words]) + ("…" if len(parts) > max_words else "")


def _short_heading(heading: str) -> str:
    """A heading of at most ``TITLE_WORDS`` words, by removing words: "Step 3: Find the minimal state" → the
    part after its label; else without its parentheticals; else unchanged (the caller names it by its text)."""
    if len(heading.split()) <= TITLE_WORDS:
        return heading
    if ": " in heading:
        label, rest = heading.split(": ", 1)
        for part in (rest, label):
            if 2 <= len(part.split()) <= TITLE_WORDS and is_informative_heading(part):
                return part[:1].upper() + part[1:]
    bare = _PARENTHETICAL.sub("", heading).strip()
    return bare if len(bare.split()) <= TITLE_WORDS else heading


def _title_from_text(chunks: Sequence[Chunk]) -> str:
    """A title for text without an informative heading: a short phrase of its own, never a cut sentence.

    The most central sentence if it is short; else its first clause when that is
    a main clause; else the passage's key phrase.
    """
    for sentence in _top_sentences(chunks, 3):
        text = condense(sentence)
        if 2 <= len(text.split()) <= TITLE_WORDS and is_informative_heading(text):
            return text
        clause = re.split(r"\s*[,;:—–]\s+|\s+(?:and|but|which|и|но|который)\s+", text, maxsplit=1)[0]
        if (
            3 <= len(clause.split()) <= TITLE_WORDS
            and not _SUBORDINATE.match(clause)
            and is_informative_heading(clause)
            and is_statement(clause + ".")
        ):
            return clause
    return _keyphrase(chunks)


# A clause that opens with these leans on a main clause that the title would cut off.
_SUBORDINATE = re.compile(
    r"^(?:when|whenever|if|unless|because|since|although|though|while|whereas|before|after|until|once|to|"
    r"in order to|so that|as|where|how|why|what|whether|for example|for instance|such as|on the one hand|"
    r"on the other hand|in contrast|с одной стороны|с другой стороны|"
    r"когда|если|чтобы|потому что|так как|хотя|пока|после того|прежде чем|тем не менее|например|где|как|"
    r"поскольку|в то время как|однако)\b",
    re.I,
)
_TOKEN = re.compile(r"[^\W\d_][\w’'-]*|\S", re.U)


def _keyphrase(chunks: Sequence[Chunk]) -> str:
    """The passage's key phrase: its most frequent content word, in the longest run of words that repeats.

    "Tax return", "Direct deposit", "Состояние компонента"; runs never cross punctuation
    or function words, and a run counts only when it occurs twice.
    """
    counts: Counter[tuple[str, ...]] = Counter()
    spelling: dict[tuple[str, ...], str] = {}
    for chunk in chunks:
        run: list[str] = []
        for token in [*_TOKEN.findall(chunk.text), "."]:
            if token[0].isalpha() and len(token) > 2 and token.lower() not in FUNCTION_WORDS:
                run.append(token)
                continue
            for n in (1, 2, 3):
                for i in range(len(run) - n + 1):
                    key = tuple(w.lower()[:STEM_LENGTH] for w in run[i : i + n])
                    counts[key] += 1
                    spelling.setdefault(key, " ".join(run[i : i + n]))
            run = []
    singles = [k for k in counts if len(k) == 1]
    if not singles:
        return "Key points"
    top = max(singles, key=lambda k: counts[k])
    floor = max(2, 0.3 * counts[top])
    phrases = [k for k in counts if top[0] in k and counts[k] >= floor]
    best = max(phrases, key=lambda k: (len(k), counts[k]))
    phrase = spelling[best]
    return phrase[:1].upper() + phrase[1:]


def _deck_title(request: PlanningInput) -> str:
    if request.parameters.topic:
        return collapse_whitespace(request.parameters.topic)[:120]
    titled = [d.title for d in request.documents if d.title and d.title != d.filename]
    if titled:
        return clean_heading(titled[0])[:120]
    stem = request.documents[0].filename.rsplit(".", 1)[0] if request.documents else "Presentation"
    return re.sub(r"[-_]+", " ", stem).strip().capitalize()


def _subtitle(parameters: GenerationParameters, language: str) -> str:
    if parameters.audience and parameters.audience != "general":
        return ("Для: " if language == "ru" else "For ") + parameters.audience
    return ""
