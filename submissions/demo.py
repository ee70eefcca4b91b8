"""Demo entries for the demo challenges: versions with real hashes, teams, a withdrawn entry,
a disqualified one with its audit entry, drafts and an open report."""
# ruff: noqa: E501 - data tables read best one row per line

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from accounts.models import User
from accounts.terms import accepted_now
from challenges.models import Challenge
from core.audit import record
from core.db import db, utcnow
from submissions.hashing import content_hash
from submissions.models import (
    FULL_SHARE_BP,
    Report,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)
from submissions.services import recount_entrants

# Extra solvers (they sign in with the demo password, like the listed demo accounts).
SOLVERS = [("ines", "Inês Duarte"), ("kofi", "Kofi Mensah"), ("lena", "Lena Novak"),
           ("mateo", "Mateo Ruiz"), ("noor", "Noor Haddad"), ("oskar", "Oskar Lind"),
           ("priya", "Priya Raman"), ("ravi", "Ravi Iyer")]  # fmt: skip

# challenge slug, team handles (owner first), title, summary, number of versions, status
ENTRIES = [
    ("grid-scale-storage", ["solver"], "Sand Battery in Disused Silos", "Heat sand to 600 °C with surplus power and store it in old grain silos.", 3, "submitted"),
    ("grid-scale-storage", ["kofi"], "Iron-Air Cells from Scrap Steel", "Rust and un-rust scrap iron: 100-hour storage at $18/kWh of cells.", 2, "submitted"),
    ("grid-scale-storage", ["lena"], "Gravity Storage in Mine Shafts", "Lift and lower 2,000-tonne weights in abandoned mine shafts.", 1, "submitted"),
    ("grid-scale-storage", ["mateo"], "Compressed Air in Salt Caverns", "Adiabatic compressed air with a molten-salt heat store.", 2, "submitted"),
    ("grid-scale-storage", ["noor"], "Pumped Hydro Between Two Quarries", "Pair neighbouring flooded quarries into a 400 MWh pumped hydro plant.", 1, "submitted"),
    ("district-heat-pumps", ["solver", "teammate"], "Window-Frame Heat Pumps", "Slim monoblock units that replace one window pane per flat.", 3, "submitted"),
    ("district-heat-pumps", ["oskar"], "Shared Riser Loop", "One ambient loop in the old chimney riser feeds a small heat pump per flat.", 2, "submitted"),
    ("district-heat-pumps", ["priya"], "Radiator-Friendly 70 °C Heat Pump", "CO2 heat pumps that keep the existing radiators.", 1, "submitted"),
    ("district-heat-pumps", ["ravi"], "Balcony Air Units", "Outdoor units hung on balcony rails, piped through the balcony door frame.", 2, "submitted"),
    ("district-heat-pumps", ["ines"], "Roof-Top Central Plant", "One roof plant and the existing pipes, run at lower temperatures.", 1, "submitted"),
    ("solar-forecasting", ["teammate", "solver"], "Cloud-Motion Nowcasts", "Satellite cloud motion vectors blended with a gradient-boosted day-ahead model.", 2, "submitted"),
    ("solar-forecasting", ["kofi"], "Neighbourhood Transfer Learning", "Learn from nearby roofs with long histories to forecast new ones.", 1, "submitted"),
    ("solar-forecasting", ["lena"], "Probabilistic Quantile Forecasts", "Quantile regression that gives grid operators a range, not a point.", 3, "submitted"),
    ("solar-forecasting", ["mateo"], "Physics-Guided Clear-Sky Model", "A clear-sky model corrected by a small network trained on residuals.", 1, "submitted"),
    ("orchard-robot", ["noor"], "Soft Pneumatic Fingers", "Silicone fingers that wrap fruit with even pressure under 2 kPa.", 2, "submitted"),
    ("orchard-robot", ["oskar"], "Vacuum Tube Picker", "A padded vacuum cup that detaches fruit by a twist, not a pull.", 1, "submitted"),
    ("orchard-robot", ["priya"], "Fin-Ray Gripper with Touch Sensing", "Fin-ray fingers with capacitive skin that stops before bruising.", 2, "submitted"),
    ("orchard-robot", ["ravi"], "Two-Arm Catch and Place", "One arm picks, the other catches: no drop, no bruise.", 1, "submitted"),
    ("drone-mapping", ["teammate", "solver", "ines"], "Thermal-NDVI Fusion Maps", "Fuse thermal and NDVI bands into one water-stress index per vine row.", 3, "submitted"),
    ("drone-mapping", ["kofi"], "Row-Level Stress from RGB Only", "Cheap RGB drones and a trained index match multispectral within 8%.", 2, "submitted"),
    ("drone-mapping", ["lena"], "Canopy Temperature Deficit Maps", "Canopy minus air temperature, corrected for wind, per block.", 1, "submitted"),
    ("drone-mapping", ["mateo"], "Irrigation Zones from Stress Clusters", "Cluster stress maps into irrigation zones a farmer can act on.", 2, "submitted"),
    ("drone-mapping", ["noor"], "Open Vineyard Stress Dataset", "400 labelled flights, released with a baseline model.", 1, "submitted"),
    ("pothole-prediction", ["solver"], "Freeze-Thaw Cycle Model", "Count freeze-thaw cycles per segment from sensor temperatures and traffic load.", 2, "submitted"),
    ("pothole-prediction", ["oskar"], "Bus Accelerometer Survey", "City buses' accelerometers flag rough segments every day.", 1, "submitted"),
    ("pothole-prediction", ["priya"], "Survival Model per Road Segment", "A survival model of time to first pothole for each segment.", 3, "submitted"),
    ("pothole-prediction", ["ravi"], "Crack Detection from Street Imagery", "Detect surface cracks in street-level images a winter ahead.", 1, "withdrawn"),
    ("pothole-prediction", ["ines"], "Drainage-First Priority List", "Rank segments by drainage faults, the cause behind most potholes.", 1, "submitted"),
    ("pothole-prediction", ["kofi"], "Citizen Reports as Labels", "Ten years of citizen reports as training labels, de-duplicated.", 2, "submitted"),
    ("bus-routes", ["lena", "mateo"], "Timed-Transfer Night Grid", "A grid of six lines that all meet at the central station every 30 minutes.", 3, "submitted"),
    ("bus-routes", ["noor"], "Demand-Responsive Night Zones", "On-demand minibuses in low-density zones feeding two trunk lines.", 1, "disqualified"),
    ("bus-routes", ["oskar"], "Hospital and Shift-Work Routes", "Routes timed to hospital and factory shift changes.", 2, "submitted"),
    ("bus-routes", ["solver"], "Mixed-Integer Route Optimiser", "An open-source optimiser that redesigns the network from OD data.", 2, "submitted"),
    ("bus-routes", ["priya"], "Fewer Stops, Faster Lines", "Consolidate stops at night to cut journey times by 22%.", 1, "submitted"),
    ("malaria-diagnostic", ["ravi"], "Paper-Strip LAMP Test", "Isothermal amplification on a paper strip, read by eye in 15 minutes.", 2, "submitted"),
    ("malaria-diagnostic", ["ines"], "Hemozoin Magneto-Optical Reader", "A $40 reader detects hemozoin crystals in a finger-prick of blood.", 1, "submitted"),
    ("malaria-diagnostic", ["teammate"], "Smartphone Microscopy Add-On", "A clip-on lens and an app that counts parasites in a smear.", 3, "submitted"),
    ("malaria-diagnostic", ["kofi"], "Saliva Antigen Dipstick", "A dipstick for parasite antigens in saliva: no needle needed.", 1, "submitted"),
    ("triage-chatbot", ["lena"], "Rule-First Triage with LLM Phrasing", "Clinical rules decide; a language model only rephrases.", 2, "submitted"),
    ("triage-chatbot", ["mateo", "noor"], "Safety Case for a Triage Assistant", "A hazard analysis and test suite before any model is chosen.", 1, "submitted"),
]  # fmt: skip
DRAFTS = [("grid-scale-storage", "ines"), ("malaria-diagnostic", "solver")]
DISQUALIFY_REASON = (
    "The routes copy a consultancy report the city commissioned in 2024, without credit."
)


def _users() -> dict[str, User]:
    users = {user.handle: user for user in db.session.scalars(sa.select(User))}
    template = users["solver"]
    for handle, name in SOLVERS:
        if handle not in users:
            users[handle] = User(
                email=f"{handle}@openprize.test",
                handle=handle,
                display_name=name,
                password_hash=template.password_hash,
                email_verified_at=template.email_verified_at,
                created_at=template.created_at,
                bio=f"{name} is a demo solver.",
                **accepted_now(),
            )
            db.session.add(users[handle])
    db.session.flush()
    return users


def _shares(size: int) -> list[int]:
    base = FULL_SHARE_BP // size
    return [FULL_SHARE_BP - base * (size - 1)] + [base] * (size - 1)


def _entry(challenge: Challenge, team: list[User], first: datetime) -> Submission:
    submission = Submission(
        challenge_id=challenge.id,
        owner_id=team[0].id,
        terms_accepted_at=first - timedelta(days=2),
        eligibility_attested_at=first - timedelta(days=2),
        created_at=first - timedelta(days=2),
    )
    for n, (user, share) in enumerate(zip(team, _shares(len(team)), strict=True)):
        submission.members.append(
            TeamMember(
                challenge_id=challenge.id,
                user_id=user.id,
                share_bp=share,
                role=TeamRole.OWNER if n == 0 else TeamRole.MEMBER,
                shares_accepted_at=first - timedelta(days=1),
                joined_at=first - timedelta(days=2),
            )
        )
    db.session.add(submission)
    db.session.flush()
    return submission


def _versions(
    submission: Submission, text: tuple[str, str], count: int, first: datetime, last: datetime
) -> None:
    """``count`` versions between ``first`` and ``last``; the working copy matches the last."""
    title, summary = text
    step = (last - first) / max(count - 1, 1)
    for number in range(1, count + 1):
        body = (
            f"## Approach\n\n{summary}\n\n## Evidence\n\nPrototype results and the data "
            f"behind them are linked below.\n\n_Revision {number}._"
        )
        links = f"https://example.org/{submission.id}/repository"
        digest = content_hash(
            title=title, summary=summary, body_md=body, links=links, attachments=[]
        )
        db.session.add(
            SubmissionVersion(
                submission_id=submission.id,
                number=number,
                title=title,
                summary=summary,
                body_md=body,
                links=links,
                content_hash=digest,
                rules_version=1,
                created_by_id=submission.owner_id,
                created_at=first + step * (number - 1),
            )
        )
    submission.title, submission.summary = title, summary
    submission.body_md, submission.links = body, links
    submission.current_version = count
    submission.first_submitted_at = first
    submission.last_submitted_at = last if count > 1 else first


def seed() -> int:
    """Create the demo entries (after the challenges demo); return how many were submitted."""
    now = utcnow()
    users = _users()
    challenges = {c.slug: c for c in db.session.scalars(sa.select(Challenge))}
    for index, (slug, handles, title, summary, count, status) in enumerate(ENTRIES):
        challenge = challenges[slug]
        end = min(challenge.closes_at, now) - timedelta(hours=6)
        first = challenge.opens_at + (end - challenge.opens_at) * (0.1 + (index % 5) * 0.1)
        last = first + (end - first) * 0.5
        submission = _entry(challenge, [users[h] for h in handles], first)
        _versions(submission, (title, summary), count, first, last)
        submission.status = SubmissionStatus(status)
        if status == SubmissionStatus.DISQUALIFIED:
            submission.disqualified_at = now  # the audit entry is stamped now too
            submission.disqualified_reason = DISQUALIFY_REASON
            record(
                users["manager"].id,
                "submission.disqualify",
                "submission",
                submission.id,
                DISQUALIFY_REASON,
            )
    for slug, handle in DRAFTS:
        challenge = challenges[slug]
        draft = _entry(challenge, [users[handle]], now)
        draft.title, draft.summary = "Working title", "Notes in progress."
    pothole = db.session.scalar(
        sa.select(Submission).where(Submission.title == "Bus Accelerometer Survey")
    )
    db.session.add(Report(submission_id=pothole.id, reporter_id=users["kofi"].id,
                          reason="The accelerometer data in the linked repository is from another city."))  # fmt: skip
    db.session.flush()
    for challenge in challenges.values():
        recount_entrants(challenge.id)
    db.session.commit()
    return sum(1 for *_, status in ENTRIES if status == SubmissionStatus.SUBMITTED)
