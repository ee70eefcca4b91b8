"""Every template marks its text for translation, and every catalog is complete and current.

Fails when a template shows English that no translator can reach (tests/i18n_lint.py), when
the code asks for a message a catalog lacks or a catalog keeps one the code no longer asks for
(run ``make translations``, then translate what it added), when a translation is empty, fuzzy
or drops a placeholder, or when a compiled ``.mo`` is older than its ``.po``.
"""

from __future__ import annotations

import ast
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core.i18n import DEFAULT_LOCALE, LOCALES
from tests.i18n_lint import (
    ROOT,
    extracted_catalog,
    python_sources,
    template_names,
    unmarked_text,
)

pytestmark = pytest.mark.database_independent

TRANSLATED = sorted(code for code in LOCALES if code != DEFAULT_LOCALE)
CATALOGS = ROOT / "core" / "translations"


@pytest.mark.parametrize("name", template_names())
def test_template_marks_its_text(name: str) -> None:
    found = unmarked_text(name)
    assert not found, "\n".join(f"templates/{name}:{line}: {text}" for line, text in found)


GETTEXT_NAMES = {"_", "_l", "gettext", "ngettext", "pgettext", "lazy_gettext", "lazy_ngettext"}


def test_no_gettext_inside_f_strings() -> None:
    """Babel reads an f-string as one token on Python 3.11: a ``_()`` inside it is never
    extracted, so its text stays English in every language."""
    hidden = []
    for path in python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                hidden += [
                    f"{path.relative_to(ROOT)}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in GETTEXT_NAMES
                ]
    assert not hidden, f"gettext inside an f-string (hoist it into a variable): {hidden}"


@cache
def _extracted() -> Catalog:
    return extracted_catalog()


def _po(code: str) -> Catalog:
    with open(CATALOGS / code / "LC_MESSAGES" / "messages.po", "rb") as source:
        return read_po(source, locale=code)


def _ids(catalog: Catalog) -> set[object]:
    return {(message.id, message.context) for message in catalog if message.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_holds_what_the_code_asks_for(code: str) -> None:
    wanted, held = _ids(_extracted()), _ids(_po(code))
    missing = sorted(str(i) for i in wanted - held)
    stale = sorted(str(i) for i in held - wanted)
    assert not missing, f"{len(missing)} messages missing (make translations): {missing[:20]}"
    assert not stale, f"{len(stale)} messages no longer used (make translations): {stale[:20]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str) -> None:
    catalog = _po(code)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated, f"{len(untranslated)} untranslated or fuzzy: {untranslated[:20]}"
    errors = [(message.id, error) for message, errs in catalog.check() for error in errs]
    assert not errors, f"placeholders differ from the English: {errors[:20]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_are_not_english_copies(code: str) -> None:
    """A catalog filled by copying each English message would pass the checks above."""
    messages = [m for m in _po(code) if m.id and not isinstance(m.id, tuple)]
    copies = [m.id for m in messages if m.string == m.id]
    assert len(copies) <= len(messages) // 20, f"{len(copies)} copied from English: {copies[:30]}"


def _key(message_id: object, context: str | None) -> tuple[object, str | None]:
    return (tuple(message_id) if isinstance(message_id, list | tuple) else message_id), context


def _text(string: object) -> object:
    return tuple(string) if isinstance(string, list | tuple) else string


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalog_matches_its_source(code: str) -> None:
    with open(CATALOGS / code / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
        mo = {_key(m.id, m.context): _text(m.string) for m in read_mo(compiled) if m.id}
    po = {
        _key(m.id, m.context): _text(m.string)
        for m in _po(code)
        if m.id and not m.fuzzy and all(_text(m.string) if m.pluralizable else [m.string])
    }
    assert mo == po, "the .mo is stale: run make translations"
