"""Heuristics that judge a deck's text: junk titles, fragment bullets, repeats and title overlap.

Used by bench/deck_quality.py and meant for tests to reuse. They are plain
rules, chosen to be easy to explain rather than clever; each function says what
it counts. Nothing here imports PresentAI.

>>> junk_title_kinds("and the system of the")
['fragment_start', 'truncated']
>>> junk_title_kinds("Risk Framework: 1. Establish Context")
[]
>>> fragment_reasons("which the user could have thought of", quote="which the user could have thought of.")
['lowercase_start', 'conjunction_start']
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

# A title's "(3/10)" suffix: the planner numbering the slides of one section.
_CONTINUATION = re.compile(r"\s*\(\s*\d+\s*/\s*\d+\s*\)\s*$")
# The renderer's suffix on a slide it split to fit ("(cont.)", "(продолжение)").
_SPLIT = re.compile(r"\s*\((?:cont\.|продолжение)\)\s*$", re.IGNORECASE)

# Words that cannot start a statement that stands on its own: it continues another one.
CONJUNCTIONS = frozenset(
    "and but or nor yet which whom whose whereas "
    "и а но или либо зато причём причем однако "
    "который которая которое которые которого которой котором которым которых которую которыми "
    "чей чья чьё чье чьи".split()
)
# Openings that make a title the head of a sentence rather than a name for the slide: a sentence
# adverb, a subordinate clause, a pronoun pointing back ("Тем не менее", "Чтобы написать…", "Они…").
_TITLE_OPENINGS = (
    *(
        "however therefore moreover furthermore nevertheless nonetheless thus hence also although though "
        "because since unless whereas it they he she its their these those "
        "однако поэтому итак также тоже чтобы если хотя поскольку они оно она он его её их эти"
    ).split(),
    "in the following",
    "for example",
    "for instance",
    "as a",
    "as an",
    "as the",
    "тем не менее",
    "кроме того",
    "так как",
    "потому что",
    "например",
)
# "When"/"if"/"когда" open a subordinate clause unless an infinitive follows ("When to use logging").
_SUBORDINATORS = frozenset("when if whether while когда".split())
_INFINITIVE = re.compile(r"^(?:to|\w+(?:ть|ти|чь)(?:ся)?)$")
# Words a title cannot end on unless it was cut short.
_TITLE_DANGLING = frozenset(
    "the a an of to in for with and or but by on at from as into onto than that which is are was were "
    "his her its their our your my "
    "и а но или в во на с со по для к ко о об от из у за при что чтобы как который".split()
)
# Words a sentence cannot end on (English sentences may end on a preposition: "thought of").
_BULLET_DANGLING = frozenset(
    "the a an and or but nor than which whose is are was were his her its their our your my "
    "и а но или в во на с со по для к ко о об от из у за при что чтобы который".split()
)
# Abbreviations that a sentence splitter took for the end of a sentence ("… with U.S", "Public Law 113-291, div").
_CUT_AT_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.)+[A-Z]|\b(?:e\.g|i\.e|cf|vs|div|no|fig|figs|sec|pp|vol|ch|para|approx|т\.е|см|рис|ст|гл))$",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    "a an the and or but nor of to in on at by for with from as into onto over under about after before "
    "is are was were be been being it its this that these those there their they them we our you your "
    "he she his her i me my not no do does did has have had can could will would shall should may might "
    "must how what when where which who whom why than then so if also such via per vs etc "
    "и в во на с со по для к ко о об от из у за при а но или либо что чтобы как это этот эта эти "
    "то та те так же ли не ни да бы был была было были быть есть его ее её их он она они мы вы "
    "я ты свой своя свои который которая которые также только уже ещё еще".split()
)
STEM = 5  # words are compared by their first five letters: crude stemming that suits en and ru

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_LEADING_GLYPHS = " \t\"'«“‘([{•·▪‣◦*-–—>"
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*$")
_MARKUP = ("[", "](", "**", "#", "<", "`", "{/*", "¶")
_FRONT_MATTER_KEY = re.compile(r"^[a-z_]+:\s")  # "title: Философия React", a YAML line
# A number that continues a sentence ("2020, can be found in the AD docket").
_NUMBER_COMMA_START = re.compile(r"^\d+,\s+[a-zа-яё]")
# A footnote or bookmark number glued to the first word: "3Существуют", "32BHandling", "2⁶Программа".
_GLUED_MARKER = re.compile(r"^(?:\d+[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]?[a-zа-яё]|[⁰¹²³⁴⁵⁶⁷⁸⁹])")
_GLUED_NUMBER = re.compile(r"(?:^|\s)\d+[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]?[a-zа-яё]|(?:^|\s)\d+B[A-Z]{3,}")
_KEYWORD_LIST = re.compile(r"^[^\s,]+(?:,\s[^\s,]+){2,}$")  # "Your, filing, amount"
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_LONG_HEX = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b", re.IGNORECASE)
_PRINTER_CODES = re.compile(r"VerDate|\w<\d+>\w|\b0\d{4,}\b|[A-Z]:\\\w", re.IGNORECASE)
_GENERIC = re.compile(
    r"^(?:(?:slide|page|section|chapter|part|слайд|страница|раздел|глава|часть)\s*(?:№\s*)?\d+[.:]?"
    r"|\d+\s*(?:-?й\s*)?(?:slide|слайд|page|страница)"
    r"|untitled|untitled slide|no title|new slide|title|slide|без названия|заголовок|слайд)$",
    re.IGNORECASE,
)
_TOC_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:·\s?){3,}|(?:\.\s?){3,}\s*\d+\s*$")
_TOC_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s+(?:\d+\b|\S.*\s\d{1,4}$)")
_TOC_TRAILING_PAGE = re.compile(r"[a-zа-яё)]\s+(?:\d{1,3}|[ivxlc]{1,6})$")


def normalise(text: str) -> str:
    """Text as compared for repeats: NFKC, lower case, one space, no punctuation at the ends.

    >>> normalise("  The HASYv2   dataset. ")
    'the hasyv2 dataset'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?…-–—•\"'«»“”‘’()[]")


def base_title(title: str) -> str:
    """The title without a "(k/n)" or "(cont.)" suffix.

    >>> base_title("The HASYv2 dataset (2/10)")
    'The HASYv2 dataset'
    """
    return _SPLIT.sub("", _CONTINUATION.sub("", title.strip())).strip()


def is_continuation(title: str) -> bool:
    """Whether the title ends "(k/n)", the mark of one section spread over several slides."""
    return _CONTINUATION.search(title.strip()) is not None


def is_split(title: str) -> bool:
    """Whether the title ends "(cont.)" or "(продолжение)", the renderer's mark of a slide split to fit."""
    return _SPLIT.search(title.strip()) is not None


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits, with inner hyphens and apostrophes."""
    return _WORD.findall(text)


def repeats(texts: Iterable[str]) -> int:
    """How many texts repeat an earlier one once normalised (three equal texts are two repeats).

    >>> repeats(["A b.", "a B", "c", "A b"])
    2
    """
    counts = Counter(n for n in (normalise(t) for t in texts) if n)
    return sum(count - 1 for count in counts.values())


def repeated(texts: Iterable[str]) -> list[str]:
    """The normalised texts that occur more than once, most frequent first."""
    counts = Counter(n for n in (normalise(t) for t in texts) if n)
    return [text for text, count in counts.most_common() if count > 1]


def _letter_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    return sum(c.isalpha() for c in visible) / len(visible) if visible else 0.0


def _first_letter_is_lower(text: str) -> bool:
    """Whether the first word starts with a lower-case letter (``iOS``, ``eBay``, ``x86`` do not count)."""
    stripped = text.lstrip(_LEADING_GLYPHS)
    first = stripped.split(maxsplit=1)[0] if stripped.split() else ""
    if not first or not first[0].isalpha() or not first[0].islower():
        return False
    return not any(c.isupper() or c.isdigit() for c in first[1:])


def _first_word(text: str) -> str:
    found = words(text)
    return found[0].lower() if found else ""


def _last_word(text: str) -> str:
    found = words(text)
    return found[-1].lower() if found else ""


def junk_title_kinds(title: str) -> list[str]:
    """The ways a slide title is junk; an empty list for a good title.

    The "(k/n)" and "(cont.)" suffixes are removed first (they are counted apart).

    * ``fragment_start``: starts with a lower-case word, or with a conjunction or
      relative that continues another sentence (And, But, Which, Or, Но, И, Который…),
      or opens a sentence rather than naming a slide: a number and a comma ("2020, can be
      found…"), a sentence adverb ("However", "Тем не менее", "Кроме того"), a
      subordinate clause ("Because…", "Чтобы…", "When you…" but not "When to…"), a
      pronoun pointing back ("They…", "Они…"), "In the following", "As a…";
    * ``toc_line``: a table-of-contents line: dotted leaders, a section number followed
      by a page number, or a trailing page number after a lower-case word or ")"
      (``"Building the package 12"``; ``"Step 3"`` is not one);
    * ``mostly_digits``: fewer than half of the visible characters are letters;
    * ``markup``: holds ``[``, ``](``, ``**``, ``#``, ``<``, a backtick, ``{/*`` or a Sphinx
      pilcrow ``¶``, or starts with a YAML key ("title: …");
    * ``truncated``: ends with "…" or "...", a hyphen, or a word a title cannot end on
      (of, the, and, his, в, и…);
    * ``generic``: "Slide 4", "Page 2", "1 слайд", "Untitled", "Без названия";
    * ``identifier``: a UUID, a long hex string, a printer's code ("VerDate Sep<11>2014",
      "Frm 00003", "E:\\FR\\FM\\06AUP1.SGM", "DSKJLSW7X2PROD"), or a number glued to a word
      (a Word bookmark or footnote marker: "32BHandling of…", "77BWORKING WITH…");
    * ``too_long``: more than 8 words;
    * ``keyword_list``: three or more single words joined by commas ("Your, filing, amount"),
      a list of keywords standing in for a title (not in issue 10's list; counted the same way).

    >>> junk_title_kinds("Introduction")
    []
    >>> junk_title_kinds("Building the package ........ 12")
    ['toc_line']
    >>> junk_title_kinds("2.3 Battery storage 14")
    ['toc_line']
    >>> junk_title_kinds("Slide 4")
    ['generic']
    >>> junk_title_kinds("VerDate Sep<11>2014 16:21 Aug 05, 2020")
    ['mostly_digits', 'markup', 'identifier', 'too_long']
    >>> junk_title_kinds("[Insert Agency Name] Directive")
    ['markup']
    >>> junk_title_kinds("Чтобы написать статическое приложение"), junk_title_kinds("When to use logging ¶")
    (['fragment_start'], ['markup'])
    >>> junk_title_kinds("32BHandling of OSCAL Data Types"), junk_title_kinds("Tax, form, 1040ez")
    (['identifier'], ['keyword_list'])
    """
    text = base_title(title)
    kinds = []
    if _first_letter_is_lower(text) or _first_word(text) in CONJUNCTIONS or _opens_a_sentence(text):
        kinds.append("fragment_start")
    if (
        _TOC_LEADER.search(text)
        or _TOC_NUMBERED.match(text)
        or (len(words(text)) >= 3 and _TOC_TRAILING_PAGE.search(text))
    ):
        kinds.append("toc_line")
    if _letter_share(text) < 0.5:
        kinds.append("mostly_digits")
    if any(mark in text for mark in _MARKUP) or _FRONT_MATTER_KEY.match(text):
        kinds.append("markup")
    if text.endswith(("…", "...", "-")) or _last_word(text) in _TITLE_DANGLING:
        kinds.append("truncated")
    if _GENERIC.match(normalise(text)):
        kinds.append("generic")
    if (
        _UUID.search(text)
        or _LONG_HEX.search(text)
        or _PRINTER_CODES.search(text)
        or _GLUED_NUMBER.search(text)
        or _is_code(text)
    ):
        kinds.append("identifier")
    if len(words(text)) > 8:
        kinds.append("too_long")
    if _KEYWORD_LIST.match(text):
        kinds.append("keyword_list")
    return kinds


def _opens_a_sentence(title: str) -> bool:
    """Whether the title begins the way a sentence does, not the way a name does (see ``junk_title_kinds``)."""
    folded = normalise(title)
    if _NUMBER_COMMA_START.match(folded):
        return True
    if any(folded == opening or folded.startswith(opening + " ") for opening in _TITLE_OPENINGS):
        return True
    first, *rest = folded.split()[:2] or [""]
    return first in _SUBORDINATORS and bool(rest) and not _INFINITIVE.match(rest[0])


def _is_code(text: str) -> bool:
    """A token of 8+ letters and digits switching between them 3 times: ``DSKJLSW7X2PROD``, not ``Section508.gov``."""
    for token in text.split():
        alnum = "".join(c for c in token if c.isalnum())
        if len(alnum) < 8 or sum(c.isdigit() for c in alnum) < 2 or sum(c.isalpha() for c in alnum) < 2:
            continue
        switches = sum(1 for a, b in itertools.pairwise(alnum) if a.isdigit() != b.isdigit())
        if switches >= 3:
            return True
    return False


_LIST_LETTER = re.compile(r"^(?:[a-zа-я]|\d{1,2}|[ivx]{1,4})[.)]\s+(?=\S)")


def fragment_reasons(text: str, quote: str | None = None) -> list[str]:
    """Why a bullet is not a statement that stands on its own; an empty list for a good bullet.

    ``quote`` is the source sentence the bullet rests on, when there is one: the
    extractive writer capitalises the bullet and drops its final full stop, so
    the quote shows what the bullet hides.

    * ``lowercase_start``: the bullet, or its quote, starts with a lower-case word
      (a sentence cut somewhere in its middle);
    * ``conjunction_start``: the first word is a conjunction or relative (And, But, Which,
      И, Но, Который…) that continues another sentence, or the bullet starts with a
      number and a comma ("2020, can be found in the AD docket");
    * ``marker_start``: a footnote or bookmark number glued to the first word
      ("3Существуют также…", "225BFor questions…", "2⁶Программа…");
    * ``no_sentence_end``: neither the bullet nor its quote ends as a sentence ends
      (. ! ? …, possibly followed by a closing quote or bracket);
    * ``dangling_end``: the bullet ends with , : ; ( or a dash, with a word a sentence
      cannot end on (the, and, which, his, в, и…), with an abbreviation the sentence
      splitter took for a full stop ("… in collaboration with U.S", "Public Law 113-291, div"),
      or with a colon and a lone number ("… to figure his tax: 1");
    * ``unbalanced``: more opening than closing brackets, or an odd number of straight
      double quotes, or unmatched « »;
    * ``debris``: fewer than three words, or fewer than half of the visible characters are
      letters (table cells, formulas, code).

    >>> fragment_reasons("The test set contains 32 symbols", quote="The test set contains 32 symbols.")
    []
    >>> fragment_reasons("Training data contains images", quote="training data contains images.")
    ['lowercase_start']
    >>> fragment_reasons("The output layer is the", quote="The output layer is the")
    ['no_sentence_end', 'dangling_end']
    >>> fragment_reasons("The output layer (see Table", quote="The output layer (see Table")
    ['no_sentence_end', 'unbalanced']
    >>> fragment_reasons("Create Accessible Social Media update in collaboration with U.S", quote="… with U.S.")
    ['dangling_end']
    >>> fragment_reasons("3Существуют также похожие пакеты", quote="3Существуют также похожие пакеты.")
    ['marker_start']
    >>> fragment_reasons("Retrieve the calls from the mock", quote="a) Retrieve the calls from the mock.")
    []
    """
    reasons = []
    stripped = text.strip()
    if quote is not None:  # "a) Retrieve the calls…": a list item's letter is not the sentence's first word
        quote = _LIST_LETTER.sub("", quote.strip())
    if _first_letter_is_lower(stripped) or (quote is not None and _first_letter_is_lower(quote.strip())):
        reasons.append("lowercase_start")
    first = _first_word(stripped)
    quoted_first = _first_word(quote) if quote is not None else ""
    if first in CONJUNCTIONS or quoted_first in CONJUNCTIONS or _NUMBER_COMMA_START.match(stripped.lower()):
        reasons.append("conjunction_start")
    if _GLUED_MARKER.match(stripped):
        reasons.append("marker_start")
    ends = [stripped] + ([quote.strip()] if quote is not None else [])
    if not any(_SENTENCE_END.search(end) for end in ends):
        reasons.append("no_sentence_end")
    if (
        stripped.endswith((",", ":", ";", "(", "-", "–", "—", "/"))
        or _last_word(stripped) in _BULLET_DANGLING
        or _CUT_AT_ABBREVIATION.search(stripped)
        or re.search(r":\s*\d{1,2}$", stripped)
    ):
        reasons.append("dangling_end")
    if (
        stripped.count("(") > stripped.count(")")
        or stripped.count("[") > stripped.count("]")
        or stripped.count('"') % 2
        or stripped.count("«") != stripped.count("»")
    ):
        reasons.append("unbalanced")
    if len(words(stripped)) < 3 or _letter_share(stripped) < 0.5:
        reasons.append("debris")
    return reasons


def has_markup(text: str) -> bool:
    """Whether text carries markup or a list glyph that should have been removed (``**``, ``#``, ``•``…)."""
    return any(mark in text for mark in _MARKUP) or text.lstrip().startswith(("•", "▪", "◦", "* ", "- "))


def content_stems(text: str) -> set[str]:
    """The first five letters of each lower-cased word that is not a stop word or a lone letter.

    >>> sorted(content_stems("The Accessibility Risk Matrix: The Factors"))
    ['acces', 'facto', 'matri', 'risk']
    """
    return {w.lower()[:STEM] for w in words(text) if w.lower() not in STOPWORDS and len(w) > 1}


def overlaps(a: str, b: str, threshold: float = 0.5) -> bool:
    """Whether at least ``threshold`` of ``a``'s content stems are among ``b``'s (False when ``a`` has none)."""
    stems_a, stems_b = content_stems(a), content_stems(b)
    return bool(stems_a) and len(stems_a & stems_b) / len(stems_a) >= threshold


def title_overlap(ours: Sequence[str], theirs: Sequence[str]) -> tuple[float | None, float | None]:
    """(share of our titles that overlap some author title, share of author titles some title of ours covers).

    "Overlap" is ``overlaps``: half the content stems of the title in question are in the other.
    Titles are compared without "(k/n)" suffixes and once each.

    >>> title_overlap(["Risk matrix factors", "Budget"], ["The Accessibility Risk Matrix: The Factors"])
    (0.5, 1.0)
    """
    mine = list(dict.fromkeys(base_title(t) for t in ours if content_stems(t)))
    author = list(dict.fromkeys(t for t in theirs if content_stems(t)))
    if not mine or not author:
        return None, None
    precision = sum(any(overlaps(t, a) for a in author) for t in mine) / len(mine)
    coverage = sum(any(overlaps(a, t) for t in mine) for a in author) / len(author)
    return precision, coverage


def fold_for_search(text: str) -> str:
    """Text as the reading-order check compares it: NFKC, lower case, plain quotes, one space.

    >>> fold_for_search("doesn’t  deliver\\nmail")
    "doesn't deliver mail"
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("\u00ad", "")
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return re.sub(r"\s+", " ", text).strip()


def in_order(text: str, before: str, after: str, within: int = 300) -> bool:
    """Whether ``after`` starts within ``within`` characters of the end of some occurrence of ``before``.

    All three are folded with ``fold_for_search`` first.

    >>> in_order("left column ends here and right column starts", "ends here", "right column")
    True
    >>> in_order("right column starts ... left column ends here", "ends here", "right column")
    False
    """
    haystack, first, second = fold_for_search(text), fold_for_search(before), fold_for_search(after)
    start = haystack.find(first)
    while start != -1:
        end = start + len(first)
        found = haystack.find(second, end)
        if found != -1 and found - end <= within:
            return True
        start = haystack.find(first, start + 1)
    return False
