"""Demo challenges across every phase, with Q&A, updates and funded purses."""
# ruff: noqa: E501 - data tables read best one row per line

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from accounts.models import Organization, User
from challenges.models import (
    Challenge,
    ChallengeUpdate,
    Follow,
    PrizeTier,
    Question,
    ReviewState,
)
from core.db import db, utcnow

RULES = """1. Submit a written solution of at most 10 pages and any supporting code or data.
2. Entries are judged on **feasibility (40%)**, **impact (30%)**, **novelty (20%)** and **clarity (10%)**.
3. Plagiarised or late entries are disqualified. The judges' decision is final."""
ELIGIBILITY = """Open to individuals aged 18 or over and to teams, worldwide, except where prize
competitions are prohibited by law. Employees of the sponsor and their families may not enter."""

# slug, org slug, title, summary, category, tags, currency, purse tiers, phase, visibility, license, ip
CHALLENGES = [
    ("grid-scale-storage", "helios-energy-foundation", "Grid-Scale Storage Under $50/kWh",
     "Design a long-duration storage system that beats $50 per kWh at grid scale.", "Energy & climate",
     "storage,batteries,grid", "USD", [("First prize", 5_000_000), ("Second prize", 2_000_000), ("Third prize", 1_000_000)],
     "open", "public_after_close", "CC-BY-4.0", "nonexclusive_license"),
    ("district-heat-pumps", "helios-energy-foundation", "Heat Pumps for Old Apartment Blocks",
     "Retrofit heat pumps into 1960s apartment blocks without new ductwork.", "Energy & climate",
     "heat pumps,retrofit,buildings", "EUR", [("Winner", 3_000_000), ("Runner-up", 1_000_000)],
     "open", "public_on_submit", "CC-BY-4.0", "solver_retains"),
    ("solar-forecasting", "helios-energy-foundation", "Solar Output Forecasting",
     "Forecast hourly rooftop solar output a day ahead from weather data.", "Data science & AI",
     "forecasting,solar,machine learning", "USD", [("First prize", 1_500_000), ("Second prize", 500_000)],
     "judging", "public_after_close", "MIT", "nonexclusive_license"),
    ("orchard-robot", "aquila-robotics", "Orchard Harvest Robot Gripper",
     "A gripper that picks soft fruit without bruising at 1 fruit per second.", "Engineering & robotics",
     "robotics,agriculture,grippers", "USD", [("First prize", 4_000_000), ("Second prize", 1_500_000)],
     "open", "sponsor_only", "sponsor-license", "exclusive_license"),
    ("rubble-search", "aquila-robotics", "Search Under Rubble",
     "Locate survivors under collapsed buildings with a robot small enough to fit through a 20 cm gap.",
     "Engineering & robotics", "search and rescue,robotics,sensors", "USD", [("Grand prize", 10_000_000)],
     "upcoming", "public_after_close", "Apache-2.0", "nonexclusive_license"),
    ("drone-mapping", "aquila-robotics", "Crop Stress Mapping by Drone",
     "Map water stress in vineyards from multispectral drone images.", "Agriculture & food",
     "drones,remote sensing,water", "AUD", [("First prize", 2_500_000), ("Second prize", 1_000_000), ("Third prize", 500_000)],
     "awarded", "public_after_close", "CC-BY-4.0", "solver_retains"),
    ("pothole-prediction", "city-of-riverton", "Predict Potholes Before They Open",
     "Use the city's road sensor data to predict where potholes will form next winter.", "Civic & social",
     "open data,roads,prediction", "USD", [("First prize", 1_000_000), ("People's favourite", 250_000)],
     "open", "public_on_submit", "CC0-1.0", "solver_retains"),
    ("bus-routes", "city-of-riverton", "Rethink the Night Bus Network",
     "Redesign Riverton's night bus routes to cut average journey times by a fifth.", "Civic & social",
     "transport,optimisation,open data", "USD", [("Winner", 800_000)],
     "judging", "public_on_submit", "CC-BY-4.0", "nonexclusive_license"),
    ("flood-alerts", "city-of-riverton", "Neighbourhood Flood Alerts",
     "Low-cost sensors and alerts for flash floods in riverside streets.", "Civic & social",
     "flooding,sensors,alerts", "USD", [("First prize", 600_000)],
     "cancelled", "public_after_close", "CC-BY-4.0", "solver_retains"),
    ("malaria-diagnostic", "openmed-alliance", "A $1 Malaria Test",
     "A point-of-care malaria test that costs under one dollar and reads out in 15 minutes.",
     "Health & life sciences", "diagnostics,malaria,global health", "USD", [("First prize", 7_500_000), ("Second prize", 2_500_000)],
     "open", "public_after_close", "CC-BY-4.0", "nonexclusive_license"),
    ("antibiotic-discovery", "openmed-alliance", "Open Antibiotic Discovery",
     "Propose and rank candidate molecules against a resistant E. coli strain.", "Health & life sciences",
     "drug discovery,chemistry,antibiotics", "GBP", [("First prize", 5_000_000), ("Second prize", 2_000_000), ("Third prize", 1_000_000)],
     "upcoming", "public_on_submit", "CC0-1.0", "solver_retains"),
    ("triage-chatbot", "openmed-alliance", "Safe Triage Assistant",
     "A triage assistant for clinic waiting rooms, evaluated on safety first.", "Data science & AI",
     "health,language models,safety", "USD", [("First prize", 3_000_000)],
     "open", "sponsor_only", "all-rights-reserved", "assignment"),
]  # fmt: skip


def _timeline(phase: str, now: datetime, index: int) -> tuple[datetime, datetime, datetime]:
    day = timedelta(days=1)
    if phase == "upcoming":
        opens = now + (10 + index) * day
        return opens, opens + 60 * day, opens + 90 * day
    if phase == "judging":
        closes = now - (5 + index) * day
        return closes - 60 * day, closes, closes + 30 * day
    if phase == "awarded":  # judging ended three days ago; results came a day later
        closes = now - 33 * day
        return closes - 60 * day, closes, closes + 30 * day
    closes = now + (5 + 3 * index) * day
    return closes - 45 * day, closes, closes + 30 * day


def seed() -> list[Challenge]:
    """Create the demo challenges (after the accounts demo seed)."""
    now = utcnow()
    orgs = {org.slug: org for org in db.session.scalars(sa.select(Organization))}
    users = {user.handle: user for user in db.session.scalars(sa.select(User))}
    created = []
    for index, row in enumerate(CHALLENGES):
        (slug, org_slug, title, summary, category, tags, currency, tiers, phase, visibility,
         license_, ip) = row  # fmt: skip
        opens, closes, judging_ends = _timeline(phase, now, index)
        if judging_ends <= closes:
            judging_ends = closes + timedelta(days=20)
        challenge = Challenge(
            org_id=orgs[org_slug].id, slug=slug, title=title, summary=summary, category=category,
            tags=tags, currency=currency, timezone="UTC", opens_at=opens, closes_at=closes,
            judging_ends_at=judging_ends, max_team_size=4 if index % 3 else 1,
            community_voting=index % 2 == 0 and visibility == "public_on_submit",
            solution_visibility=visibility,
            submission_license=license_, ip_on_award=ip,
            judging_transparency="scores_public" if phase == "awarded" else "scores_to_solver",
            description_md=f"## Why this matters\n\n{summary}\n\n## What we want\n\nA solution that "
            "works outside the lab, with evidence: data, a prototype or a convincing analysis.",
            rules_md=RULES, eligibility_md=ELIGIBILITY, review_state=ReviewState.APPROVED,
            submitted_for_review_at=opens - 20 * timedelta(days=1),
            approved_at=opens - 15 * timedelta(days=1), published_at=opens - 14 * timedelta(days=1),
            entrant_count=0 if phase == "upcoming" else 3 + (index * 7) % 40,
            created_by_id=users["sponsor"].id,
        )  # fmt: skip
        challenge.prize_tiers = [
            PrizeTier(place=n + 1, label=label, amount=amount)
            for n, (label, amount) in enumerate(tiers)
        ]
        challenge.purse_amount = sum(amount for _, amount in tiers)
        challenge.funded_amount = challenge.purse_amount
        challenge.funded_at = challenge.published_at
        if phase == "awarded":
            challenge.awarded_at = judging_ends + timedelta(days=1)
        if phase == "cancelled":
            challenge.cancelled_at = now - timedelta(days=2)
            challenge.cancel_reason = (
                "The city council withdrew the budget line; the purse was refunded."
            )
        db.session.add(challenge)
        created.append(challenge)
    db.session.flush()
    _drafts(orgs, users, now)
    _conversation(created, users)
    db.session.commit()
    return created


def _drafts(orgs: dict[str, Organization], users: dict[str, User], now: datetime) -> None:
    day = timedelta(days=1)
    for slug, title, state in [
        ("wave-energy-draft", "Wave Energy Mooring Systems", ReviewState.DRAFT),
        ("hydrogen-storage-review", "Safe Hydrogen Storage at Home", ReviewState.IN_REVIEW),
        ("microgrid-approved", "Village Microgrids That Pay for Themselves", ReviewState.APPROVED),
    ]:
        challenge = Challenge(
            org_id=orgs["helios-energy-foundation"].id, slug=slug, title=title,
            summary=f"{title}: a draft the sponsor is still working on.", category="Energy & climate",
            tags="energy", currency="USD", timezone="Europe/Berlin", opens_at=now + 20 * day,
            closes_at=now + 80 * day, judging_ends_at=now + 110 * day, max_team_size=3,
            solution_visibility="public_after_close", submission_license="CC-BY-4.0",
            ip_on_award="solver_retains", judging_transparency="scores_public",
            description_md="To be written.", rules_md=RULES, eligibility_md=ELIGIBILITY,
            review_state=state, created_by_id=users["sponsor"].id,
            submitted_for_review_at=now - day if state != ReviewState.DRAFT else None,
            approved_at=now if state == ReviewState.APPROVED else None,
        )  # fmt: skip
        challenge.prize_tiers = [PrizeTier(place=1, label="First prize", amount=2_000_000)]
        challenge.purse_amount = 2_000_000
        db.session.add(challenge)


def _conversation(challenges: list[Challenge], users: dict[str, User]) -> None:
    for challenge in challenges[:8]:
        db.session.add(
            Question(
                challenge_id=challenge.id, asker_id=users["solver"].id,
                body="May we use publicly available datasets that are not listed in the rules?",
                answer="Yes, any public dataset is fine; cite it in your submission.",
                answered_by_id=users["sponsor"].id, answered_at=challenge.published_at,
            )
        )  # fmt: skip
        db.session.add(
            Question(
                challenge_id=challenge.id, asker_id=users["teammate"].id,
                body="Can a team add a member after submitting?",
            )
        )  # fmt: skip
        db.session.add(
            ChallengeUpdate(
                challenge_id=challenge.id, author_id=users["sponsor"].id,
                title="Webinar recording available",
                body="Thanks to everyone who joined the kick-off webinar. The slides are in the rules section.",
                published_at=challenge.published_at,
            )
        )  # fmt: skip
        db.session.add(Follow(user_id=users["solver"].id, challenge_id=challenge.id))
