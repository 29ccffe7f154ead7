"""Key figures: the number a sentence turns on ("42 %", "€4.1 bn", "300 МВт·ч"), to show it large."""

from __future__ import annotations

import re

_CURRENCY = r"(?:[$€£₽¥]|(?:USD|EUR|GBP|RUB)\s)"
_NUMBER = r"[-+−]?\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?:[.,]\d+)?|[-+−]?\d+(?:[.,]\d+)?"
_UNIT = (  # longer units first: the alternation takes the first that matches
    r"%|‰|п\.\s?п\.|×"
    r"|(?:[Mm]ega|[Gg]iga|[Kk]ilo)watt[-\w]*|(?:мега|гига|кило)?ватт[-\w]*|[кМГ]Вт(?:·?ч)?|[kMGT]Wh?\b"
    r"|(?:[Mm]illion|[Bb]illion|[Tt]rillion|[Tt]housand|bn|млн|млрд|трлн|тыс)\.?"
    r"(?:\s?(?:[$€£₽]|руб\.|рубл\w*|руб\b|евро\b|euros?\b|dollars?\b))?"
    r"|(?:euros?|dollars?|pounds?|евро|долл\.|доллар\w*|рубл\w*)\b"
    r"|[mk]\b|pp\b|x\b|km\b|км\b|kg\b|кг\b|tonnes?\b|тонн\w*|t\b|т\b|руб\.|руб\b|[$€£₽]"
)
_FIGURE = re.compile(rf"(?P<currency>{_CURRENCY}\s?)?(?P<number>{_NUMBER})(?P<unit>\s?(?:{_UNIT}))?")
_YEAR = re.compile(r"(?:19|20)\d\d")


def key_figure(text: str) -> str | None:
    """The figure ``text`` turns on, as written, or ``None`` when it has no number.

    A number with a unit, a currency or a percent sign wins over a bare one, and a
    bare one over a year, so "In 2025 sales rose 12 %" gives "12 %".
    """
    candidates = [m for m in _FIGURE.finditer(text) if not _inside_word(text, m.start("number"), m.end())]
    if not candidates:
        return None

    def rank(match: re.Match[str]) -> int:
        if match.group("unit") or match.group("currency"):
            return 0
        return 2 if _YEAR.fullmatch(match.group("number")) else 1

    best = min(candidates, key=rank)  # min keeps the first of equal rank
    return best.group().strip()


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether the digits are part of a word ("A320", "COVID-19"), not a figure."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before.isalpha() or (before == "-" and start >= 2 and text[start - 2].isalpha()) or after.isalpha()


def figure_caption(text: str) -> str:
    """What is said of the figure: ``text`` without the figure it opens with ("842 MW installed" → "installed")."""
    figure = key_figure(text)
    if figure and text.startswith(figure) and text[len(figure) :].strip():
        return text[len(figure) :].strip(" ,:—–-")
    return text
