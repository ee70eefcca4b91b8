"""What the submissions domain shows on other domains' pages (see core/sections.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from accounts.models import User
from challenges.models import Challenge
from core import sections
from submissions.gallery import Card, entries_of_user
from submissions.models import Submission
from submissions.my_entries import RecentEntries, recent_entries_of
from submissions.services import entry_of


@dataclass(frozen=True)
class EntryLink:
    """The challenge page's entry button: the viewer's entry, or None (enter or sign in)."""

    entry: Submission | None


def my_entries(*, viewer: User) -> RecentEntries:
    """The account page: the user's newest entries with their role, and how many in all."""
    return recent_entries_of(viewer)


def profile_entries(*, user: User, viewer: User | None) -> list[Card]:
    """A profile page: the person's entries that the viewer may read."""
    return entries_of_user(user, viewer)


def challenge_entry(*, challenge: Challenge, viewer: User) -> EntryLink:
    """The challenge page: the viewer's own entry, if signed in and entered."""
    return EntryLink(entry_of(viewer, challenge) if viewer.is_authenticated else None)


def register_sections(app: Flask) -> None:
    sections.register(
        app, "challenge.actions", "submissions/_challenge_entry.html", challenge_entry
    )
    sections.register(app, "account.sidebar", "submissions/_my_submissions.html", my_entries)
    sections.register(app, "profile.main", "submissions/_profile_entries.html", profile_entries)
