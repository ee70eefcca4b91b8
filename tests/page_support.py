"""The pages of issue 11's table over a site that grows by shares, for page-cost tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from accounts.models import User
from challenges.models import ChallengeUpdate, Follow, Question
from core.db import db, utcnow
from core.jobs import Job, JobState
from core.keyset import Seek
from judging.models import Assignment, Judge, JudgeStatus, Round
from submissions.gallery import GalleryFilters, gallery
from submissions.models import Submission, TeamMember, TeamRole
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.judging_support import World, submit_entry
from tests.results_support import (
    Published,
    add_rows,
    awarded_challenge,
    bare_entries,
    judged_world,
    publish,
)

# {entry}: the grid challenge's first entry; {open}: an open challenge anyone may enter.
ANONYMOUS_PAGES = [
    "/",
    "/challenges",
    "/challenges?q=water",
    "/challenges/grid",
    "/challenges/{open}",
    "/solutions",
    "/solutions?before={older}",
    "/submissions/{entry}",
    "/winners",
    "/challenges/grid/results",
    "/api/v1/challenges",
    "/api/v1/challenges/grid/results",
    "/login",
    "/terms",
    "/privacy",
    "/sitemap.xml",
    "/sitemaps/challenges-1.xml",
    "/sitemaps/entries-1.xml",
    "/sitemaps/results-1.xml",
    "/impact/diversity",
    "/impact/diversity.csv",
    "/api/v1/impact/diversity",
]
SIGNED_IN_PAGES = [
    "/account",
    "/account/submissions",
    "/account/password",
    "/account/email",
    "/challenges/grid",
    "/submissions/{entry}",
    "/solutions",
    "/notifications",
]
# The grid challenge's owner: its dashboards, and the sponsor's side of its pages.
SPONSOR_PAGES = [
    "/account",
    "/challenges/grid",
    "/challenges/grid/judging",
    "/challenges/grid/analytics",
    "/challenges/grid/analytics.csv",
    "/challenges/grid/judging/results/{snapshot}",
    "/jobs/{job}",
    "/jobs/{job}.json",
    "/challenges/grid/manage",
    "/challenges/grid/ledger",
    "/submissions/{entry}",
    "/orgs/helios",
    "/orgs/helios/members",
]
# The grid challenge's first judge: their list of seats, invitations and assignments.
JUDGE_PAGES = ["/judging"]
PER_PAGE = 5  # short pages, so a share of data fills the first page and reaches a second


@dataclass
class Site:
    """The judged "grid" challenge with published results, and what ``grow`` adds around it."""

    world: World
    published: Published
    solver: User  # owns the grid challenge's first entry
    job: int  # the owner's finished results computation
    shares: int = 0

    def grow(self, shares: int) -> None:
        """Add ``shares`` more of everything the pages list: a member of the grid challenge's
        organization and more of its challenges (open "water" ones, the solver entered one,
        every entry has a teammate; an awarded one), an organization the solver belongs to, and
        on the grid challenge a teammate of the first entry, a question, an update, a follower
        and five ranked entries; and for its first judge one more assignment there, a seat on
        another challenge being judged and an invitation to a third."""
        grid, entry = self.world.challenge, self.world.entries[0]
        for _ in range(shares):
            self.shares += 1
            n = self.shares
            org = self.world.org
            add_member(org, make_user())
            add_member(make_org(f"Solver club {n}"), self.solver)
            for m in range(2 * PER_PAGE):
                water = make_challenge(
                    org,
                    title=f"Clean water {n}.{m}",
                    slug=f"water-{n}-{m}",
                    visibility="public_on_submit",
                )
                submit_entry(water, self.solver if m == 0 else make_user(), team=[make_user()])
            awarded_challenge(org, make_user(), title=f"Prize {n}", entry_title="Idea", at=utcnow())
            mate = make_user()
            member = TeamMember(
                submission_id=entry.id, challenge_id=grid.id, user_id=mate.id, role=TeamRole.MEMBER
            )
            question = Question(challenge_id=grid.id, asker_id=mate.id, body="Is sand allowed?")
            update = ChallengeUpdate(
                challenge_id=grid.id,
                author_id=self.world.owner.id,
                title="News",
                body="More *news*.",
            )
            db.session.add_all(
                [member, question, update, Follow(user_id=mate.id, challenge_id=grid.id)]
            )
            db.session.commit()
            fillers = bare_entries(grid, 5, owner=make_user())
            add_rows(self.published.snapshot, fillers, first_rank=100 * n)
            db.session.commit()
            self._grow_judging(n, fillers[0])

    def _grow_judging(self, n: int, filler: Submission) -> None:
        judge, org, now = self.world.judges[0], self.world.org, utcnow()
        judged = make_challenge(org, title=f"Judged {n}", slug=f"judged-{n}", phase="judging")
        invited = make_challenge(org, title=f"Soon {n}", slug=f"soon-{n}", phase="upcoming")
        seat = Judge(
            challenge_id=judged.id,
            user_id=judge.user_id,
            email=judge.email,
            status=JudgeStatus.ACCEPTED,
            attested_at=now,
            accepted_at=now,
        )
        db.session.add_all([seat, Judge(challenge_id=invited.id, email=judge.email)])
        db.session.flush()
        for seat_id, entry in ((judge.id, filler), (seat.id, bare_entries(judged, 1)[0])):
            label = f"Entry #{entry.id:06x}"
            db.session.add(
                Assignment(
                    judge_id=seat_id,
                    submission_id=entry.id,
                    round=Round.EVALUATION,
                    blind_label=label,
                )
            )
        db.session.commit()

    def url(self, page: str) -> str:
        return page.format(
            entry=self.world.entries[0].id,
            open="water-1-0",
            snapshot=self.published.snapshot.id,
            job=self.job,
            older=_third_page_cursor(),
        )


def _third_page_cursor() -> str:
    """The cursor of the gallery's third page (its Older link's after two pages), for the
    public."""
    seek = Seek()
    for _ in range(2):
        older = gallery(None, GalleryFilters(), seek, PER_PAGE).older
        assert older is not None, "the gallery has fewer than three pages"
        seek = Seek(older)
    assert seek.cursor is not None
    return seek.cursor.token


def make_site(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Site:
    """One share of the site, served PER_PAGE items a page."""
    monkeypatch.setitem(web_app.config, "PER_PAGE", PER_PAGE)
    world = judged_world()
    published = publish(world)
    solver = db.session.get(User, world.entries[0].owner_id)
    site = Site(world, published, solver, _finished_computation(world, published))
    site.grow(1)
    return site


def _finished_computation(world: World, published: Published) -> int:
    """A results computation the grid challenge's owner asked for, done (as a worker leaves it)."""
    snapshot = published.snapshot
    job = Job(
        kind="judging.compute_results",
        payload={"challenge_id": world.challenge.id, "title": "Results of “Grid”"},
        state=JobState.DONE,
        owner_id=world.owner.id,
        progress=100,
        finished_at=utcnow(),
        result={
            "snapshot_id": snapshot.id,
            "message": "Results computed.",
            "next": {
                "endpoint": "judging.results_review",
                "values": {"slug": "grid", "snapshot_id": snapshot.id},
                "label": "Review the results",
            },
        },
    )
    db.session.add(job)
    db.session.commit()
    return job.id
