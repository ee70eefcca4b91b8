"""The openness profile: who sees solutions, their license, the sponsor's IP, score transparency."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class SolutionVisibility(enum.StrEnum):
    PUBLIC_ON_SUBMIT = "public_on_submit"
    PUBLIC_AFTER_CLOSE = "public_after_close"
    SPONSOR_ONLY = "sponsor_only"


class SubmissionLicense(enum.StrEnum):
    CC_BY_4 = "CC-BY-4.0"
    CC0 = "CC0-1.0"
    MIT = "MIT"
    APACHE_2 = "Apache-2.0"
    SPONSOR = "sponsor-license"
    ALL_RIGHTS_RESERVED = "all-rights-reserved"


class IpOnAward(enum.StrEnum):
    SOLVER_RETAINS = "solver_retains"
    NONEXCLUSIVE_LICENSE = "nonexclusive_license"
    EXCLUSIVE_LICENSE = "exclusive_license"
    ASSIGNMENT = "assignment"


class JudgingTransparency(enum.StrEnum):
    SCORES_PUBLIC = "scores_public"
    SCORES_TO_SOLVER = "scores_to_solver"
    PRIVATE = "private"


# (short label, one plain sentence) for every choice; forms and the challenge page show both.
# Lazy: each is translated when shown, in the reader's language.
EXPLANATIONS: dict[enum.StrEnum, tuple[str, str]] = {
    SolutionVisibility.PUBLIC_ON_SUBMIT: (
        _l("Open"),
        _l("Anyone can read each solution as soon as it is submitted."),
    ),
    SolutionVisibility.PUBLIC_AFTER_CLOSE: (
        _l("Open after results"),
        _l(
            "Solutions stay private to the sponsor and judges until results are published, then "
            "everyone can read them."
        ),
    ),
    SolutionVisibility.SPONSOR_ONLY: (
        _l("Private"),
        _l(
            "Only the sponsor and the judges ever see solutions; the public sees winners' names "
            "only."
        ),
    ),
    SubmissionLicense.CC_BY_4: (
        "CC BY 4.0",
        _l("Anyone may reuse a solution if they credit its authors."),
    ),
    SubmissionLicense.CC0: ("CC0", _l("Solutions are dedicated to the public domain.")),
    SubmissionLicense.MIT: ("MIT", _l("Code in solutions may be reused under the MIT license.")),
    SubmissionLicense.APACHE_2: (
        "Apache 2.0",
        _l("Code in solutions may be reused under the Apache 2.0 license, with its patent grant."),
    ),
    SubmissionLicense.SPONSOR: (
        _l("Sponsor license"),
        _l("Solutions are licensed to the sponsor on the terms written in the rules."),
    ),
    SubmissionLicense.ALL_RIGHTS_RESERVED: (
        _l("All rights reserved"),
        _l("Solvers keep every right; others may only read what they are shown."),
    ),
    IpOnAward.SOLVER_RETAINS: (
        _l("Solver keeps IP"),
        _l("Winners keep full ownership of their work; the prize buys no rights."),
    ),
    IpOnAward.NONEXCLUSIVE_LICENSE: (
        _l("Non-exclusive license"),
        _l("Winners keep ownership and grant the sponsor a non-exclusive license to use the work."),
    ),
    IpOnAward.EXCLUSIVE_LICENSE: (
        _l("Exclusive license"),
        _l("Winners keep ownership but license the work exclusively to the sponsor."),
    ),
    IpOnAward.ASSIGNMENT: (
        _l("IP assigned"),
        _l("Winners transfer ownership of the winning work to the sponsor when paid."),
    ),
    JudgingTransparency.SCORES_PUBLIC: (
        _l("Scores public"),
        _l("Everyone can see the finalists' scores and how they were computed."),
    ),
    JudgingTransparency.SCORES_TO_SOLVER: (
        _l("Scores to each solver"),
        _l("Each solver sees their own scores and feedback; the public sees only the winners."),
    ),
    JudgingTransparency.PRIVATE: (
        _l("Scores private"),
        _l("Scores stay with the sponsor and judges; the public sees only the winners."),
    ),
}

DIMENSIONS: list[tuple[str, str, type[enum.StrEnum]]] = [
    ("solution_visibility", _l("Who sees solutions"), SolutionVisibility),
    ("submission_license", _l("License of solutions"), SubmissionLicense),
    ("ip_on_award", _l("What the sponsor gets on award"), IpOnAward),
    ("judging_transparency", _l("Judging transparency"), JudgingTransparency),
]


def label(choice: enum.StrEnum) -> str:
    """The choice's short label, in the current language."""
    return str(EXPLANATIONS[choice][0])


def explain(choice: enum.StrEnum) -> str:
    """The choice's one-sentence explanation, in the current language."""
    return str(EXPLANATIONS[choice][1])


def badge_text(visibility: str, license_: str) -> str:
    """One short badge for cards: ``Open · CC BY 4.0``."""
    return f"{label(SolutionVisibility(visibility))} · {label(SubmissionLicense(license_))}"
