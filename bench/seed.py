"""Fast bulk seeding of a benchmark database; add a seeder to SEEDERS and a field to Sizes."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import flask_migrate
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from accounts.models import Membership, Organization, OrgRole, User
from accounts.passwords import hash_password
from challenges.models import Challenge, Phase, PrizeTier
from challenges.openness import (
    IpOnAward,
    JudgingTransparency,
    SolutionVisibility,
    SubmissionLicense,
)
from core.db import db, drop_schema, utcnow
from core.money import CURRENCIES, fee_for
from payments.models import Funding, FundingStatus, LedgerEntry, LedgerKind, Refund, RefundStatus
from submissions.hashing import content_hash
from submissions.models import (
    FULL_SHARE_BP,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)

# Shared by every seeded user so later benchmarks can sign in; the data is throwaway.
BENCH_PASSWORD = "bench-password-not-secret-2026"  # noqa: S105
CHUNK = 2000
MEMBERS_PER_ORG = 5
RANDOM_SEED = 20260101


@dataclass(frozen=True)
class Sizes:
    """How much data to seed; each field becomes a ``--<name>`` option of bench/run.py."""

    users: int = field(default=10_000, metadata={"help": "users to seed"})
    orgs: int = field(default=1_000, metadata={"help": "organizations to seed"})
    challenges: int = field(
        default=10_000, metadata={"help": "published, funded challenges (spread over the orgs)"}
    )
    submissions: int = field(
        default=200_000,
        metadata={"help": "entries (mostly submitted) spread over the challenges that opened"},
    )


Seeder = Callable[[Session, Sizes], None]


def _chunks(
    rows: Sequence[dict[str, Any]], size: int = CHUNK
) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def bulk_insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` with executemany batches (insertmanyvalues on SQLite and psycopg)."""
    for chunk in _chunks(rows):
        session.execute(sa.insert(model), list(chunk))
    session.flush()


def _ids(session: Session, model: type[Any]) -> list[int]:
    return list(session.scalars(sa.select(model.id).order_by(model.id)))


def seed_users(session: Session, sizes: Sizes) -> None:
    """``sizes.users`` verified users ``user<i>@bench.test``, all with BENCH_PASSWORD."""
    # One hash for everyone: hashing 10,000 passwords with scrypt would take minutes.
    password_hash = hash_password(BENCH_PASSWORD)
    rng = random.Random(RANDOM_SEED)
    now = utcnow()
    rows = []
    for i in range(sizes.users):
        created = now - timedelta(days=rng.randint(1, 900), seconds=rng.randint(0, 86_399))
        rows.append(
            {
                "email": f"user{i}@bench.test",
                "handle": f"user{i}",
                "display_name": f"Bench User {i}",
                "password_hash": password_hash,
                "auth_stamp": f"{i:016x}",
                "email_verified_at": created,
                "is_admin": i == 0,
                "bio": f"Benchmark account number {i}.",
                "website": "",
                "timezone": "UTC",
                "created_at": created,
            }
        )
    bulk_insert(session, User, rows)


def seed_orgs(session: Session, sizes: Sizes) -> None:
    """``sizes.orgs`` organizations, two thirds of them verified."""
    rng = random.Random(RANDOM_SEED + 1)
    now = utcnow()
    rows = [
        {
            "slug": f"bench-org-{i}",
            "name": f"Bench Organization {i}",
            "website": f"https://org{i}.example.org",
            "description": f"Organization {i} funds **open** challenges for the benchmark.",
            "verified": i % 3 != 0,
            "created_at": now - timedelta(days=rng.randint(1, 900)),
        }
        for i in range(sizes.orgs)
    ]
    bulk_insert(session, Organization, rows)


def seed_memberships(session: Session, sizes: Sizes) -> None:
    """Each organization gets an owner, a manager and members drawn from the seeded users."""
    user_ids = _ids(session, User)
    if not user_ids:
        return
    rng = random.Random(RANDOM_SEED + 2)
    now = utcnow()
    per_org = min(MEMBERS_PER_ORG, len(user_ids))
    roles = [OrgRole.OWNER, OrgRole.MANAGER] + [OrgRole.MEMBER] * max(0, per_org - 2)
    rows = [
        {"user_id": user_id, "org_id": org_id, "role": role.value, "created_at": now}
        for org_id in _ids(session, Organization)
        for user_id, role in zip(rng.sample(user_ids, per_org), roles, strict=False)
    ]
    bulk_insert(session, Membership, rows)


# Every tenth title has this word, so a search for it matches about a tenth of the challenges.
SEARCH_WORD = "water"
# Title topic -> category; a challenge's topic is TOPICS[i % 10].
TOPICS = {
    SEARCH_WORD: "Civic & social",
    "battery": "Energy & climate",
    "soil": "Agriculture & food",
    "vaccine": "Health & life sciences",
    "satellite": "Space",
    "grid": "Energy & climate",
    "crop": "Agriculture & food",
    "air": "Health & life sciences",
    "plastic": "Engineering & robotics",
    "diagnostics": "Data science & AI",
}
ADJECTIVES = ["Low-cost", "Open", "Rapid", "Scalable", "Portable", "Resilient", "Frugal"]
NOUNS = ["Sensor", "Challenge", "Prize", "Toolkit", "Model", "Network", "Design"]
PHASE_WEIGHTS = {
    Phase.OPEN: 45,
    Phase.UPCOMING: 15,
    Phase.JUDGING: 15,
    Phase.AWARDED: 20,
    Phase.CANCELLED: 5,
}
CURRENCY_WEIGHTS = {"USD": 50, "EUR": 20, "GBP": 10, "CAD": 5, "AUD": 5, "CHF": 5, "JPY": 5}
FIRST_PRIZES = [5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000]
TIER_LABELS = [
    ["Grand prize"],
    ["First prize", "Second prize"],
    ["First prize", "Second prize", "Third prize"],
]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Africa/Nairobi"]
SENTENCES = [
    "Today's methods cost too much to use at the scale where they would matter.",
    "Field teams need results in minutes, not weeks, and without a laboratory.",
    "A good solution works with parts that can be bought in most countries.",
    "We will test finalists on real sites with our partners.",
    "Partial solutions that solve the hardest step are welcome.",
    "Open data from earlier pilots is linked in the resources section.",
]
SUMMARIES = [
    "Cut the cost of {topic} monitoring tenfold.",
    "Make {topic} data useful to the people who need it.",
    "Find what stops {topic} projects at scale, and fix it.",
]
RULES_MD = "Submit a **PDF** of at most 20 pages and, if you have one, a link to code or data."
ELIGIBILITY_MD = "Anyone aged 18 or over, in any country, except employees of the sponsor."


def _timeline(phase: Phase, now: datetime, rng: random.Random) -> dict[str, Any]:
    """Dates that put a published challenge in ``phase`` at ``now``."""
    day = timedelta(days=1)
    span = rng.randint(30, 90) * day  # how long it takes submissions
    if phase == Phase.UPCOMING:
        opens = now + rng.randint(1, 60) * day
        closes = opens + span
    elif phase in (Phase.OPEN, Phase.CANCELLED):
        closes = now + rng.randint(1, 60) * day
        opens = min(closes - span, now - day)
    else:  # judging or awarded: closed, and results (if any) 10-30 days after closing
        closes = now - (rng.randint(1, 9) if phase == Phase.JUDGING else rng.randint(40, 700)) * day
        opens = closes - span
    published = min(opens, now) - rng.randint(1, 14) * day
    return {
        "opens_at": opens,
        "closes_at": closes,
        "judging_ends_at": closes + rng.randint(20, 60) * day,
        "published_at": published,
        "funded_at": published,
        "approved_at": published - day,
        "submitted_for_review_at": published - 3 * day,
        "created_at": published - 10 * day,
        "updated_at": published,
        "awarded_at": closes + rng.randint(10, 30) * day if phase == Phase.AWARDED else None,
        "cancelled_at": now - timedelta(hours=rng.randint(1, 47))
        if phase == Phase.CANCELLED
        else None,
    }


def _challenge_row(i: int, org_id: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    topic = list(TOPICS)[i % len(TOPICS)]
    title = f"{rng.choice(ADJECTIVES)} {topic} {rng.choice(NOUNS)}".capitalize()
    phase = rng.choices(list(PHASE_WEIGHTS), weights=list(PHASE_WEIGHTS.values()))[0]
    paragraphs = [" ".join(rng.sample(SENTENCES, 3)) for _ in range(3)]
    return {
        "org_id": org_id,
        "slug": f"{'-'.join(title.lower().split())}-{i}",
        "title": title,
        "summary": rng.choice(SUMMARIES).format(topic=topic),
        "category": TOPICS[topic],
        "tags": f"{topic},{rng.choice(NOUNS).lower()},open-innovation",
        "description_md": f"## The problem\n\n{paragraphs[0]}\n\n## What a good solution does\n\n"
        + "\n".join(f"- {s}" for s in rng.sample(SENTENCES, 3))
        + f"\n\n{paragraphs[1]}\n\n**Why now:** {paragraphs[2]}",
        "rules_md": RULES_MD,
        "eligibility_md": ELIGIBILITY_MD,
        "currency": rng.choices(list(CURRENCY_WEIGHTS), weights=list(CURRENCY_WEIGHTS.values()))[0],
        "timezone": rng.choice(ZONES),
        "max_team_size": rng.randint(1, 10),
        "community_voting": rng.random() < 0.3,
        "solution_visibility": rng.choice(list(SolutionVisibility)).value,
        "submission_license": rng.choice(list(SubmissionLicense)).value,
        "ip_on_award": rng.choice(list(IpOnAward)).value,
        "judging_transparency": rng.choice(list(JudgingTransparency)).value,
        "entrant_count": 0 if phase == Phase.UPCOMING else rng.randint(0, 400),
        "review_state": "approved",
        "cancel_reason": "Budget withdrawn by the sponsor." if phase == Phase.CANCELLED else "",
        **_timeline(phase, now, rng),
    }


def _tiers(challenge: dict[str, Any], rng: random.Random) -> list[tuple[str, int]]:
    """1-3 (label, minor units) tiers; JPY prizes are in yen, so a hundred times larger."""
    currency = challenge["currency"]
    first = rng.choice(FIRST_PRIZES) * (100 if currency == "JPY" else 1)
    first *= 10 ** CURRENCIES[currency][1]
    labels = rng.choice(TIER_LABELS)
    return [(label, first // 2**place) for place, label in enumerate(labels)]


def seed_challenges(session: Session, sizes: Sizes) -> None:
    """``sizes.challenges`` published challenges with 1-3 prizes, each funded by a paid Funding
    and its ledger entries (cancelled ones refunded), spread over the organizations."""
    org_ids = _ids(session, Organization)
    if not org_ids or not sizes.challenges:
        return
    rng = random.Random(RANDOM_SEED + 3)
    now = utcnow()
    rows = [_challenge_row(i, rng.choice(org_ids), now, rng) for i in range(sizes.challenges)]
    tiers = [_tiers(row, rng) for row in rows]
    for row, prizes in zip(rows, tiers, strict=True):
        row["purse_amount"] = row["funded_amount"] = sum(amount for _, amount in prizes)
    bulk_insert(session, Challenge, rows)
    id_of = dict(session.execute(sa.select(Challenge.slug, Challenge.id)).tuples().all())
    bulk_insert(
        session,
        PrizeTier,
        [
            {"challenge_id": id_of[row["slug"]], "place": place, "label": label, "amount": amount}
            for row, prizes in zip(rows, tiers, strict=True)
            for place, (label, amount) in enumerate(prizes, start=1)
        ],
    )
    _seed_money(session, [(id_of[row["slug"]], row) for row in rows])


def _seed_money(session: Session, challenges: list[tuple[int, dict[str, Any]]]) -> None:
    """One paid Funding per challenge, FUNDED and FEE ledger entries, refunds when cancelled."""
    fee_bps = current_app.config["PLATFORM_FEE_BPS"]
    fundings: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    refunded: list[tuple[int, int, datetime]] = []
    for challenge_id, row in challenges:
        purse, currency = row["purse_amount"], row["currency"]
        fee = fee_for(purse, fee_bps)
        charge = f"ch_bench_{challenge_id}"
        fundings.append(
            {
                "challenge_id": challenge_id,
                "sequence": 1,
                "purse_amount": purse,
                "fee_amount": fee,
                "currency": currency,
                "status": FundingStatus.PAID.value,
                "checkout_session_id": f"cs_bench_{challenge_id}",
                "payment_intent_id": f"pi_bench_{challenge_id}",
                "charge_id": charge,
                "paid_at": row["funded_at"],
                "created_at": row["funded_at"],
                "updated_at": row["funded_at"],
            }
        )
        # References and amounts as the webhooks write them (payments/webhooks.py).
        entries = [
            (LedgerKind.FUNDED, purse, f"{charge}:purse"),
            (LedgerKind.FEE, fee, f"{charge}:fee"),
        ]
        if row["cancelled_at"] is not None:
            refunded.append((challenge_id, purse + fee, row["cancelled_at"]))
            entries += [
                (LedgerKind.REFUNDED, purse, f"re_bench_{challenge_id}:purse"),
                (LedgerKind.FEE_REFUNDED, fee, f"re_bench_{challenge_id}:fee"),
            ]
        ledger += [
            {
                "challenge_id": challenge_id,
                "kind": kind.value,
                "amount": amount,
                "currency": currency,
                "reference": reference,
                "created_at": row["funded_at"],
            }
            for kind, amount, reference in entries
            if amount > 0
        ]
    bulk_insert(session, Funding, fundings)
    bulk_insert(session, LedgerEntry, ledger)
    funding_of = dict(session.execute(sa.select(Funding.challenge_id, Funding.id)).tuples().all())
    bulk_insert(
        session,
        Refund,
        [
            {
                "funding_id": funding_of[challenge_id],
                "amount": amount,
                "status": RefundStatus.SUCCEEDED.value,
                "reason": "challenge cancelled",
                "stripe_refund_id": f"re_bench_{challenge_id}",
                "created_at": when,
                "updated_at": when,
            }
            for challenge_id, amount, when in refunded
        ],
    )


ENTRY_TOPICS = ["membrane", "sensor", "model", "pump", "coating", "app", "kit", "enzyme"]
ENTRY_SENTENCES = [
    "We built a prototype from parts sold in most hardware shops.",
    "Field trials on three sites gave results within ten percent of the laboratory.",
    "The design files and the data are linked below under an open license.",
    "Cost per unit falls below five dollars at a thousand units.",
    "The hardest step was calibration; we solved it with a reference sample.",
]
# Status of the i-th entry: mostly submitted, one in ten a private draft, a few withdrawn.
ENTRY_STATUS = [SubmissionStatus.DRAFT] + [SubmissionStatus.SUBMITTED] * 8
ENTRY_STATUS.append(SubmissionStatus.WITHDRAWN)


def _core_insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Core executemany in chunks: no ORM bookkeeping, for the hundreds of thousands of rows."""
    table = model.__table__
    for chunk in _chunks(rows, 5000):
        session.execute(sa.insert(table), list(chunk))


def _fix_submission_ids(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('submissions', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM submissions))"
            )
        )


def seed_submissions(session: Session, sizes: Sizes) -> None:
    """``sizes.submissions`` entries over the challenges that opened, each with its owner's
    TeamMember row; every non-draft entry has version 1 with its real content hash.

    Entries are spread unevenly (a few busy challenges, a long tail); a person enters a
    challenge at most once, as the unique (challenge, user) member row demands. About a third of
    the challenges are public on submit (``seed_challenges`` mixes openness profiles), so tens of
    thousands of entries are public. ``entrant_count`` is recounted from the rows at the end.
    """
    user_ids = _ids(session, User)
    now = utcnow()
    challenges = session.execute(
        sa.select(Challenge.id, Challenge.opens_at, Challenge.closes_at, Challenge.rules_version)
        .where(Challenge.opens_at <= now)
        .order_by(Challenge.id)
    ).all()
    if not user_ids or not challenges or not sizes.submissions:
        return
    rng = random.Random(RANDOM_SEED + 4)
    # Pareto-like weights: some challenges draw hundreds of entries, most a handful.
    weights = [rng.paretovariate(1.2) for _ in challenges]
    picks = rng.choices(range(len(challenges)), weights=weights, k=sizes.submissions)
    entered = [0] * len(challenges)
    offsets = [rng.randrange(len(user_ids)) for _ in challenges]
    first_id = (session.scalar(sa.select(sa.func.max(Submission.id))) or 0) + 1
    submissions: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for n, pick in enumerate(picks):
        if entered[pick] >= len(user_ids):
            continue  # everyone already entered this challenge
        challenge_id, opens, closes, rules_version = challenges[pick]
        owner_id = user_ids[(offsets[pick] + entered[pick]) % len(user_ids)]
        entered[pick] += 1
        submission_id = first_id + len(submissions)
        status = ENTRY_STATUS[n % len(ENTRY_STATUS)]
        window = max((min(closes, now) - opens).total_seconds(), 60.0)
        started = opens + timedelta(seconds=rng.uniform(0, window * 0.9))
        submitted = started + timedelta(seconds=rng.uniform(0, window * 0.1))
        topic = rng.choice(ENTRY_TOPICS)
        title = f"{rng.choice(ADJECTIVES)} {topic} for challenge {challenge_id} (entry {n})"
        summary = rng.choice(SUMMARIES).format(topic=topic)
        body = "\n\n".join(rng.sample(ENTRY_SENTENCES, 3))
        has_version = status != SubmissionStatus.DRAFT
        submissions.append(
            {
                "id": submission_id,
                "challenge_id": challenge_id,
                "owner_id": owner_id,
                "title": title,
                "summary": summary,
                "body_md": body,
                "links": "",
                "status": status.value,
                "current_version": 1 if has_version else 0,
                "first_submitted_at": submitted if has_version else None,
                "last_submitted_at": submitted if has_version else None,
                "accepted_rules_version": rules_version,
                "terms_accepted_at": started,
                "eligibility_attested_at": started,
                "disqualified_reason": "",
                "created_at": started,
                "updated_at": submitted if has_version else started,
            }
        )
        members.append(
            {
                "submission_id": submission_id,
                "challenge_id": challenge_id,
                "user_id": owner_id,
                "role": TeamRole.OWNER.value,
                "share_bp": FULL_SHARE_BP,
                "shares_accepted_at": started,
                "joined_at": started,
            }
        )
        if has_version:
            digest = content_hash(
                title=title, summary=summary, body_md=body, links="", attachments=[]
            )
            versions.append(
                {
                    "submission_id": submission_id,
                    "number": 1,
                    "title": title,
                    "summary": summary,
                    "body_md": body,
                    "links": "",
                    "content_hash": digest,
                    "rules_version": rules_version,
                    "created_by_id": owner_id,
                    "created_at": submitted,
                }
            )
    _core_insert(session, Submission, submissions)
    _fix_submission_ids(session)
    _core_insert(session, TeamMember, members)
    _core_insert(session, SubmissionVersion, versions)
    # One UPDATE: each challenge counts its submitted entries, as services._recount does.
    submitted_count = (
        sa.select(sa.func.count(Submission.id))
        .where(
            Submission.challenge_id == Challenge.id,
            Submission.status == SubmissionStatus.SUBMITTED.value,
        )
        .correlate(Challenge)
        .scalar_subquery()
    )
    session.execute(
        sa.update(Challenge)
        .values(entrant_count=submitted_count)
        .execution_options(synchronize_session=False)
    )


# Run in order, inside one transaction; later seeders may read what earlier ones wrote.
SEEDERS: list[Seeder] = [
    seed_users,
    seed_orgs,
    seed_memberships,
    seed_challenges,
    seed_submissions,
]


def reset_schema() -> None:
    """Drop everything, then build the schema with the Alembic migrations, as users get it.

    ``db.create_all()`` would miss what only the migrations make: SQLite's FTS5 table
    ``challenges_fts`` and its triggers (search would fail) and PostgreSQL's GIN search index
    (search would scan). Needs the app context.
    """
    drop_schema()
    flask_migrate.upgrade()


def seed_all(session: Session, sizes: Sizes) -> dict[str, float]:
    """Run every seeder, commit once, and return the seconds each one took."""
    timings: dict[str, float] = {}
    for seeder in SEEDERS:
        started = time.perf_counter()
        seeder(session, sizes)
        timings[seeder.__name__] = round(time.perf_counter() - started, 3)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # Autovacuum would analyze the new rows within a minute; do it now so plans do not
        # change halfway through the measurements.
        session.execute(sa.text("ANALYZE"))
        session.commit()
    return timings


def row_counts(session: Session) -> dict[str, int]:
    """Rows per non-empty table, for the report header."""
    counts = {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }
    return {name: count for name, count in counts.items() if count}
