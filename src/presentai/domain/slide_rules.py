"""The rules a deck keeps, whoever wrote it: what a title, a slide and an outline may be, and safe repairs.

Each ``*_problems`` function names, in words a writer (or a language model) can act on,
how its subject breaks the rules; an empty list means it keeps them. The ``repair_*``
functions fix only what can be fixed without inventing or losing meaning: markup is
stripped, repeats and bullets past the fifth are dropped, a leading "But" goes, story
slides move to their place, and sections told twice are merged into one slide.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

import attrs

from presentai.domain.presentation import Outline, OutlineItem
from presentai.domain.slides import Bullet, Layout, SlideContent
from presentai.domain.wording import (
    is_back_matter,
    is_closing,
    is_informative_heading,
    is_opening,
    leans_on_context,
    normalized,
    points_elsewhere,
    said_keys,
)

MIN_BULLETS, MAX_BULLETS = 3, 5
MIN_BULLET_WORDS, MAX_BULLET_WORDS = 5, 25  # "about 6 to 25": a five-word fact ("Revenue rose 12% in 2025") is whole
SLIDE_WORDS = 60  # body text of a content slide, at most
TITLE_WORDS = 8
DECK_TITLE_WORDS = 16  # a document's own title, a thesis's say, may run long
MAX_PARTS = 2  # a section fills at most two slides: "Title (1/2)" and "Title (2/2)"
MAX_KEY_POINTS = 5

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) is its text
_URL = re.compile(r"\(?\b(?:https?://|www\.)\S+")
_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.I)
_EMPHASIS = re.compile(r"\*\*|__|`+|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}|>|[-*•▪·–—]|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"\*\*|__|`|^#{1,6}\s|\]\(|</?[a-z][a-z0-9]*[\s>/]|&[a-z]+;|&#\d+;|https?://|www\.", re.I)
_ELLIPSIS = re.compile(r"…|\.\.\.")
_CONTINUATION = re.compile(
    r"\s*\((?:(\d+)\s*/\s*(\d+)|cont(?:inued|\.|d\.?)?|продолжение|продолж\.|окончание)\)\s*$", re.I
)
_GENERIC_TITLE = re.compile(
    r"^(?:other|others|misc(?:ellaneous)?|more|details|continued|content|text|notes|slide|"
    r"прочее|разное|другое|подробнее|продолжение|текст|слайд)$",
    re.I,
)
# A title ending in one of these words was cut off mid-phrase.
_OPEN_END = re.compile(
    r"(?:[,;:\-–—(/]|\b(?:an|the|of|to|for|and|or|but|in|on|at|by|with|from|as|that|which|is|are|"
    r"и|а|но|или|в|во|на|с|со|к|по|о|об|от|до|из|за|для|что|который|которые))$",
    re.I,
)
_LEADING_CONJUNCTION = re.compile(r"^(?:but|and|or|yet|also|so|но|и|а|или|также)\s*,?\s+(?=\w)", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")


def words_of(text: str) -> int:
    """How many words a text has (tokens with a letter or a digit)."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def strip_markup(text: str) -> str:
    """The text a reader sees: a link is its text; emphasis, tags, entities, list marks and URLs go."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", html.unescape(_TAG.sub(" ", text)))
    text = _URL.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _LINE_MARK.sub("", text)
    return " ".join(text.split()).strip()


def continuation(title: str) -> tuple[int, int] | None:
    """``(k, n)`` of a title marked as part k of n ("… (2/2)", "… (continued)" is ``(2, 2)``), else ``None``."""
    match = _CONTINUATION.search(title)
    if match is None:
        return None
    return (int(match[1]), int(match[2])) if match[1] else (2, 2)


def section_key(title: str) -> str:
    """The section a title names, compared across an outline: without its part marker or numbering."""
    return normalized(_NUMBERING.sub("", _CONTINUATION.sub("", title)))


def title_problems(title: str, *, max_words: int = TITLE_WORDS) -> list[str]:
    """How a slide title breaks the rules: informative, short, whole, plain, at most one continuation."""
    shown = " ".join(title.split())
    if not shown:
        return ["the title is empty"]
    problems = []
    part = continuation(shown)
    bare = _CONTINUATION.sub("", shown).strip()
    if part is not None and not (1 <= part[0] <= part[1] <= MAX_PARTS):
        problems.append(f"“{shown}” is part {part[0]} of {part[1]}: a section fills at most {MAX_PARTS} slides")
    if _MARKUP.search(bare):
        problems.append(f"“{shown}” contains markup or a link; write plain text")
    if _ELLIPSIS.search(bare):
        problems.append(f"“{shown}” has an ellipsis; write a whole phrase")
    if words_of(bare) > max_words:
        problems.append(f"“{shown}” has {words_of(bare)} words; a title has at most {max_words}")
    if _OPEN_END.search(bare.rstrip(".…")):
        problems.append(f"“{shown}” breaks off mid-phrase; write a whole phrase")
    elif bare.endswith(".") and words_of(bare) > 3:
        problems.append(f"“{shown}” reads as a sentence; a title is a short phrase")
    cleaned = _NUMBERING.sub("", bare).rstrip(". ")
    if is_back_matter(cleaned):
        problems.append(f"“{shown}” names back matter (contents, references, appendix …), not a slide's subject")
    elif not problems and (
        not cleaned
        or _GENERIC_TITLE.match(cleaned)
        or not is_informative_heading(cleaned, max_words=max(10, max_words))
    ):
        problems.append(f"“{shown}” does not say what the slide is about")
    return problems


def bullet_problems(text: str) -> list[str]:
    """How one bullet breaks the rules: a complete, self-contained, plain statement of about 6–25 words."""
    shown = " ".join(text.split())
    if not shown:
        return ["a bullet is empty"]
    problems = []
    count = words_of(shown)
    if count < MIN_BULLET_WORDS:
        problems.append(f"“{shown}” has {count} words; a bullet is a whole statement of about 6 to 25")
    elif count > MAX_BULLET_WORDS:
        problems.append(f"“{shown}” has {count} words; keep a bullet to {MAX_BULLET_WORDS} and put detail in the notes")
    start = shown.lstrip("«\"“‘'(")
    if leans_on_context(start) or (start[:1].isalpha() and start[:1].islower()):
        problems.append(f"“{shown}” is not a sentence of its own; it leans on what came before")
    if points_elsewhere(shown):
        problems.append(f"“{shown}” points at something the slide does not show")
    if _MARKUP.search(shown):
        problems.append(f"“{shown}” contains markup or a link; write plain text")
    if _ELLIPSIS.search(shown) or shown.count("(") != shown.count(")"):
        problems.append(f"“{shown}” is cut off; write the whole statement")
    return problems


# How many bullets a slide of each layout carries: a table or chart shows its data, a quote one sentence.
_BULLETS_BY_LAYOUT = {
    Layout.TABLE: (0, 2),
    Layout.CHART: (0, 2),
    Layout.QUOTE: (1, 1),
    Layout.KEY_FIGURES: (2, 4),
    Layout.TWO_COLUMN: (2, 2 * MAX_BULLETS),
}


def slide_problems(content: SlideContent, said: Iterable[str] = ()) -> list[str]:
    """How a content slide breaks the rules; ``said`` holds what the deck's other slides say (normalised)."""
    problems = title_problems(content.title)
    count = len(content.bullets)
    fewest, most = _BULLETS_BY_LAYOUT.get(content.layout, (MIN_BULLETS, MAX_BULLETS))
    if not fewest <= count <= most:
        problems.append(f"the slide has {count} bullets; write {fewest} to {most}")
    seen = set(said)
    for bullet in content.bullets:
        problems += bullet_problems(bullet.text)
        if not bullet.attributions:
            problems.append(f"“{bullet.text}” cites none of the passages given")
        keys = said_keys([bullet])
        if keys & seen:
            problems.append(f"“{bullet.text}” repeats what the deck already says")
        seen |= keys
    body = sum(words_of(b.text) for b in content.bullets)
    if body > SLIDE_WORDS:
        problems.append(f"the bullets have {body} words in all; at most {SLIDE_WORDS}, the rest goes to the notes")
    return problems


def outline_problems(outline: Outline, slide_count: int) -> list[str]:
    """How an outline breaks the rules: distinct titles, one continuation at most, a story, no padding."""
    problems = [f"the deck title {p}" for p in title_problems(outline.title, max_words=DECK_TITLE_WORDS)]
    if len(outline.items) > slide_count:
        problems.append(f"the outline has {len(outline.items)} items; at most {slide_count} were asked for")
    titles: dict[str, int] = {}
    sections: dict[str, int] = {}
    for number, item in enumerate(outline.items, 1):
        problems += [f"item {number}: {p}" for p in title_problems(item.title)]
        if not item.chunk_ids:
            problems.append(f"item {number} (“{item.title}”) cites none of the passages shown")
        key = normalized(item.title)
        if key in titles:
            problems.append(
                f"items {titles[key]} and {number} are both titled “{item.title}”; give each slide its own subject "
                "or plan fewer slides"
            )
        titles.setdefault(key, number)
        sections[section_key(item.title)] = sections.get(section_key(item.title), 0) + 1
    for item in outline.items:
        if sections.pop(section_key(item.title), 0) > MAX_PARTS:
            problems.append(f"“{_CONTINUATION.sub('', item.title)}” fills more than {MAX_PARTS} slides")
    order = _story_order(outline.items)
    if order != list(range(len(outline.items))):
        problems.append("the opening (purpose, summary) comes first and the closing (conclusions, next steps) last")
    return problems


def repair_title(title: str) -> str:
    """A title without markup, a trailing ellipsis or full stop; its words unchanged."""
    text = strip_markup(title)
    return re.sub(r"\s*(?:…|\.\.\.|[.:;,])+\s*$", "", text).strip() or text


def repair_bullet_text(text: str) -> str:
    """A bullet without markup and without a leading "But"/"And"/"Но"/"И", starting with a capital."""
    text = strip_markup(text)
    stripped = _LEADING_CONJUNCTION.sub("", text)
    if stripped != text and stripped:
        text = stripped[0].upper() + stripped[1:]
    return text


def repair_slide(content: SlideContent, said: Iterable[str] = ()) -> SlideContent:
    """``content`` with plain text, no bullet repeating another or ``said``, and at most five bullets."""
    seen = set(said)
    kept: list[Bullet] = []
    for bullet in content.bullets:
        text = repair_bullet_text(bullet.text)
        if not text:
            continue
        plain = bullet if text == bullet.text else attrs.evolve(bullet, text=text)
        keys = said_keys([plain])
        if keys & seen:
            continue
        seen |= keys
        kept.append(plain)
    title = repair_title(content.title)
    return attrs.evolve(content, title=title or content.title, bullets=tuple(kept[:MAX_BULLETS]))


def repair_outline(outline: Outline) -> Outline:
    """``outline`` with plain titles, at most five key points per item, and its story slides in place."""
    items = tuple(
        attrs.evolve(
            item,
            title=repair_title(item.title) or item.title,
            key_points=tuple(p for p in (strip_markup(k) for k in item.key_points) if p)[:MAX_KEY_POINTS],
        )
        for item in outline.items
    )
    items = tuple(items[i] for i in _story_order(items))
    return attrs.evolve(outline, title=repair_title(outline.title) or outline.title, items=items)


def merge_repeated_sections(outline: Outline) -> Outline:
    """``outline`` with every title used once: items with the same title, or a section told in more than
    two parts, become one item under the section's title (fewer slides rather than repetition)."""
    groups: dict[str, list[OutlineItem]] = {}
    for item in outline.items:
        groups.setdefault(section_key(item.title), []).append(item)
    items: list[OutlineItem] = []
    for item in outline.items:
        group = groups.pop(section_key(item.title), None)
        if group is None:
            continue
        if len(group) == 1 or _a_proper_pair(group):
            items += group
            continue
        items.append(
            attrs.evolve(
                group[0],
                title=_CONTINUATION.sub("", group[0].title).strip() or group[0].title,
                key_points=tuple(dict.fromkeys(p for i in group for p in i.key_points))[:MAX_KEY_POINTS],
                chunk_ids=tuple(dict.fromkeys(c for i in group for c in i.chunk_ids)),
            )
        )
    return attrs.evolve(outline, items=tuple(items))


def _a_proper_pair(group: Sequence[OutlineItem]) -> bool:
    """Two items of one section, the second marked as its continuation and the first not as a later part."""
    if len(group) != MAX_PARTS or normalized(group[0].title) == normalized(group[1].title):
        return False
    return continuation(group[1].title) == (2, 2) and continuation(group[0].title) in (None, (1, 2))


def _story_order(items: Sequence[OutlineItem]) -> list[int]:
    """The items' indexes with openings moved to the front and closings to the end, otherwise as they were."""

    def role(index: int) -> int:
        title = _NUMBERING.sub("", items[index].title).strip()
        return 0 if is_opening(title) else 2 if is_closing(title) else 1

    return sorted(range(len(items)), key=role)
