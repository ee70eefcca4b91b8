"""Every sponsor surface follows the entry page's visibility policy: before the deadline of a
public-after-close or sponsor-only challenge the sponsor sees that entries exist, never their
titles; after the deadline it reads them everywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from judging.results.models import SnapshotState
from judging.rounds.advance import set_rounds
from submissions import services as entries
from submissions.visibility import can_view_submission, visible_entry_ids
from tests.conftest import AuthActions
from tests.factories import make_user
from tests.job_support import ask_for_export, export_entries
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)
from tests.results_support import freeze

SECRET = "Secret Sauce Battery"
HIDDEN = ["public_after_close", "sponsor_only"]
JUDGING = "/challenges/grid/judging"
# (url, screening on?) for the sponsor pages that list the round's entries.
PAGES = [
    (JUDGING, False),  # the assignments table
    (JUDGING, True),  # the screening table of the rounds panel
    (f"{JUDGING}/advance/evaluation", True),
    (f"{JUDGING}/advance/finalist", False),  # entries without evaluation scores
    ("/challenges/grid/manage", False),
    ("/solutions?challenge=grid", False),
]


def _world(visibility: str, *, screening: bool) -> World:
    """A Helios challenge, open, with one submitted entry titled SECRET and a seated judge."""
    world = sponsor_world(k=1)
    world.challenge.solution_visibility = visibility
    db.session.commit()
    set_rounds(actor=world.owner, challenge=world.challenge, screening=screening, finalist_count=2)
    world.entries.append(submit_entry(world.challenge, person("solver1"), title=SECRET))
    seat_judge(world, person("judge1"))
    return world


def _sponsors() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.handle.in_(["owner", "manager"]))))


@pytest.mark.parametrize("visibility", HIDDEN)
@pytest.mark.parametrize(("url", "screening"), PAGES)
def test_sponsor_pages_hide_titles_until_the_deadline_and_show_them_after(
    client: FlaskClient, auth: AuthActions, visibility: str, url: str, screening: bool
) -> None:
    world = _world(visibility, screening=screening)
    for sponsor in _sponsors():
        auth.logout()
        auth.login(sponsor.email)
        page = client.get(url)
        assert page.status_code == 200, (sponsor.handle, url)
        assert SECRET not in page.text, (sponsor.handle, url)
    move(world.challenge, "judging")
    for sponsor in _sponsors():
        auth.logout()
        auth.login(sponsor.email)
        assert SECRET in client.get(url).text, (sponsor.handle, url)


@pytest.mark.usefixtures("export_storage")
@pytest.mark.parametrize("visibility", HIDDEN)
@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_exports_hold_no_title_before_the_deadline(
    client: FlaskClient, auth: AuthActions, visibility: str, fmt: str
) -> None:
    world = _world(visibility, screening=False)
    auth.login(world.owner.email)
    before = ask_for_export(client, "grid", fmt)
    assert before.status_code == 403 and SECRET.encode() not in before.data
    move(world.challenge, "judging")
    after = export_entries(client, "grid", fmt)
    assert after.status_code == 200
    assert SECRET in after.text if fmt == "csv" else b"secret-sauce" in after.data.lower()


@pytest.mark.parametrize("visibility", HIDDEN)
def test_the_report_mail_to_the_sponsor_names_no_hidden_title(
    client: FlaskClient, auth: AuthActions, mails, visibility: str
) -> None:
    world = _world(visibility, screening=False)
    entry = world.entries[0]
    auth.login(make_user("root", admin=True).email)  # the platform team reads every entry
    reason = {"reason": "Copied from a 2019 paper, word for word."}
    assert client.post(f"/submissions/{entry.id}/report", data=reason).status_code == 302
    to_sponsor = [mail for mail in mails if "was reported" in mail.subject]
    assert to_sponsor and all(SECRET not in mail.body for mail in to_sponsor)
    assert all(f"/submissions/{entry.id}" in mail.body for mail in to_sponsor)


@pytest.mark.parametrize("visibility", HIDDEN)
def test_the_results_decision_page_names_entries_once_the_sponsor_may_read_them(
    client: FlaskClient, auth: AuthActions, visibility: str
) -> None:
    world = _world(visibility, screening=False)
    move(world.challenge, "judging")
    snapshot = freeze(world.challenge, world.entries, state=SnapshotState.COMPUTED).snapshot
    for sponsor in _sponsors():
        auth.logout()
        auth.login(sponsor.email)
        page = client.get(f"{JUDGING}/results/{snapshot.id}").text
        assert SECRET in page and "Title hidden" not in page, sponsor.handle


@pytest.mark.parametrize("visibility", ["public_on_submit", *HIDDEN])
def test_the_readable_set_of_sponsor_pages_agrees_with_the_entry_page(visibility: str) -> None:
    """Sponsor pages ask ``entry_id in readable`` of every row; the answer (kept as the entries
    the viewer may not read) is the entry page's own, for every viewer, before and after the
    deadline, for submitted entries and a draft."""
    world = _world(visibility, screening=False)
    world.entries.append(submit_entry(world.challenge, person("solver2"), title="Other"))
    draft = entries.enter_challenge(
        actor=person("solver3"),
        challenge=world.challenge,
        accepts_terms=True,
        attests_eligibility=True,
    )
    admin = make_user("admin", admin=True)
    viewers = [None, world.owner, world.entries[0].owner, person("stranger"), admin]
    for phase in ("open", "judging"):
        move(world.challenge, phase)
        for viewer in viewers:
            readable = visible_entry_ids(viewer, world.challenge)
            for entry in [*world.entries, draft]:
                expected = can_view_submission(viewer, entry)
                assert (entry.id in readable) == expected, (phase, viewer, entry.title)
