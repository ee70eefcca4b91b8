"""Every page in the performance table runs as many SQL statements with three times the data as
with one share of it, and as many with a long page as with a short one (no N+1 anywhere)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from challenges.models import ChallengeUpdate, Follow, Question
from core.db import db, utcnow
from submissions.models import TeamMember, TeamRole
from tests.conftest import AuthActions
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.judging_support import World, submit_entry
from tests.queries import count_queries
from tests.results_support import (
    Published,
    add_rows,
    awarded_challenge,
    bare_entries,
    judged_world,
    publish,
)

ANONYMOUS_PAGES = [
    "/",
    "/challenges",
    "/challenges?q=water",
    "/challenges/grid",
    "/solutions",
    "/solutions?page=2",
    "/submissions/{entry}",
    "/winners",
    "/challenges/grid/results",
    "/api/v1/challenges",
    "/api/v1/challenges/grid/results",
    "/login",
]
SIGNED_IN_PAGES = ["/account", "/challenges/grid", "/submissions/{entry}", "/solutions"]


PER_PAGE = 5  # short pages, so a share of data fills the first page and reaches a second
LIST_PAGES = ["/challenges", "/challenges?q=water", "/solutions", "/solutions?page=2", "/winners"]


@dataclass
class Site:
    """The judged "grid" challenge with published results, and what ``grow`` adds around it."""

    world: World
    published: Published
    solver: User  # owns the grid challenge's first entry
    shares: int = 0

    def grow(self, shares: int) -> None:
        """Add ``shares`` more of everything the pages list: open "water" challenges (the
        solver entered one, every entry has a teammate), an awarded challenge, an organization
        the solver belongs to, and on the grid challenge a teammate of the first entry, a
        question, an update, a follower and five ranked rows."""
        grid, entry = self.world.challenge, self.world.entries[0]
        for _ in range(shares):
            self.shares += 1
            n = self.shares
            org = make_org(f"Water works {n}", owner=make_user())
            add_member(make_org(f"Solver club {n}"), self.solver)
            for m in range(2 * PER_PAGE):
                water = make_challenge(
                    org, title=f"Clean water {n}.{m}", visibility="public_on_submit"
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

    def url(self, page: str) -> str:
        return page.format(entry=self.world.entries[0].id)


@pytest.fixture
def site(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setitem(web_app.config, "PER_PAGE", PER_PAGE)
    world = judged_world()
    site = Site(world, publish(world), db.session.get(User, world.entries[0].owner_id))
    site.grow(1)
    return site


def _counts(web_app: Flask, client: FlaskClient, site: Site, pages: list[str]) -> dict[str, int]:
    for page in pages:
        client.get(site.url(page))  # warm up (first-request caches)
    return {page: count_queries(web_app, client, site.url(page)) for page in pages}


def test_anonymous_pages_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, site: Site
) -> None:
    few = _counts(web_app, client, site, ANONYMOUS_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, ANONYMOUS_PAGES) == few


def test_signed_in_pages_run_as_many_queries_with_three_times_the_data(
    web_app: Flask, client: FlaskClient, auth: AuthActions, site: Site
) -> None:
    auth.login(site.solver.email)
    few = _counts(web_app, client, site, SIGNED_IN_PAGES)
    site.grow(2)
    assert _counts(web_app, client, site, SIGNED_IN_PAGES) == few


def test_list_pages_run_as_many_queries_with_four_times_the_page_size(
    web_app: Flask, client: FlaskClient, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.grow(3)
    short = _counts(web_app, client, site, LIST_PAGES)
    api_short = count_queries(web_app, client, "/api/v1/challenges?per_page=5")
    monkeypatch.setitem(web_app.config, "PER_PAGE", 4 * PER_PAGE)
    assert _counts(web_app, client, site, LIST_PAGES) == short
    assert count_queries(web_app, client, "/api/v1/challenges?per_page=20") == api_short
