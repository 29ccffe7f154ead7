"""Every text the pages show is in the catalogues, translated into Russian, once per language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from presentai.entrypoints.http.pages import i18n

HTTP = Path(i18n.__file__).resolve().parents[1]
_METHODS = [("pages/**.py", "python"), ("templates/**.html", "jinja2")]
_OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _used() -> set[str]:
    found = extract_from_dir(str(HTTP), _METHODS, _OPTIONS, keywords={"_": None, "gettext": None, "ngettext": (1, 2)})
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _comments, _ctx in found}


def _catalogued(language: str) -> dict[str, str]:
    """Each message by its id (a plural one by its singular), with its translation ("" if any form is missing)."""
    merged: dict[str, str] = {}
    for path in sorted((i18n.LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue  # the header
                if isinstance(message.id, str):
                    merged[message.id] = message.string
                else:  # plural forms: every one of them translated
                    forms = tuple(message.string)
                    merged[message.id[0]] = forms[0] if forms and all(forms) else ""
    return merged


def test_every_text_the_pages_show_has_a_russian_translation() -> None:
    russian = _catalogued("ru")
    used = _used()
    assert used, "no messages found: the extractor missed the templates"
    assert sorted(m for m in used if not russian.get(m)) == []


def test_the_english_and_russian_catalogues_hold_the_same_messages() -> None:
    assert set(_catalogued("en")) == set(_catalogued("ru"))


def test_catalogues_of_one_language_are_merged() -> None:
    russian = i18n.translations("ru")
    assert russian.gettext("Sign in") == "Войти"  # auth / base
    assert russian.gettext("Recent projects") == "Недавние проекты"  # dashboard.po
    assert russian.gettext("Create project") == "Создать проект"  # projects.po
