"""Text policies shared by chunking, writing and attribution: sentences, words, language."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

# Abbreviations after which a period does not end a sentence (lower-case, without the dot).
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs mr mrs ms dr prof inc ltd co corp fig no approx est dept jan feb mar apr "
    "jun jul aug sep sept oct nov dec st mt vol pp ed al u.s u.k u.n div sec art para ch chap pub figs eq ref "
    "т.е т.к т.н т.д т.п др пр г гг руб тыс млн млрд см рис стр ул им проф акад в.т.ч".split()
)

# A sentence ends at . ! ? … (optionally followed by closing quotes or brackets) and
# whitespace, when the next visible character can start a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s+[\"'«“(\[]?[A-ZА-ЯЁ0-9•\-–—])")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``, trimmed of surrounding space.

    Handles English and Russian punctuation, common abbreviations, initials
    ("А. С. Пушкин", "J. R. R. Tolkien") and numbers opening a line ("2.3 Scope");
    a blank line always ends a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _is_abbreviation(text, match.start()) or _is_leading_number(text, match.start(), start):
            continue
        _append_trimmed(spans, text, start, end)
        start = end
    _append_trimmed(spans, text, start, len(text))
    return [piece for span in spans for piece in _split_hard_lines(text, span)]


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial such as "J." or "А."
        return text[dot - 1].isupper()
    return word in _ABBREVIATIONS


def _is_leading_number(text: str, dot: int, sentence_start: int) -> bool:
    """A number opening a sentence ("1. Overview", "2.3. Scope") is a heading or list number."""
    word_start = dot
    while word_start > sentence_start and (text[word_start - 1].isdigit() or text[word_start - 1] == "."):
        word_start -= 1
    return word_start < dot and not text[sentence_start:word_start].strip()


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _split_hard_lines(text: str, span: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Split a span at blank lines, which always separate sentences."""
    base, end = span
    start = base
    for match in re.finditer(r"\n\s*\n", text[base:end]):
        if base + match.start() > start:
            yield start, base + match.start()
        start = base + match.end()
    if start < end:
        yield start, end


STEM_LENGTH = 5  # word prefixes compared so that inflected forms (Russian especially) still match
STOPWORDS = frozenset(
    "the a an and or of to in on for with by at from as is are was were be been this that these those it its "
    "their our we they which who has have had will would can could may not but also than into over per about "
    "и в во на с со по к о об от до за из у для не но а же что это как так его её их мы они был была были "
    "будет также или при".split()
)


def content_stems(text: str) -> list[str]:
    """Prefixes of the words that carry meaning (no stopwords, no one- or two-letter words)."""
    return [w[:STEM_LENGTH] for w in words(text) if w not in STOPWORDS and len(w) > 2]


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds a Cyrillic letter."""
    return not text.isascii() and _CYRILLIC.search(text) is not None


def words(text: str) -> list[str]:
    """Return the lower-cased words of ``text`` (letters and digits, with inner hyphens)."""
    if text.isascii():  # lower-casing ASCII keeps every character's class: one pass, not one per word
        return _WORD.findall(text.lower())
    return [w.lower() for w in _WORD.findall(text)]


def numbers(text: str) -> list[str]:
    """Return the numbers written in ``text``, normalised to use ``.`` as decimal mark."""
    return [n.replace(",", ".") for n in _NUMBER.findall(text)]


def detect_language(text: str) -> str:
    """Return ``"ru"`` when Cyrillic letters dominate ``text``, else ``"en"``."""
    sample = text[:20000]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    return "ru" if cyrillic > latin else "en"


def dominant_language(texts_with_weights: list[tuple[str, int]]) -> str:
    """Return the language carrying the most weight among ``(language, weight)`` pairs."""
    totals: Counter[str] = Counter()
    for language, weight in texts_with_weights:
        totals[language] += weight
    if not totals:
        return "en"
    return totals.most_common(1)[0][0]


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace into one space and trim the ends."""
    return re.sub(r"\s+", " ", text).strip()
