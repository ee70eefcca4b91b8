"""Judging: one blueprint over its parts, each with its models, services, forms and routes.

``algorithms/`` holds the pure functions (scoring, calibration, ranking, matching judges to
entries, blind labels, reliability, vote tallies); ``panel/`` the rubric, judges, conflicts,
assignment and reviews; ``rounds/`` screening and advancing; ``voting/`` community votes and
their quarantine; ``results/`` computation, snapshots, the sponsor's decision and publication.
The tables every part reads (settings, criteria, judges, assignments, reviews, round entries)
and the permission rules sit at the top, with ``access`` (what judging adds to the
submissions visibility policy). docs/judging.md is the specification.
"""

from flask import Blueprint

bp = Blueprint("judging", __name__)

from judging.adoption import routes as adoption_routes  # noqa: E402, F401
from judging.diversity import routes as diversity_routes  # noqa: E402, F401
from judging.panel import judge_routes, routes  # noqa: E402, F401
from judging.results import public_routes  # noqa: E402, F401
from judging.results import routes as results_routes  # noqa: E402, F401
from judging.rounds import routes as rounds_routes  # noqa: E402, F401
from judging.voting import routes as voting_routes  # noqa: E402, F401
