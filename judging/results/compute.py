"""Computing results: calibrated scores, community tallies and the tie-break chain, frozen."""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import has_request_context
from flask_babel import format_datetime as babel_datetime
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge, Phase
from challenges.services import lock_challenge
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, ensure
from core.text import plural
from core.timefmt import format_datetime

# _schur_matrix: the Schur complement calibrate() solves, reused per criterion.
from judging.algorithms.calibration import (
    DEFAULT_LAMBDA,
    Calibration,
    _schur_matrix,
    calibrate,
)
from judging.algorithms.ranking import RankingEntry, rank_entries
from judging.algorithms.scoring import passes
from judging.algorithms.tallies import blend, wilson_lower_bound
from judging.models import SCORE_MIN, Assignment, AssignmentState, Review, Round
from judging.policies import can_compute_results, can_decide_results
from judging.results.freshness import inputs_version
from judging.results.inputs import Inputs, ReviewInput, digest, load_inputs
from judging.results.models import ResultRow, ResultSnapshot, SnapshotState
from judging.settings import ensure_settings, settings_for
from judging.voting.votes import scan_votes
from submissions.models import Submission, SubmissionStatus

METHOD = "ridge-additive"


@dataclass
class Outcome:
    """What the method produced: ResultRow column values, judge biases and parameters."""

    rows: list[dict[str, Any]]
    judges: list[dict[str, Any]]
    parameters: dict[str, Any]
    review_count: int


@dataclass
class _Scored:
    calibration: Calibration
    criterion_means: dict[int, dict[str, float]]
    judge_scores: dict[int, dict[int, float]]


def _criterion_means(
    reviews: list[ReviewInput], criteria: list[tuple[int, str, int]]
) -> dict[int, dict[str, float]]:
    """The ridge model fitted to each criterion's 1–5 values. When every review scores every
    criterion the design is shared, so one Schur solve with a column per criterion gives
    exactly what ``calibrate`` gives criterion by criterion; otherwise it runs per criterion."""
    ids = [criterion_id for criterion_id, _, _ in criteria]
    means: dict[int, dict[str, float]] = defaultdict(dict)
    if not reviews or not ids:
        return means
    wanted = set(ids)
    if any(r.values.keys() != wanted for r in reviews):
        for criterion_id, name, _weight in criteria:
            fit = calibrate(
                [
                    (r.submission_id, r.judge_id, r.values[criterion_id])
                    for r in reviews
                    if criterion_id in r.values
                ]
            )
            for entry, value in fit.entry_scores.items():
                means[entry][name] = value
        return means
    entry_ids = sorted({r.submission_id for r in reviews})
    judge_ids = sorted({r.judge_id for r in reviews})
    entry_pos = {entry: pos for pos, entry in enumerate(entry_ids)}
    judge_pos = {judge: pos for pos, judge in enumerate(judge_ids)}
    e = np.fromiter(
        (entry_pos[r.submission_id] for r in reviews), dtype=np.int64, count=len(reviews)
    )
    j = np.fromiter((judge_pos[r.judge_id] for r in reviews), dtype=np.int64, count=len(reviews))
    value_row = itemgetter(*ids) if len(ids) > 1 else lambda values: (values[ids[0]],)
    y = np.array([value_row(r.values) for r in reviews], dtype=np.float64)
    n_i = np.bincount(e, minlength=len(entry_ids)).astype(np.float64)
    n_j = np.bincount(j, minlength=len(judge_ids))
    raw = np.column_stack([np.bincount(e, weights=y[:, k]) for k in range(len(ids))]) / n_i[:, None]
    residual = y - raw[e]
    rhs = np.column_stack(
        [np.bincount(j, weights=residual[:, k], minlength=len(judge_ids)) for k in range(len(ids))]
    )
    matrix = -_schur_matrix(e, j, n_i.astype(np.int64), len(judge_ids))
    matrix[np.diag_indices(len(judge_ids))] += n_j + DEFAULT_LAMBDA
    bias = np.linalg.solve(matrix, rhs)
    shift = np.column_stack(
        [np.bincount(e, weights=bias[j, k], minlength=len(entry_ids)) for k in range(len(ids))]
    )
    calibrated = raw - shift / n_i[:, None]
    names = [name for _, name, _ in criteria]
    for entry, pos in entry_pos.items():
        means[entry] = {name: float(calibrated[pos, k]) for k, name in enumerate(names)}
    return means


def _score(reviews: list[ReviewInput], criteria: list[tuple[int, str, int]]) -> _Scored:
    """Ridge calibration of the 0–100 totals and, the same model, of each criterion's values."""
    calibration = calibrate([(r.submission_id, r.judge_id, r.score_total) for r in reviews])
    judge_scores: dict[int, dict[int, float]] = defaultdict(dict)
    for r in reviews:
        judge_scores[r.submission_id][r.judge_id] = r.score_total
    return _Scored(calibration, _criterion_means(reviews, criteria), judge_scores)


def rank_inputs(inputs: Inputs) -> Outcome:
    """The method: calibrate each scored round, blend the community in if the sponsor chose
    to, rank with the tie-break chain; finalists (scored afresh in their round) come first."""
    settings = inputs.settings
    weight = float(settings.community_weight or 0.0)
    names = [name for _, name, _ in inputs.criteria]
    weights = {name: w for _, name, w in inputs.criteria}
    by_round: dict[str, list[ReviewInput]] = defaultdict(list)
    for review in inputs.reviews:
        by_round[review.round].append(review)
    admitted = {s for rnd, s in inputs.round_entries if rnd == Round.FINALIST}
    finalist_reviews = [r for r in by_round[Round.FINALIST] if r.submission_id in admitted]
    finalists = {r.submission_id for r in finalist_reviews}
    evaluation = _score(by_round[Round.EVALUATION], inputs.criteria)
    groups = []
    if finalists:
        groups.append((_score(finalist_reviews, inputs.criteria), sorted(finalists), True))
    rest = sorted(set(evaluation.calibration.entry_scores) - finalists)
    groups.append((evaluation, rest, False))
    up: Counter[int] = Counter(s for s, _, v in inputs.votes if v > 0)
    down: Counter[int] = Counter(s for s, _, v in inputs.votes if v < 0)
    pc = settings.peoples_choice_tier_id
    places = sum(1 for tier_id, _, _ in inputs.tiers if tier_id != pc)
    rows: list[dict[str, Any]] = []
    for scored, ids, is_finalist in groups:
        if not ids:
            continue
        fit = scored.calibration
        expert = {s: fit.entry_scores[s] for s in ids}
        community = {s: wilson_lower_bound(up[s], down[s]) for s in ids}
        final = expert
        if weight > 0:  # percentiles blended, shown like every other score on 0–100
            final = {s: 100 * v for s, v in blend(expert, community, weight).items()}
        entries = [
            RankingEntry(
                submission_id=s,
                final_score=final[s],
                raw_mean=fit.raw_means[s],
                submitted_at=inputs.entries[s],
                criterion_means={n: scored.criterion_means[s].get(n, SCORE_MIN) for n in names},
                judge_scores=scored.judge_scores[s],
            )
            for s in ids
        ]
        offset = len(rows)
        for ranked in rank_entries(entries, weights, max(places - offset, 0)):
            s = ranked.submission_id
            rows.append(
                {
                    "rank": offset + ranked.rank,
                    "submission_id": s,
                    "final_score": final[s],
                    "calibrated_score": expert[s],
                    "raw_mean": fit.raw_means[s],
                    "criterion_means": dict(scored.criterion_means[s]),
                    "review_count": fit.review_counts[s],
                    "votes_up": up[s],
                    "votes_down": down[s],
                    "community_score": community[s],
                    "finalist": is_finalist,
                    "passes": passes(expert[s], settings.passing_score),
                    "decided_by": ranked.decided_by,
                    "needs_panel_resolution": ranked.needs_panel_resolution,
                }
            )
    return Outcome(
        rows=rows,
        judges=_judges(evaluation, groups[0][0] if finalists else None, inputs.reviews),
        parameters={
            "weights": weights,
            "k": settings.k,
            "passing_score": settings.passing_score,
            "community_weight": weight,
            "lambda": DEFAULT_LAMBDA,
            "final_score": "100 × community blend" if weight > 0 else "calibrated",
            "round": str(settings.current_round or Round.EVALUATION),
            "screening": bool(settings.screening),
            "finalists": len(finalists),
            "prize_places": places,
            "peoples_choice_tier_id": pc,
            "components": evaluation.calibration.components,
            "unreviewed": len(set(inputs.entries) - finalists - set(rest)),
        },
        review_count=len(by_round[Round.EVALUATION]) + len(finalist_reviews),
    )


def _judges(
    evaluation: _Scored, finals: _Scored | None, reviews: list[ReviewInput]
) -> list[dict[str, Any]]:
    """Judges labelled J1..Jn in judge-id order, with their bias and review count per round."""
    counts = Counter((r.judge_id, r.round) for r in reviews)
    ids = sorted(
        set(evaluation.calibration.judge_bias)
        | set(finals.calibration.judge_bias if finals else ())
    )
    rows = []
    for number, judge_id in enumerate(ids, start=1):
        row: dict[str, Any] = {
            "judge_id": judge_id,
            "label": f"J{number}",
            "bias": evaluation.calibration.judge_bias.get(judge_id),
            "reviews": counts[(judge_id, Round.EVALUATION.value)],
        }
        if finals is not None:
            row["finalist_bias"] = finals.calibration.judge_bias.get(judge_id)
            row["finalist_reviews"] = counts[(judge_id, Round.FINALIST.value)]
        rows.append(row)
    return rows


def moment_text(value: datetime) -> str:
    """A time for a message: in the viewer's zone on a page, in UTC in a job or a shell."""
    if has_request_context():
        return format_datetime(value)
    return f"{babel_datetime(value, 'dd MMM y, HH:mm')} UTC"


def compute_blocker(challenge: Challenge, now: datetime | None = None) -> str | None:
    """Why results cannot be computed now, in words for the sponsor; None when they can.

    Results need the judging phase and either the end of judging or every standing
    assignment of the current round reviewed."""
    now = now or utcnow()
    phase = challenge.phase(now)
    if phase == Phase.CANCELLED:
        return str(_("This challenge was cancelled: there are no results to compute."))
    if phase == Phase.AWARDED:
        return str(
            _("The results of this challenge are decided; they can no longer be recomputed.")
        )
    if phase != Phase.JUDGING:
        return str(
            _(
                "Results can be computed once submissions close on %(when)s and the judges have "
                "scored the entries.",
                when=moment_text(challenge.closes_at),
            )
        )
    if now >= challenge.judging_ends_at:
        return None
    ends = moment_text(challenge.judging_ends_at)
    current = settings_for(challenge).current_round or Round.EVALUATION
    total, done = db.session.execute(
        sa.select(sa.func.count(Assignment.id), sa.func.count(Review.submitted_at))
        .select_from(Assignment)
        .join(Submission, Submission.id == Assignment.submission_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Submission.challenge_id == challenge.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Assignment.state != AssignmentState.VOID,
            Assignment.round == current,
        )
    ).one()
    if total == 0:
        return str(
            _(
                "No reviews are assigned yet; results can be computed when judging ends on "
                "%(when)s.",
                when=ends,
            )
        )
    open_ = total - done
    if open_:
        return str(
            ngettext(
                "%(num)d review is still open; results can be computed when judging ends on "
                "%(when)s, or as soon as every review is submitted.",
                "%(num)d reviews are still open; results can be computed when judging ends on "
                "%(when)s, or as soon as every review is submitted.",
                open_,
                when=ends,
            )
        )
    return None


def latest_snapshot(challenge_id: int) -> ResultSnapshot | None:
    return db.session.scalar(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.challenge_id == challenge_id)
        .order_by(ResultSnapshot.id.desc())
        .limit(1)
    )


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one computation. Reading and ranking 10k
    entries allocates ~200k containers that live to the end; each full collection they
    trigger walks the whole heap, a third of the computation's time. Reference counting
    still frees everything as usual; cycles wait for the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lock_for_computation(actor: User, challenge: Challenge) -> Challenge:
    """The challenge re-read under its row lock, once ``actor`` may compute its results now:
    PermissionDenied (403) for anyone but the sponsor's owners and managers, Conflict (409)
    saying why when results cannot be computed yet (the session rolled back)."""
    if not can_compute_results(actor, challenge):
        ensure(
            can_decide_results(actor, challenge),
            _("Only the sponsor's owners and managers can compute results."),
        )
    challenge = lock_challenge(challenge.id)
    problem = compute_blocker(challenge)
    if problem:
        db.session.rollback()
        raise Conflict(problem)
    return challenge


def compute_results(*, actor: User, challenge: Challenge) -> ResultSnapshot:
    """Freeze a results snapshot: quarantine suspicious votes (``scan_votes``), read the
    counted reviews and votes, calibrate, rank, and write the snapshot with one ResultRow per
    ranked entry; earlier computed snapshots become superseded. Allowed for the sponsor's
    owners and managers in the judging phase once judging has ended or every review of the
    current round is in (else a 409 saying why). Commits once."""
    challenge = lock_for_computation(actor, challenge)
    scan_votes(challenge.id)
    ensure_settings(challenge)  # the row that holds the change counter
    # Read before the inputs: a change committed in between then reads as stale, never missed.
    version = inputs_version(db.session, challenge.id)
    with _cycle_collection_paused():
        inputs = load_inputs(challenge)
        outcome = rank_inputs(inputs)
        snapshot = ResultSnapshot(
            challenge_id=challenge.id,
            state=SnapshotState.COMPUTED,
            method=METHOD,
            lam=DEFAULT_LAMBDA,
            inputs_hash=digest(inputs),
            inputs_version=version,
            parameters=outcome.parameters,
            judges=outcome.judges,
            entry_count=len(outcome.rows),
            review_count=outcome.review_count,
            created_by_id=actor.id,
        )
        db.session.add(snapshot)
        db.session.flush()
        db.session.execute(
            sa.update(ResultSnapshot)
            .where(
                ResultSnapshot.challenge_id == challenge.id,
                ResultSnapshot.state == SnapshotState.COMPUTED,
                ResultSnapshot.id != snapshot.id,
            )
            .values(state=SnapshotState.SUPERSEDED)
        )
        if outcome.rows:
            # A Core executemany: the ORM's bulk path costs more than the insert for 10k rows.
            db.session.connection().execute(
                ResultRow.__table__.insert(),
                [{"snapshot_id": snapshot.id, **row} for row in outcome.rows],
            )
    audit.record(
        actor.id,
        "results.computed",
        "result_snapshot",
        snapshot.id,
        f"{plural(len(outcome.rows), 'entry')} ranked from "
        f"{plural(outcome.review_count, 'review')}",
    )
    db.session.commit()
    return snapshot
