"""What the designed and the template renderers say under a table or a chart and in a footer's date, and which
cells are numbers."""

from __future__ import annotations

import re
from datetime import date

NUMERIC = re.compile(r"^[-+−]?[$€£₽]?\s?\d[\d\s\u00a0.,]*\s?(?:%|[^\W\d]{0,5}\.?)?$")  # "12 %", "€4.1", "274,0"
_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
}
_LABELS = {
    "en": {
        "source": "Source",
        "rows": "{count} more rows in the source",
        "columns": "first {shown} of {total} columns",
    },
    "ru": {
        "source": "Источник",
        "rows": "ещё строк в источнике: {count}",
        "columns": "первые {shown} из {total} столбцов",
    },
}


def caption_label(language: str, key: str) -> str:
    """A caption's word (``source``, ``rows``, ``columns``) in ``language``, English when unknown."""
    return _LABELS.get(language, _LABELS["en"])[key]


def deck_date(day: date, language: str) -> str:
    """The date a deck's footer shows: "2 December 2026", "2 декабря 2026"."""
    months = _MONTHS.get(language, _MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def flush_right(text: str, numeric_column: bool, *, header: bool) -> bool:
    """Whether a table cell is set flush right: a number of a numeric column, or a header that is a number
    itself ("2025"); a header in words ("URL", "Change") stays flush left over any column."""
    return numeric_column and (not header or bool(NUMERIC.match(text.strip())))
