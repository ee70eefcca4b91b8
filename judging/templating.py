"""Jinja globals from the judging domain that read nothing: stored judging words in the
reader's language, the reliability panel's words and its bias chart, drawn from the data the
dashboard's view passes."""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext

from judging.panel.reliability_panel import agreement_words, bias_chart

# Each stored word translated when asked for: one lookup per word shown (a template dict of
# them all translated every word each time: 23 lookups for each state in a judge's list).
_TERMS: dict[str, Callable[[], str]] = {
    "draft": lambda: _("draft"),
    "upcoming": lambda: _("upcoming"),
    "open": lambda: _("open"),
    "judging": lambda: _("judging"),
    "awarded": lambda: _("awarded"),
    "cancelled": lambda: _("cancelled"),
    "invited": lambda: _("invited"),
    "accepted": lambda: pgettext("judge status", "accepted"),
    "declined": lambda: pgettext("judge status", "declined"),
    "removed": lambda: _("removed"),
    "screening": lambda: _("screening"),
    "evaluation": lambda: _("evaluation"),
    "finalist": lambda: _("finalist"),
    "pass": lambda: _("pass"),
    "fail": lambda: _("fail"),
    "assigned": lambda: _("assigned"),
    "in_progress": lambda: _("in progress"),
    "submitted": lambda: _("submitted"),
    "void": lambda: _("void"),
    "pending": lambda: _("pending"),
    "in": lambda: _("in"),
    "out": lambda: _("out"),
    "needs_second_screener": lambda: _("needs second screener"),
}
_ROUND_PHRASES: dict[str, Callable[[], str]] = {
    "screening": lambda: _("screening round"),
    "evaluation": lambda: _("evaluation round"),
    "finalist": lambda: _("finalist round"),
}


def judging_term(value: Any) -> str:
    """A stored judging value (a phase, a judge's status, a round, a verdict, an assignment's
    or a screening's state) in the reader's language; an unknown value is shown as stored."""
    text = str(value)
    word = _TERMS.get(text.replace(" ", "_"))
    return word() if word else text.replace("_", " ")


def round_phrase(value: Any) -> str:
    """ "screening round", "evaluation round", "finalist round" in the reader's language."""
    phrase = _ROUND_PHRASES.get(str(value))
    return phrase() if phrase else str(value)


TEMPLATE_HELPERS: dict[str, Any] = {
    "agreement_words": agreement_words,
    "bias_chart": bias_chart,
    "judging_term": judging_term,
    "judging_round_phrase": round_phrase,
}
