"""Factories that build valid domain objects through the real models."""

from __future__ import annotations

import itertools

from accounts.models import Membership, Organization, OrgRole, User
from accounts.passwords import hash_password
from core.db import db, utcnow

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_user(
    handle: str | None = None,
    *,
    email: str | None = None,
    verified: bool = True,
    admin: bool = False,
    password: str = PASSWORD,
    display_name: str | None = None,
) -> User:
    n = next(_counter)
    handle = handle or f"user{n}"
    user = User(
        email=email or f"{handle}@example.org",
        handle=handle,
        display_name=display_name or handle.title(),
        password_hash=_password_hash(password),
        email_verified_at=utcnow() if verified else None,
        is_admin=admin,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_org(
    name: str | None = None, *, owner: User | None = None, slug: str | None = None
) -> Organization:
    n = next(_counter)
    name = name or f"Org {n}"
    org = Organization(name=name, slug=slug or f"org-{n}")
    db.session.add(org)
    db.session.flush()
    if owner is not None:
        db.session.add(Membership(user_id=owner.id, org_id=org.id, role=OrgRole.OWNER))
    db.session.commit()
    return org


def add_member(org: Organization, user: User, role: OrgRole = OrgRole.MEMBER) -> Membership:
    membership = Membership(user_id=user.id, org_id=org.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership
