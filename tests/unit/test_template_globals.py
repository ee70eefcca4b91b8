"""Templates only format: they get their data from the view, and a renamed partial fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from jinja2 import meta

from accounts.policies import TEMPLATE_POLICIES as ACCOUNT_POLICIES
from challenges.policies import TEMPLATE_POLICIES as CHALLENGE_POLICIES
from judging.policies import TEMPLATE_POLICIES as JUDGING_POLICIES
from payments.policies import TEMPLATE_POLICIES as PAYMENT_POLICIES
from submissions.policies import TEMPLATE_POLICIES as SUBMISSION_POLICIES

POLICIES = {
    **ACCOUNT_POLICIES,
    **CHALLENGE_POLICIES,
    **SUBMISSION_POLICIES,
    **JUDGING_POLICIES,
    **PAYMENT_POLICIES,
}
# Helpers that read nothing: words and drawings from what the view passes, and the clock.
FORMATTING = {
    "label_choice",
    "explain_choice",
    "openness_badge_text",
    "openness_dimensions",
    "agreement_words",
    "bias_chart",
    "judging_term",  # a stored judging word in the reader's language
    "judging_round_phrase",
    "now_utc",
    "is_public_entry",  # the openness policy applied to an entry already loaded
    "canonical_url",  # the page's own address, from the request
    "current_locale",  # the language the page renders in, from the request
    "LOCALES",  # the languages the site speaks: a constant
}
# Flask-Bootstrap's and Flask-WTF's own.
EXTENSIONS = {
    "bootstrap",
    "bootstrap_is_hidden_field",
    "get_table_titles",
    "raise",
    "warn",
    "csrf_token",
    "csrf_meta_tag",
    # Jinja's i18n extension, installed by Flask-Babel.
    "_",
    "gettext",
    "ngettext",
    "pgettext",
    "npgettext",
}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_jinja_globals_are_permission_and_formatting_helpers_only(app: Flask) -> None:
    flask_own = set(Flask("bare").jinja_env.globals)
    allowed = flask_own | EXTENSIONS | set(POLICIES) | FORMATTING
    extra = set(app.jinja_env.globals) - allowed
    assert not extra, f"Globals that may load data; have the view pass it instead: {extra}"
    assert set(POLICIES) | FORMATTING <= set(app.jinja_env.globals)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_permission_helpers_come_from_policy_modules(name: str) -> None:
    module = POLICIES[name].__module__
    assert module.endswith((".policies", ".visibility")), f"{name} is defined in {module}"


def test_no_context_processor_adds_data_to_templates(app: Flask) -> None:
    processors = [f for found in app.template_context_processors.values() for f in found]
    foreign = [f for f in processors if not f.__module__.startswith(("flask", "flask_"))]
    assert not foreign, f"Context processors outside Flask and its extensions: {foreign}"


def test_no_template_hides_a_missing_partial() -> None:
    hiding = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "ignore missing" in path.read_text(encoding="utf-8")
    ]
    assert hiding == []


def test_every_named_include_and_import_exists(app: Flask) -> None:
    env = app.jinja_env
    known = set(env.list_templates())
    missing = []
    for name in sorted(known):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        for used in meta.find_referenced_templates(env.parse(source)):
            if used is not None and used not in known:
                missing.append((name, used))
    assert missing == []
