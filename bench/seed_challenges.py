"""Benchmark seeding of published, funded challenges with prizes and ledger rows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from accounts.models import Organization
from bench.seed_base import RANDOM_SEED, Sizes, _ids, bulk_insert
from challenges.models import Challenge, Phase, PrizeTier
from challenges.openness import (
    IpOnAward,
    JudgingTransparency,
    SolutionVisibility,
    SubmissionLicense,
)
from core.db import utcnow
from core.money import CURRENCIES, fee_for
from payments.models import Funding, FundingStatus, LedgerEntry, LedgerKind, Refund, RefundStatus

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
    votes, visibility = rng.random() < 0.3, rng.choice(list(SolutionVisibility)).value
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
        # Voting only where the public reads entries (as the challenge form requires).
        "community_voting": votes and visibility == SolutionVisibility.PUBLIC_ON_SUBMIT,
        "solution_visibility": visibility,
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
    id_of = dict(session.execute(sa.select(Challenge.slug, Challenge.id)).all())
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
    funding_of = dict(session.execute(sa.select(Funding.challenge_id, Funding.id)).all())
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
