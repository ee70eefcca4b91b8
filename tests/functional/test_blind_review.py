"""Blind review holds on every page and endpoint a judge can reach, signed in or not.

Decision (README, "Openness"): while a challenge is under blind review (the default) and its
results are not published, its entries carry no author names, handles or team on any surface,
for anyone but the entry's team, platform admins and sponsor members who do not sit on the
panel. The public is included, because a judge can always browse anonymously; the API, which
answers as the public, therefore names no authors either. Results published, a cancelled
challenge or blind review off: names show as usual.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import OrgRole, User
from core.db import db, utcnow
from judging.models import Assignment, JudgingSettings
from submissions.lineage import declare_builds_on
from tests.conftest import AuthActions
from tests.factories import add_member, make_user
from tests.job_support import export_entries
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)

# viewer -> may see the authors while the challenge is under blind review
VIEWERS = {
    "anonymous": False,
    "passer_by": False,
    "assigned_judge": False,
    "other_judge": False,
    "judging_manager": False,  # a sponsor manager who sits on the panel
    "sponsor_owner": True,  # not on the panel: the sponsor knows its entrants
    "team": True,
    "admin": True,
}
NAMES = ("solver1", "mate1")  # handles; display names are the same, title-cased


def _world() -> tuple[World, dict[str, User | None]]:
    """An open, public-on-submit challenge (blind review by default): an entry by solver1 and
    mate1, a later entry by solver2 building on it; then judging with judge1 assigned."""
    world = sponsor_world(k=1)
    world.challenge.solution_visibility = "public_on_submit"
    db.session.commit()
    solver1, mate1, solver2 = person("solver1"), person("mate1"), person("solver2")
    first = submit_entry(world.challenge, solver1, team=[mate1], title="Heat battery")
    later = submit_entry(world.challenge, solver2, title="Sand silo, revisited")
    declare_builds_on(actor=solver2, submission=later, builds_on_id=first.id, note="Scaled up.")
    world.entries += [first, later]
    judges = [seat_judge(world, person(name)) for name in ("judge1", "judge2")]
    manager = db.session.scalar(sa.select(User).where(User.handle == "manager"))
    seat_judge(world, manager)
    move(world.challenge, "judging")
    db.session.add(
        Assignment(judge_id=judges[0].id, submission_id=first.id, blind_label="Entry #a1b2c3")
    )
    db.session.commit()
    people = {
        "anonymous": None,
        "passer_by": make_user("passer"),
        "assigned_judge": judges[0].user,
        "other_judge": judges[1].user,
        "judging_manager": manager,
        "sponsor_owner": world.owner,
        "team": mate1,
        "admin": make_user("root", admin=True),
    }
    return world, people


def _pages(world: World) -> list[str]:
    first, later = world.entries
    return [
        "/solutions",
        "/solutions?challenge=grid",
        f"/submissions/{first.id}",
        f"/submissions/{later.id}",  # its lineage names the first entry
        "/challenges/grid",
        "/feeds/challenges.atom",
        "/winners",
    ]


def _names_in(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name in NAMES if name in lowered]


def _login(client: FlaskClient, auth: AuthActions, user: User | None) -> None:
    auth.logout()
    if user is not None:
        assert auth.login(user.email).status_code == 302


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_pages_name_authors_only_to_those_blind_review_allows(
    client: FlaskClient, auth: AuthActions, viewer: str
) -> None:
    world, people = _world()
    _login(client, auth, people[viewer])
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, (viewer, url)
        found = _names_in(response.text)
        if VIEWERS[viewer]:
            continue  # names may show; checked for the entry page below
        assert found == [], (viewer, url, found)
    entry_page = client.get(f"/submissions/{world.entries[0].id}").text
    assert bool(_names_in(entry_page)) is VIEWERS[viewer], viewer
    # An author's profile would name them by listing the entry.
    assert ("Heat battery" in client.get("/u/solver1").text) is VIEWERS[viewer], viewer


def test_the_judges_own_pages_stay_blind(client: FlaskClient, auth: AuthActions) -> None:
    _, people = _world()
    _login(client, auth, people["assigned_judge"])
    assignment = db.session.scalars(sa.select(Assignment)).one()
    for url in ("/judging", f"/judging/assignments/{assignment.id}"):
        page = client.get(url)
        assert page.status_code == 200 and _names_in(page.text) == [], url


def test_the_api_names_no_author_while_blind_review_runs(
    client: FlaskClient, auth: AuthActions
) -> None:
    world, people = _world()
    _login(client, auth, people["assigned_judge"])  # cookies change nothing: the API is public
    first = world.entries[0]
    one = client.get(f"/api/v1/submissions/{first.id}").get_json()
    listed = client.get("/api/v1/challenges/grid/submissions").get_json()["data"]
    for document in [one, *listed]:
        assert document["team"] == [] and document["authors_hidden"] is True
    assert _names_in(str(one)) == [] and _names_in(str(listed)) == []


@pytest.mark.parametrize("how", ["results", "blind_off", "cancelled"])
def test_names_show_once_blind_review_is_over_or_off(
    client: FlaskClient, auth: AuthActions, how: str
) -> None:
    world, people = _world()
    if how == "results":
        world.challenge.awarded_at = utcnow()
    elif how == "cancelled":
        world.challenge.cancelled_at = utcnow()
        world.challenge.cancel_reason = "Budget withdrawn."
    else:
        db.session.get(JudgingSettings, world.challenge.id).blind_review = False
    db.session.commit()
    _login(client, auth, people["assigned_judge"])
    first = world.entries[0]
    assert _names_in(client.get(f"/submissions/{first.id}").text) == list(NAMES)
    assert "solver1" in client.get("/solutions?challenge=grid").text.lower()
    assert "Heat battery" in client.get("/u/solver1").text
    document = client.get(f"/api/v1/submissions/{first.id}").get_json()
    assert document["authors_hidden"] is False
    assert [member["handle"] for member in document["team"]] == list(NAMES)


@pytest.mark.usefixtures("export_storage")
def test_a_sponsor_member_on_the_panel_sees_no_names_in_the_exports(
    client: FlaskClient, auth: AuthActions
) -> None:
    world, people = _world()
    _login(client, auth, people["judging_manager"])
    csv = export_entries(client, "grid", "csv")
    assert csv.status_code == 200 and "Heat battery" in csv.text and _names_in(csv.text) == []
    add_member(world.org, make_user("clerk"), OrgRole.MANAGER)
    _login(client, auth, db.session.scalar(sa.select(User).where(User.handle == "clerk")))
    assert _names_in(export_entries(client, "grid", "csv").text) == list(NAMES)
