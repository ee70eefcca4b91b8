"""Text a template shows without marking it for translation, and the catalog the code asks for.

``unmarked_text(name)`` lists (line, text) a reader would see in English whatever their
language: words between tags, words in attributes people read (``alt``, ``title``,
``aria-label``, ``placeholder``, ``data-confirm``, a button's ``value``) and capitalised string
literals in ``{{ }}``/``{% %}`` (``{{ 'Open' if x }}``, ``field(f, placeholder="Search")``)
that are not inside ``_()``/``gettext()``/``ngettext()`` or a ``{% trans %}`` block.

Run it on a folder while marking: ``.venv/bin/python -m tests.i18n_lint templates/challenges``.
"""

from __future__ import annotations

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
BABEL_CFG = ROOT / "core" / "translations" / "babel.cfg"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# Words that read the same in every language the site speaks: names and file formats.
SAME_IN_EVERY_LANGUAGE = {
    "OpenPrize",
    "CSV",
    "JSON",
    "API",
    "ZIP",
    "SVG",
    "PDF",
    "Atom",
    "OpenAPI",
    "Stripe",
    "Markdown",
    "GitHub",
    "ORCID",
    "URL",
    "UTC",
    "OK",
}
READ_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "label",
    "data-confirm",
}
GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
SKIP_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}
HOLE = "\ue000"  # stands for a {{ }} expression: no letters
_WORD = re.compile(r"[^\W\d_]{2,}")
_PROSE_LITERAL = re.compile(r"(?:^|\s)[A-Z][a-z]|[a-z][.!?:]$|[a-z] [a-z]+ [a-z]")
_ENV = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.replace(HOLE, " ")) if w not in SAME_IN_EVERY_LANGUAGE]


_IDENTIFIER = re.compile(r"[A-Za-z]+[A-Z][A-Za-z]*")  # BooleanField, camelCase: code, not prose


def _prose(literal: str) -> bool:
    value = literal[1:-1]
    if "_" in value or _IDENTIFIER.fullmatch(value):
        return False
    return bool(words(value)) and bool(_PROSE_LITERAL.search(value))


def _skeleton(source: str, name: str) -> tuple[str, list[tuple[int, str]]]:
    """The template's HTML with every ``{{ }}`` a hole and every tag and ``{% trans %}`` block
    gone (newlines kept, so lines match), plus the prose string literals outside gettext."""
    out: list[str] = []
    literals: list[tuple[int, str]] = []
    line = 1
    in_trans = 0
    call_stack: list[bool] = []  # per open paren: is it a gettext call?
    previous_name = ""
    block_first = False
    for lineno, kind, value in _ENV.lex(source, name):
        if lineno > line:
            out.append("\n" * (lineno - line))
            line = lineno
        if kind == "data":
            if not in_trans:
                out.append(value)
            line += value.count("\n")
            continue
        if kind == "whitespace":
            continue
        if kind == "block_begin":
            block_first = True
            continue
        if kind == "name" and block_first:
            block_first = False
            if value == "trans":
                in_trans += 1
            elif value == "endtrans":
                in_trans -= 1
            continue
        block_first = False
        if kind == "variable_begin" and not in_trans:
            out.append(HOLE)
        elif kind == "operator" and value == "(":
            call_stack.append(previous_name in GETTEXT_CALLS or any(call_stack))
        elif kind == "operator" and value == ")" and call_stack:
            call_stack.pop()
        elif kind == "string" and not (in_trans or any(call_stack) or not _prose(value)):
            literals.append((lineno, value))
        previous_name = value if kind == "name" else ""
    return "".join(out), literals


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_ELEMENTS:
            self.skipping.append(tag)
        values = dict(attrs)
        checked = set(READ_ATTRIBUTES)
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            checked.add("value")
        if tag == "meta" and values.get("name") == "description":
            checked.add("content")
        for attribute, value in attrs:
            if attribute in checked and value and words(value):
                self.found.append((self.getpos()[0], f'{attribute}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and words(data):
            text = " ".join(data.replace(HOLE, "{{ }}").split())
            self.found.append((self.getpos()[0], text))


def unmarked_text(name: str) -> list[tuple[int, str]]:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    skeleton, literals = _skeleton(source, name)
    finder = _TextFinder()
    finder.feed(skeleton)
    finder.close()
    return sorted(finder.found + literals)


def template_names(under: Path = TEMPLATES) -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in under.rglob("*.html"))


def python_sources() -> list[Path]:
    """The Python files babel.cfg extracts from."""
    with open(BABEL_CFG, encoding="utf-8") as config:
        method_map, _ = parse_mapping_cfg(config)
    ignored = [pattern for pattern, method in method_map if method == "ignore"]
    patterns = [pattern for pattern, method in method_map if method == "python"]
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts
        and any(pathmatch(p, str(path.relative_to(ROOT))) for p in patterns)
        and not any(pathmatch(p, str(path.relative_to(ROOT))) for p in ignored)
    )


def _searched(path: str) -> bool:
    """Babel skips folders named ``_*`` by default; templates/_macros holds text too."""
    return not os.path.basename(path).startswith((".", "__"))


def extracted_catalog() -> Catalog:
    """What ``make translations`` would extract from the code today."""
    with open(BABEL_CFG, encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        strip_comment_tags=True,
        directory_filter=_searched,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def main(paths: list[str]) -> int:
    names = []
    for path in paths or [str(TEMPLATES)]:
        target = Path(path).resolve()
        names += template_names(target) if target.is_dir() else [str(target.relative_to(TEMPLATES))]
    count = 0
    for name in names:
        for line, text in unmarked_text(name):
            print(f"templates/{name}:{line}: {text}")
            count += 1
    print(f"{count} unmarked in {len(names)} templates", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
