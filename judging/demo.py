"""Demo judging: a panel scores the demo entries; the awarded challenge gets real results.

Everything goes through the judging services at the moments they would have happened
(``frozen_time``), so the demo shows what the product does: rubric before opening, invited
judges who attest, conflict-free assignment, blind reviews, a frozen snapshot and approved
winners. Runs after the challenges, submissions and payments demo seeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, OrgRole, User
from accounts.passwords import hash_password
from accounts.terms import accepted_now
from challenges.models import Challenge
from core.db import db, frozen_time, utcnow
from judging import services
from judging.adoption import demo as adoption_demo
from judging.panel.assignments import assignments_of
from judging.panel.rubric import CriterionInput
from judging.results.awards import approve_winners, default_picks
from judging.results.compute import compute_results
from judging.voting.oversight import set_community_settings
from judging.voting.votes import cast_vote
from submissions.models import Submission, SubmissionStatus

DAY = timedelta(days=1)
# Judges beside the demo "judge" account; their e-mail domains differ from the solvers', so
# the shared-domain conflict rule (docs/judging.md, "Conflicts of interest", d) leaves them
# free to judge.
PANELISTS = [
    ("hana", "Hana Sato", "hana@jury.example"),
    ("omar", "Omar Farouk", "omar@review.example"),
]
RUBRIC = [
    CriterionInput("Impact", 40, "How much would this change for growers?", "Marginal",
                   "Transformative"),
    CriterionInput("Evidence", 30, "Field data, trials or a convincing analysis.", "None",
                   "Strong field data"),
    CriterionInput("Feasibility", 20, "Could a farm use it next season?", "Not buildable",
                   "Ready to use"),
    CriterionInput("Clarity", 10, "Is the write-up easy to follow?", "Hard to follow",
                   "Crystal clear"),
]  # fmt: skip
# Each judge's leniency (added to an entry's quality, then clipped to 1–5).
LENIENCY = {"judge": 1, "hana": 0, "omar": -1}
FEEDBACK = [
    "Strong idea; the field data from a second season would make it convincing.",
    "Clear write-up. The cost estimate needs a source.",
    "Promising, but the method is hard to reproduce from what you describe.",
]


@contextmanager
def _quiet_mail() -> Iterator[None]:
    """Keep the demo's notification e-mails out of the console that prints the logins."""
    config = current_app.config
    backend, config["MAIL_BACKEND"] = config["MAIL_BACKEND"], "memory"
    try:
        yield
    finally:
        config["MAIL_BACKEND"] = backend


def _panelists() -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)
    created = utcnow() - 90 * DAY
    for handle, name, email in PANELISTS:
        db.session.add(
            User(email=email, handle=handle, display_name=name, password_hash=password_hash,
                 email_verified_at=created, created_at=created, bio=f"{name} is a demo judge.",
                 **accepted_now())
        )  # fmt: skip
    db.session.commit()
    handles = [*LENIENCY]
    return {
        u.handle: u for u in db.session.scalars(sa.select(User).where(User.handle.in_(handles)))
    }


def _sponsor(challenge: Challenge) -> User:
    return db.session.scalar(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == challenge.org_id, Membership.role == OrgRole.OWNER)
        .limit(1)
    )


def _entries(challenge: Challenge) -> list[Submission]:
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(
                Submission.challenge_id == challenge.id,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
            .order_by(Submission.id)
        )
    )


def _panel(challenge: Challenge, sponsor: User, judges: dict[str, User]) -> None:
    """Rubric before the challenge opens; invitations accepted with attestation."""
    with frozen_time(challenge.opens_at - DAY):
        services.set_rubric(
            actor=sponsor, challenge=challenge, criteria=RUBRIC, passing_score=40.0, k=3
        )
    with frozen_time(challenge.closes_at - 5 * DAY):
        for user in judges.values():
            judge = services.invite_judge(actor=sponsor, challenge=challenge, email=user.email)
            services.accept_judging(
                actor=user, judge=judge, conflicts_text="", conflict_org_ids=[], attest=True
            )


def _review_all(challenge: Challenge, sponsor: User, judges: dict[str, User], *, done: int) -> None:
    """Assign the panel the day after the deadline; each judge submits reviews in turn; only
    the first ``done`` assignments of the judge "judge" are submitted, one more is a draft."""
    with frozen_time(challenge.closes_at + DAY):
        services.assign_judges(actor=sponsor, challenge=challenge)
    criteria = services.criteria_of(challenge)
    by_user = {user.id: handle for handle, user in judges.items()}
    quality = {entry.id: 2 + (entry.id * 7) % 3 for entry in _entries(challenge)}
    seen: dict[str, int] = {}
    for n, assignment in enumerate(assignments_of(challenge)):
        handle = by_user[assignment.judge.user_id]
        seen[handle] = seen.get(handle, 0) + 1
        if handle == "judge" and seen[handle] > done + 1:
            continue
        base = quality[assignment.submission_id] + LENIENCY[handle]
        scores = {c.id: max(1, min(5, base + (i + n) % 2)) for i, c in enumerate(criteria)}
        submit = handle != "judge" or seen[handle] <= done
        with frozen_time(challenge.closes_at + (2 + n % 7) * DAY):
            services.save_review(
                actor=assignment.judge.user, assignment=assignment, scores=scores,
                feedback_to_solver=FEEDBACK[n % len(FEEDBACK)],
                note_to_panel="Checked the data files too." if n % 3 == 0 else "", submit=submit,
            )  # fmt: skip


def _award(challenge: Challenge, sponsor: User, judges: dict[str, User]) -> None:
    """The awarded demo challenge: judged in full, computed and approved the day after."""
    awarded_at = challenge.awarded_at
    challenge.awarded_at = None  # it is decided below, by the sponsor's approval
    db.session.commit()
    _panel(challenge, sponsor, judges)
    _review_all(challenge, sponsor, judges, done=len(_entries(challenge)))
    with frozen_time(awarded_at or challenge.judging_ends_at + DAY):
        snapshot = compute_results(actor=sponsor, challenge=challenge)
        approve_winners(actor=sponsor, snapshot=snapshot, picks=default_picks(snapshot), reason="")


def _community(challenge: Challenge, sponsor: User) -> None:
    """People's Choice on the open city challenge, with a few votes from the demo solvers."""
    tier = challenge.prize_tiers[-1]
    set_community_settings(
        actor=sponsor, challenge=challenge, peoples_choice_tier_id=tier.id, community_weight=0.0
    )
    voters = db.session.scalars(
        sa.select(User).where(User.handle.in_(["kofi", "lena", "mateo", "noor", "teammate"]))
    ).all()
    for n, entry in enumerate(_entries(challenge)):
        for m, voter in enumerate(voters):
            if any(member.user_id == voter.id for member in entry.members):
                continue
            if (n + m) % 3 != 2:
                cast_vote(actor=voter, submission=entry, value=1 if (n + m) % 4 else -1, ip=None)


def seed() -> None:
    """Judge the demo challenges: results for "drone-mapping", judging under way on
    "solar-forecasting" (the demo judge has one review left and one draft), and community
    votes with a People's Choice prize on "pothole-prediction"."""
    judges = _panelists()
    by_slug = {c.slug: c for c in db.session.scalars(sa.select(Challenge))}
    with _quiet_mail():
        for slug, done in (("drone-mapping", None), ("solar-forecasting", 1)):
            challenge = by_slug[slug]
            sponsor = _sponsor(challenge)
            if done is None:
                _award(challenge, sponsor, judges)
            else:
                _panel(challenge, sponsor, judges)
                _review_all(challenge, sponsor, judges, done=done)
        challenge = by_slug["pothole-prediction"]
        _community(challenge, _sponsor(challenge))
        adoption_demo.seed()
