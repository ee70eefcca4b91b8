"""Benchmark seeding basics: sizes, bulk inserts, users, organizations and memberships."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from accounts.models import Membership, Organization, OrgRole, User
from accounts.passwords import hash_password
from accounts.terms import accepted_now
from core.db import utcnow

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
    judged_entries: int = field(
        default=10_000,
        metadata={"help": "entries of the one judged challenge (3 reviews x 5 criteria each)"},
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
    """``sizes.users`` verified users ``user<i>@bench.test``, all with BENCH_PASSWORD, who have
    accepted the current terms (signed-in pages would otherwise redirect to accept them)."""
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
                "stored_name": f"Bench User {i}",
                "password_hash": password_hash,
                "email_verified_at": created,
                "is_admin": i == 0,
                "bio": f"Benchmark account number {i}.",
                "website": "",
                "timezone": "UTC",
                "created_at": created,
                **accepted_now(),
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
