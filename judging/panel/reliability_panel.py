"""The sponsor's reliability panel: agreement, judge bias, flags (docs/judging.md, "Reliability").

Read from the submitted, scored reviews of standing evaluation-round assignments with plain
column queries (no ORM objects per review), so it stays fast at 10,000 entries × 3 reviews.

A review "misses comments" when its feedback to the solver is empty and more than half of its
criterion comments are empty (a submitted review has one criterion row per scored criterion).
A judge is flagged when more than half of their submitted reviews miss comments.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from core.memo import VersionedMemo
from core.templating import format_fixed
from judging.algorithms.calibration import DEFAULT_LAMBDA, Review, calibrate
from judging.algorithms.reliability import (
    ALPHA_ACCEPTABLE,
    ALPHA_RELIABLE,
    ICC,
    MISSING_COMMENTS,
    NEGATIVE_CORRELATION,
    OUTLIER_BIAS,
    ZERO_VARIANCE,
    Alpha,
    icc_oneway,
    judge_flags,
    krippendorff_alpha,
    round_flags,
)
from judging.models import Assignment, AssignmentState, Judge, ReviewScore, Round
from judging.models import Review as ReviewRow
from judging.results.freshness import inputs_token

# Agreement needs entries scored by two or more judges; below this it is noise, not a number.
MIN_OVERLAP_ENTRIES = 3

FLAG_NAMES = {
    ZERO_VARIANCE: _l("Same score every time"),
    OUTLIER_BIAS: _l("Outlier bias"),
    NEGATIVE_CORRELATION: _l("Disagrees with co-judges"),
    MISSING_COMMENTS: _l("Missing comments"),
}
FLAG_WORDS = {
    ZERO_VARIANCE: _l(
        "gave every entry the same score, so their reviews do not tell entries apart"
    ),
    OUTLIER_BIAS: _l(
        "scores much higher or lower than the rest of the panel "
        "(bias more than twice the spread of the judges' biases)"
    ),
    NEGATIVE_CORRELATION: _l("tends to rate high what co-judges rate low, and the reverse"),
    MISSING_COMMENTS: _l(
        "more than half of their reviews have no feedback to the solver "
        "and no comment on most criteria"
    ),
}


@dataclass(frozen=True)
class JudgeReliability:
    """One judge's line on the panel: progress, mean raw score, estimated bias, flags."""

    judge_id: int
    label: str
    assigned: int
    done: int
    mean_raw: float | None
    bias: float | None
    flags: tuple[str, ...] = ()

    @property
    def flag_names(self) -> list[str]:
        return [str(FLAG_NAMES[flag]) for flag in self.flags]

    @property
    def flag_words(self) -> list[str]:
        return [str(FLAG_WORDS[flag]) for flag in self.flags]


@dataclass(frozen=True)
class ReliabilityPanel:
    """Agreement of the evaluation round and each judge's line (bias only with enough data)."""

    judges: list[JudgeReliability] = field(default_factory=list)
    reviews: int = 0
    entries: int = 0
    overlapping: int = 0
    alpha_raw: Alpha | None = None
    alpha_calibrated: Alpha | None = None
    icc: ICC | None = None
    flags: tuple[str, ...] = ()
    lam: float = DEFAULT_LAMBDA

    @property
    def enough(self) -> bool:
        """Whether agreement and bias mean anything yet (else "not enough overlapping reviews")."""
        return self.overlapping >= MIN_OVERLAP_ENTRIES and self.alpha_raw is not None

    @property
    def flagged(self) -> list[JudgeReliability]:
        return [judge for judge in self.judges if judge.flags]


def agreement_words(alpha: Alpha | None) -> str:
    """What an alpha means for the sponsor, in plain words."""
    if alpha is None:
        text: str = _("cannot be measured yet")
    elif alpha.alpha >= ALPHA_RELIABLE:
        text = _("judges agree: the ranking is reliable")
    elif alpha.alpha >= ALPHA_ACCEPTABLE:
        text = _("judges partly agree: draw tentative conclusions only")
    else:
        text = _("low agreement: treat rankings with care")
    return text


def _standing(challenge: Challenge) -> list[sa.ColumnElement[bool]]:
    return [
        Judge.challenge_id == challenge.id,
        Assignment.round == Round.EVALUATION,
        Assignment.state != AssignmentState.VOID,
    ]


def _assignments(challenge: Challenge) -> Iterator[tuple[int, int, float | None, bool]]:
    """Every standing evaluation assignment as (entry, judge, score, no feedback); score is
    None unless the review is submitted and scored. One query of plain columns, read as a
    stream: a worker holds one row at a time, not tens of thousands."""
    counted = sa.and_(
        ReviewRow.assignment_id == Assignment.id,
        ReviewRow.submitted_at.is_not(None),
        ReviewRow.score_total.is_not(None),
    )
    rows = db.session.execute(
        sa.select(
            Assignment.submission_id,
            Assignment.judge_id,
            ReviewRow.score_total,
            ReviewRow.feedback_to_solver == "",
        )
        .join(Judge, Judge.id == Assignment.judge_id)
        .outerjoin(ReviewRow, counted)
        .where(*_standing(challenge))
    )
    return (tuple(row) for row in rows)


def _labels(judge_ids: Sequence[int]) -> dict[int, str]:
    """Judge id → the label sponsors see (as ``Judge.label``: name and e-mail, else e-mail)."""
    rows = db.session.execute(
        sa.select(Judge.id, Judge.email, User.display_name)
        .outerjoin(User, User.id == Judge.user_id)
        .where(Judge.id.in_(judge_ids))
    )
    return {
        judge_id: f"{name} <{email}>" if name is not None else email
        for judge_id, email, name in rows
    }


def _missing_comments(challenge: Challenge) -> Counter[int]:
    """Judge id → submitted reviews with no feedback and most criterion comments empty."""
    empty = sa.func.sum(sa.case((ReviewScore.comment == "", 1), else_=0))
    return Counter(
        db.session.scalars(
            sa.select(Assignment.judge_id)
            .join(Judge, Judge.id == Assignment.judge_id)
            .join(ReviewRow, ReviewRow.assignment_id == Assignment.id)
            .join(ReviewScore, ReviewScore.review_id == ReviewRow.id)
            .where(
                *_standing(challenge),
                ReviewRow.submitted_at.is_not(None),
                ReviewRow.score_total.is_not(None),
                ReviewRow.feedback_to_solver == "",
            )
            .group_by(ReviewScore.review_id, Assignment.judge_id)
            .having(2 * empty > sa.func.count())
        )
    )


def _adjusted(scored: Sequence[Review], bias: dict[int, float]) -> dict[int, list[float]]:
    """Units of bias-adjusted scores y − b_j per entry (``review_units(scored, bias)``)."""
    units: dict[int, list[float]] = defaultdict(list)
    for entry, judge, score in scored:
        units[entry].append(score - bias[judge])
    return units


_STATISTICS: VersionedMemo[ReliabilityPanel] = VersionedMemo()


def reliability_panel(challenge: Challenge) -> ReliabilityPanel:
    """Alpha on raw and bias-adjusted (y − b_j) scores, ICC(1,1), and per judge: reviews
    done/assigned, mean raw score, ridge bias b_j (λ = 2) and the judge flags. Bias and the
    bias-based flags are left out until enough entries have two or more reviews.

    The statistics read every review (about 0.35 s at 10k entries x 3 reviews), so a read-only
    page reuses them while the challenge's inputs counter stands still; the judges' labels
    (names can change without touching reviews) are read each time."""
    version = inputs_token(db.session, challenge.id)
    panel = _STATISTICS.get(challenge.id, version, lambda: _statistics(challenge))
    if not panel.judges:
        return panel
    labels = _labels([line.judge_id for line in panel.judges])
    judges = [
        replace(line, label=labels.get(line.judge_id, f"Judge {line.judge_id}"))
        for line in panel.judges
    ]
    return replace(panel, judges=judges)


def _statistics(challenge: Challenge) -> ReliabilityPanel:
    """The panel without judge labels: at most two queries (assignments with scores, comment
    counts)."""
    assigned: Counter[int] = Counter()
    scored: list[Review] = []
    silent = False  # some submitted review has no feedback for the solver
    units: dict[int, list[float]] = defaultdict(list)  # as review_units(scored), in one pass
    done: dict[int, list[float]] = defaultdict(list)
    for entry, judge, raw, no_feedback in _assignments(challenge):
        assigned[judge] += 1
        if raw is None:
            continue
        score = float(raw)
        scored.append(Review(entry, judge, score))
        silent = silent or no_feedback
        units[entry].append(score)
        done[judge].append(score)
    if not assigned:
        return ReliabilityPanel(flags=round_flags(None))
    pairable = {entry: values for entry, values in units.items() if len(values) >= 2}
    alpha_raw = krippendorff_alpha(units)
    enough = len(pairable) >= MIN_OVERLAP_ENTRIES and alpha_raw is not None
    bias = calibrate(scored).judge_bias if enough else {}
    missing = _missing_comments(challenge) if silent else Counter()
    comments = {judge: (missing[judge], len(scores)) for judge, scores in done.items()}
    flags = judge_flags(scored, bias, comments)
    lines = [
        JudgeReliability(
            judge_id=judge,
            label="",  # filled in by reliability_panel
            assigned=count,
            done=len(done[judge]),
            mean_raw=sum(done[judge]) / len(done[judge]) if done[judge] else None,
            bias=bias.get(judge),
            flags=flags.get(judge, ()),
        )
        for judge, count in sorted(assigned.items())
    ]
    return ReliabilityPanel(
        judges=lines,
        reviews=len(scored),
        entries=len(units),
        overlapping=len(pairable),
        alpha_raw=alpha_raw if enough else None,
        alpha_calibrated=krippendorff_alpha(_adjusted(scored, bias)) if enough else None,
        icc=icc_oneway(pairable) if enough else None,
        flags=round_flags(alpha_raw if enough else None),
    )


# The bias chart: geometry in SVG user units (the viewBox scales it to the column width).
CHART_WIDTH = 640
PLOT_LEFT, PLOT_WIDTH = 220, 400
ZERO_X = PLOT_LEFT + PLOT_WIDTH / 2
ROW_HEIGHT, BAR_HEIGHT, TOP = 26, 16, 8
AXIS_SPACE = 44
LABEL_CHARS = 26  # about 200 units of 12-unit text: fits left of PLOT_LEFT
COLOUR, FLAGGED_COLOUR, INK = "#0d6efd", "#b02a37", "#212529"


def chart_scale(biases: Sequence[float]) -> float:
    """The axis half-width in points: the smallest of 1, 2, 5, 10, 20, 50, … ≥ every |b_j|."""
    largest = max((abs(b) for b in biases), default=0.0)
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if largest <= step * factor:
                return step * factor
        step *= 10


def _points(value: float) -> str:
    text = format_fixed(value, 1, signed=True) if round(value, 1) else format_fixed(0.0, 1)
    return text.replace("-", "−")


def _short(label: str) -> str:
    """The chart names a judge by name alone ("Name <e-mail>" → "Name"); the table has both."""
    name = label.split(" <", 1)[0] if not label.startswith("<") else label
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def bias_chart(judges: Sequence[JudgeReliability], chart_id: str = "bias-chart") -> Markup:
    """A horizontal bar per judge for b_j around a zero line, in points; flagged judges in red
    with the flags named in the bar's <title>. No script, no style attribute (CSP)."""
    rows = [judge for judge in judges if judge.bias is not None]
    if not rows:
        return Markup("")
    scale = chart_scale([judge.bias or 0.0 for judge in rows])
    per_point = (PLOT_WIDTH / 2) / scale
    bottom = TOP + ROW_HEIGHT * len(rows)
    height = bottom + AXIS_SPACE
    cid = escape(chart_id)
    flagged = sum(1 for judge in rows if judge.flags)
    desc = " ".join(
        (
            ngettext(
                "Estimated bias of %(num)d judge in points on the 0–100 review score, "
                "from −%(scale)s to +%(scale)s.",
                "Estimated bias of %(num)d judges in points on the 0–100 review score, "
                "from −%(scale)s to +%(scale)s.",
                len(rows),
                scale=format(scale, "g"),
            ),
            _("Bars right of the zero line: the judge scores higher than the panel; left: lower."),
            _("%(count)s flagged judges are drawn in red.", count=flagged)
            if flagged
            else _("No judge is flagged."),
        )
    )
    title = _("Estimated bias per judge")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bias-chart mw-100 h-auto" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" font-size="12">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    for tick in (-scale, -scale / 2, 0.0, scale / 2, scale):
        x = ZERO_X + tick * per_point
        parts.append(
            f'<line class="bias-grid" x1="{x:g}" x2="{x:g}" y1="{TOP}" y2="{bottom}" '
            f'stroke="#dee2e6" stroke-width="1"/>'
            f'<text x="{x:g}" y="{bottom + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(_points(tick))}</text>"
        )
    for n, judge in enumerate(rows):
        bias = judge.bias or 0.0
        y = TOP + n * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        length = abs(bias) * per_point
        x = ZERO_X if bias >= 0 else ZERO_X - length
        colour = FLAGGED_COLOUR if judge.flags else COLOUR
        if judge.flags:
            tip = _(
                "%(judge)s: %(points)s points; flagged: %(flags)s",
                judge=judge.label,
                points=_points(bias),
                flags=", ".join(judge.flag_names),
            )
        else:
            tip = _("%(judge)s: %(points)s points", judge=judge.label, points=_points(bias))
        text_y = y + BAR_HEIGHT - 4
        value_x, anchor = (x + length + 4, "start") if bias >= 0 else (x - 4, "end")
        mark = " ⚑" if judge.flags else ""
        parts.append(
            f'<text x="{PLOT_LEFT - 8}" y="{text_y:g}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(judge.label))}</text>"
            f'<rect class="bias-bar" data-judge="{judge.judge_id}" x="{x:g}" y="{y:g}" '
            f'width="{length:g}" height="{BAR_HEIGHT}" fill="{colour}">'
            f"<title>{escape(tip)}</title></rect>"
            f'<text x="{value_x:g}" y="{text_y:g}" text-anchor="{anchor}" fill="{INK}">'
            f"{escape(_points(bias) + mark)}</text>"
        )
    axis = _("points: − scores lower than the panel, + scores higher")
    parts.append(
        f'<line class="bias-zero" x1="{ZERO_X:g}" x2="{ZERO_X:g}" y1="{TOP - 4}" '
        f'y2="{bottom + 4}" stroke="{INK}" stroke-width="2"/>'
        f'<text x="{ZERO_X:g}" y="{bottom + 34}" text-anchor="middle" fill="{INK}">'
        f"{escape(axis)}</text></svg>"
    )
    return Markup("".join(parts))  # noqa: S704 (every interpolated text is escaped above)
