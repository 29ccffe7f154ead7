"""What text may stand on a slide: policies for titles and bullets that hold for every writer.

A source is more than its argument: tables of contents, reference lists, page
furniture, code and sentence fragments left by a PDF's line breaks are all
text, and none of it is something a presenter would show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from presentai.domain.slides import Bullet, SlideContent

_BACK_MATTER = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:"
    r"(?:table of )?contents|list of (?:figures|tables|abbreviations|symbols)|abbreviations|glossary|"
    r"bibliography|references|works cited|literature|sources|index|acknowledge?ments?|about the authors?|"
    r"authors?|author biograph(?:y|ies)|biograph(?:y|ies)|appendix(?:\s+\S+)?|colophon|"
    r"оглавление|содержание|список (?:литературы|источников|использованных источников|сокращений|"
    r"иллюстраций|таблиц|рисунков)|литература|библиография|приложени[ея](?:\s+\S+)?|благодарности|об авторах?|"
    r"(?:.{0,60}\s)?(?:worksheets?|work sheets?)(?:\s*[—–-]\s*.{0,40})?|рабочий лист|бланк(?:\s.{0,40})?"
    r")\s*:?$",
    re.I,
)
_GENERIC = re.compile(
    r"^(?:(?:slide|page|section|part|chapter|слайд|страница|раздел|часть|глава)\s*\d+|"
    r"\d+\s*(?:slide|слайд)|untitled|без названия|title|заголовок)\.?$",
    re.I,
)
_IDENTIFIER = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{16,}\b|VerDate|\bJkt\b|\bSfmt\b|"
    r"\bFrm \d|[A-Z]:\\",
    re.I,
)
_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}|_{4,}")
_TRAILING_PAGE = re.compile(r"\s\d{1,4}$")
# "11 3.2 Spock testing basics", "9 2.2 Классификация": a page number glued to a numbered heading
_TOC_ENTRY = re.compile(r"^\d{1,4}\s+\d+(?:\.\d+)+\.?\s|\s\d+(?:\.\d+)+\s.*\s\d+(?:\.\d+)+\s")
_URL = re.compile(r"https?://|www\.|\]\(|\[[^\]]*\]\(")
_MARKUP = re.compile(r"\*\*|__|`|^#{1,6}\s|</?[a-z][a-z0-9]*[\s>/]|\{\{|\}\}", re.I)
_NUMBERED_CODE = re.compile(r"^\d{1,4}\s+(?:\*|#|//)\s")  # "37 * Users will see …": a listing's line
_CODE = re.compile(r"[{}<>=;]|=>|\(\)|//|/\*|\*/|\b(?:const|let|var|function|return|import|def|class)\b\s*[\w({]")
# Words that make a sentence lean on the one before it, or a clause torn from its sentence.
_DANGLING_START = re.compile(
    r"^(?:but|and|or|nor|yet|which|whom|whose|than|whereas|of|also|this is why|that is why|in this case|"
    r"но|и|а|или|либо|что|который|которая|которое|которые|которого|которой|которым|потому|поэтому|также|"
    r"для этого|в этом случае|в данном (?:примере|случае))\b",
    re.I,
)
_DANGLING_REFERENCE = re.compile(
    r"\b(?:(?:the )?(?:table|figure|chart|list|example|code|listing|matrix|diagram|image|graph|picture|"
    r"screenshot|illustration)s? (?:below|above)|as (?:discussed|shown|"
    r"mentioned|described|noted) (?:above|below|earlier|previously)|see (?:figure|table|section|chapter|"
    r"appendix|page)|(?:таблиц[аеыу]|рисун(?:ок|ке|ка)|схем[аеу]|код[аеу]?|пример[аеу]?) (?:ниже|выше|сверху)|"
    r"(?:ниже|выше|сверху) (?:в )?(?:редакторе|примере|таблице|коде)|(?:см\.|смотри) (?:рис|табл|раздел|главу)|"
    r"как (?:показано|сказано|отмечено|описано) (?:выше|ниже|ранее))\b",
    re.I,
)
_FOOTNOTE = re.compile(r"^[\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}(?=[^\W\d_]{2})")
_CAPTION = re.compile(
    r"^(?:figure|fig\.|table|listing|chart|exhibit|рис\.|рисунок|таблица|табл\.|листинг|схема)\s*[\dIVX]+[.:]?",
    re.I,
)
# "a) ", "3. ", "(6) ", "(iv) ": the number of a list item
ENUMERATOR = re.compile(r"^(?:(?:\d{1,2}|[a-zа-я])[.)]|\((?:\d{1,2}|[a-zа-я]|[ivx]{1,4})\))\s+(?=\w)", re.I)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def normalized(text: str) -> str:
    """Text compared for repetition: lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def letter_share(text: str) -> float:
    """The share of a text's non-space characters that are letters."""
    visible = [c for c in text if not c.isspace()]
    return sum(1 for c in visible if _LETTER.match(c)) / len(visible) if visible else 0.0


def is_back_matter(heading: str) -> bool:
    """Whether a section with this heading is apparatus, not argument (contents, references, index …)."""
    return bool(_BACK_MATTER.match(" ".join(heading.split())))


def is_informative_heading(heading: str, *, max_words: int = 10) -> bool:
    """Whether a heading can be a slide's title as it is (after its numbering is cleaned off).

    ``max_words`` is longer for a deck's title: a document's own title may run long.
    """
    text = " ".join(heading.split())
    if not text or len(text.split()) > max_words or len(text) > 9 * max_words:
        return False
    if _GENERIC.match(text) or _IDENTIFIER.search(text) or _LEADERS.search(text) or _URL.search(text):
        return False
    if _TOC_ENTRY.search(text):
        return False
    if _MARKUP.search(text) or _CODE.search(text) or letter_share(text) < 0.6:
        return False
    if _TRAILING_PAGE.search(text) and not re.search(r"\b(?:19|20)\d\d$", text):
        return False  # "2.2 Cloud services 9": a line of a table of contents
    first = text[0]
    return not (first.isalpha() and first.islower())


def leans_on_context(text: str) -> bool:
    """Whether a sentence opens with a word that leans on the one before it ("But", "Which", "Для этого")."""
    return bool(_DANGLING_START.match(" ".join(text.split())))


def points_elsewhere(text: str) -> bool:
    """Whether a sentence points at something a slide would not show ("the table below", "см. рис")."""
    return bool(_DANGLING_REFERENCE.search(" ".join(text.split())))


def is_statement(sentence: str) -> bool:
    """Whether a source sentence can be a bullet: complete, self-contained prose.

    Not a fragment (it starts with a capital or a figure, not with a word that
    leans on what came before), not code, markup, a link, a line of a table of
    contents or page furniture, and it does not point at a table or figure the
    slide does not show.
    """
    text = " ".join(sentence.split())
    if len(text) < 12 or letter_share(text) < 0.7 or _CAPTION.match(text):
        return False
    if _FOOTNOTE.match(text):
        return False  # "10Если для…", "2⁶Программа…": a footnote's body, its number glued on
    text = ENUMERATOR.sub("", text)  # "3. as a middle ground, …" is judged by what follows its number
    first = text[0]
    if first.isalpha() and first.islower():
        return False
    if not (first.isalnum() or first in "«\"“‘'("):
        return False
    if _DANGLING_START.match(text) or _DANGLING_REFERENCE.search(text):
        return False
    if _URL.search(text) or _MARKUP.search(text) or _LEADERS.search(text) or _IDENTIFIER.search(text):
        return False
    if _TOC_ENTRY.search(text):
        return False
    if len(_CODE.findall(text)) >= 2 or _NUMBERED_CODE.match(text):
        return False
    return text.count("(") == text.count(")")


def said_keys(bullets: Iterable[Bullet]) -> set[str]:
    """What the bullets say, as compared across a deck: each one's text and its quotes, normalised."""
    keys = set()
    for bullet in bullets:
        keys.add(normalized(bullet.text))
        keys.update(normalized(a.quote) for a in bullet.attributions)
    return keys - {""}


def without_repeats(content: SlideContent, said: Iterable[str]) -> SlideContent:
    """``content`` without the bullets that repeat one another or anything in ``said`` (normalised keys).

    A deck states each thing once: this is the invariant every writer's slide passes through.
    """
    seen = set(said)
    kept = []
    for bullet in content.bullets:
        keys = said_keys([bullet])
        if keys & seen:
            continue
        seen |= keys
        kept.append(bullet)
    return content if len(kept) == len(content.bullets) else attrs.evolve(content, bullets=tuple(kept))


# Words that do not name what a passage is about: a title made of them says nothing.
FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each else even ever every few for from further
    had has have having he her here hers herself him himself his how however i if in into is it its itself just
    let like made make many may me might more most much must my myself need never no nor not now of off often on
    once one only or other others our ours ourselves out over own per please rather same see shall she should
    since so some such than that the their theirs them themselves then there these they this those though
    through thus to too under until up upon us use used uses using very via was we well were what when where
    whether which while who whom whose why will with within without would yet you your yours yourself
    yourselves example e g i.e etc new first second also can't don't it's
    а без более бы был была были было быть в вам вас весь во вот все всё всех вы где да даже для до его её ее
    если есть ещё еще же за здесь и из или им их к как какой когда кто ли либо лишь между меня мне много может
    можно мой мы на над надо наш не него нее неё нет ни них но ну о об однако он она они оно от очень по под
    при про раз с сам свой себя себе со так также такой там те тем то того тоже той только том ты у уже хотя
    чего чей чем что чтобы чём эта эти это этого этой этом этот эту я вы вас ваш ваша ваше ваши вам вами
    нужно нужен будет будут может могут""".split()
)


# An opening or closing heading: the word itself ("Introduction"), or the word and what it is of
# ("Introduction to the dataset", "Conclusions and future work"); "Summary" and "Results" only alone.
_OPENING = re.compile(
    r"^(?:(?:abstract|executive summary|overview|introduction|purpose|objectives?|aims?|motivation|background|"
    r"аннотация|реферат|резюме|введение|обзор|цел[ьи]|актуальность|назначение)(?:\b.*)?|summary|"
    r"about this (?:document|guide|report)|key (?:findings|points|messages)|at a glance|общие сведения)$",
    re.I,
)
_CLOSING = re.compile(
    r"^(?:(?:conclusions?|concluding|next steps|outlook|future work|recommendations?|(?:key )?takeaways|"
    r"lessons learned|заключение|выводы|итоги|дальнейшие шаги|рекомендации|перспективы)(?:\b.*)?|"
    r"summary and (?:conclusions?|outlook|next steps)|results|findings|what'?s next|where to go from here|"
    r"результаты(?: работы)?|что дальше)$",
    re.I,
)


def _bare(heading: str) -> str:
    return re.sub(
        r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|глава \d+\.?|chapter \d+\.?)\s*", "", " ".join(heading.split()), flags=re.I
    ).strip(" .:")


def is_opening(heading: str) -> bool:
    """Whether a section opens the argument: an abstract, a summary, an introduction, a purpose."""
    return bool(_OPENING.match(_bare(heading)))


def is_closing(heading: str) -> bool:
    """Whether a section closes the argument: conclusions, results, recommendations, next steps."""
    return bool(_CLOSING.match(_bare(heading)))
