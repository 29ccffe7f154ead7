"""What the designed and the template renderers say under a table or a chart, and which cells are numbers."""

from __future__ import annotations

import re

NUMERIC = re.compile(r"^[-+−]?[$€£₽]?\s?\d[\d\s\u00a0.,]*\s?(?:%|[^\W\d]{0,5}\.?)?$")  # "12 %", "€4.1", "274,0"
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
