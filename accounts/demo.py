"""Demo accounts and organizations for the embedded default."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import Membership, Organization, OrgRole, User
from accounts.passwords import hash_password
from accounts.terms import accepted_now
from core.db import db, utcnow

DEMO_PASSWORD = "prize-demo-password-2026"  # noqa: S105 - published demo login

DEMO_USERS = [
    # handle, display name, e-mail, admin
    ("admin", "Ada Admin", "admin@openprize.test", True),
    ("sponsor", "Sam Sponsor", "sponsor@openprize.test", False),
    ("manager", "Maya Manager", "manager@openprize.test", False),
    ("solver", "Sol Solver", "solver@openprize.test", False),
    ("teammate", "Tess Teammate", "teammate@openprize.test", False),
    ("judge", "Jude Judge", "judge@jury.example", False),
]

DEMO_ORGS = [
    (
        "helios-energy-foundation",
        "Helios Energy Foundation",
        "https://helios.example.org",
        "A foundation funding open research on **grid-scale storage** and clean heat.",
        [("sponsor", OrgRole.OWNER), ("manager", OrgRole.MANAGER)],
    ),
    (
        "aquila-robotics",
        "Aquila Robotics",
        "https://aquila.example.com",
        "Field robotics for agriculture and disaster response.",
        [("sponsor", OrgRole.OWNER)],
    ),
    (
        "city-of-riverton",
        "City of Riverton",
        "https://riverton.example.gov",
        "A mid-sized city that posts civic data challenges.",
        [("manager", OrgRole.OWNER)],
    ),
    (
        "openmed-alliance",
        "OpenMed Alliance",
        "https://openmed.example.org",
        "A non-profit alliance for open diagnostics.",
        [("admin", OrgRole.OWNER), ("judge", OrgRole.MEMBER)],
    ),
]


def seed() -> list[tuple[str, str]]:
    """Create the demo users and organizations; return (e-mail, role description) pairs."""
    password_hash = hash_password(DEMO_PASSWORD)
    created = utcnow() - timedelta(days=60)
    users: dict[str, User] = {}
    for handle, name, email, admin in DEMO_USERS:
        user = User(
            email=email,
            handle=handle,
            display_name=name,
            password_hash=password_hash,
            is_admin=admin,
            email_verified_at=created,
            created_at=created,
            bio=f"{name} is a demo account.",
            **accepted_now(),
        )
        db.session.add(user)
        users[handle] = user
    db.session.flush()
    for slug, name, website, description, members in DEMO_ORGS:
        org = Organization(
            slug=slug, name=name, website=website, description=description, verified=True
        )
        db.session.add(org)
        db.session.flush()
        for handle, role in members:
            db.session.add(Membership(user_id=users[handle].id, org_id=org.id, role=role))
    db.session.commit()
    return [
        ("admin@openprize.test", "platform admin"),
        ("sponsor@openprize.test", "owner of Helios Energy Foundation and Aquila Robotics"),
        ("manager@openprize.test", "manager at Helios, owner of City of Riverton"),
        ("solver@openprize.test", "solver"),
        ("teammate@openprize.test", "solver"),
        ("judge@jury.example", "judge"),
    ]
