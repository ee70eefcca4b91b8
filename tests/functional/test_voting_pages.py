"""Community voting pages: the entry's vote box, the sponsor's settings, the admins' quarantine."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from judging.models import JudgingSettings
from judging.voting import votes as voting
from judging.voting.models import Vote, VoteEvent, VoteReview
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.judging_support import seat_judge
from tests.voting_support import count, voter, voting_world


def _vote(client: FlaskClient, entry_id: int, value: str, follow: bool = False):
    return client.post(
        f"/submissions/{entry_id}/vote", data={"value": value}, follow_redirects=follow
    )


def test_an_eligible_voter_votes_up_changes_to_down_and_withdraws(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    ada, entry = voter("ada"), world.entries[0]
    auth.login(ada.email)
    page = unescape(client.get(f"/submissions/{entry.id}").text)
    assert "Community vote" in page and "Vote up" in page and "Vote down" in page
    assert "Withdraw my vote" not in page
    first = _vote(client, entry.id, "1")
    assert first.status_code == 302 and first.headers["Location"].endswith(
        f"/submissions/{entry.id}#votes"
    )
    page = unescape(client.get(f"/submissions/{entry.id}").text)
    assert "Your up-vote is in." in page and "Your vote: <strong>up</strong>" in page
    assert "<strong>1</strong> up" in page and "Withdraw my vote" in page
    changed = _vote(client, entry.id, "-1", follow=True).text
    assert "Your down-vote is in." in changed and "<strong>1</strong> down" in changed
    withdrawn = _vote(client, entry.id, "0", follow=True).text
    assert "Your vote was withdrawn." in withdrawn and "<strong>0</strong> down" in withdrawn
    db.session.expire_all()
    assert count(Vote) == 0
    assert db.session.scalars(sa.select(VoteEvent.value).order_by(VoteEvent.id)).all() == [1, -1, 0]


def test_voting_twice_the_same_way_says_the_vote_was_already_counted(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    auth.login(voter("ada").email)
    _vote(client, world.entries[0].id, "1")
    again = _vote(client, world.entries[0].id, "1", follow=True)
    assert again.status_code == 200 and "Your vote was already counted" in again.text
    db.session.expire_all()
    assert count(Vote) == 1 and count(VoteEvent) == 1


def test_voting_on_your_own_entry_is_forbidden_and_writes_nothing(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    entry = world.entries[0]
    auth.login(entry.owner.email)
    assert "Team members can't vote on their own entry" in unescape(
        client.get(f"/submissions/{entry.id}").text
    )
    refused = _vote(client, entry.id, "1")
    assert refused.status_code == 403 and "You can't vote on your own entry" in unescape(
        refused.text
    )
    db.session.expire_all()
    assert count(Vote) == 0 and count(VoteEvent) == 0


def test_a_vote_that_is_not_up_down_or_withdraw_is_a_bad_request(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    auth.login(voter("ada").email)
    assert _vote(client, world.entries[0].id, "5").status_code == 400
    assert _vote(client, world.entries[0].id, "up").status_code == 400
    db.session.expire_all()
    assert count(VoteEvent) == 0


def test_an_ineligible_vote_is_refused_with_a_flash_on_the_entry_page(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    auth.login(voter("fresh", age_days=2).email)
    refused = _vote(client, world.entries[0].id, "1", follow=True)
    assert refused.status_code == 200 and "Accounts can vote 7 days after sign-up." in refused.text
    db.session.expire_all()
    assert count(Vote) == 0


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "Sign in to vote"),
        ("unverified", "Verify your e-mail to vote"),
        ("fresh", "Accounts can vote 7 days after sign-up (on "),
        ("teammate", "Team members can't vote on their own entry"),
        ("judge", "Judges don't vote"),
    ],
)
def test_ineligible_viewers_see_why_in_one_line(
    client: FlaskClient, auth: AuthActions, who: str, expected: str
) -> None:
    world = voting_world()
    entry = world.entries[0]
    if who == "unverified":
        auth.login(voter("unv", verified=False).email)
    elif who == "fresh":
        auth.login(voter("fresh", age_days=1).email)
    elif who == "teammate":
        auth.login(entry.owner.email)
    elif who == "judge":
        judge = voter("judy")
        seat_judge(world, judge)
        auth.login(judge.email)
    page = unescape(client.get(f"/submissions/{entry.id}").text)
    assert expected in page
    assert "Vote up" not in page


def test_the_vote_box_is_absent_without_community_voting(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    world.challenge.community_voting = False
    db.session.commit()
    auth.login(voter("ada").email)
    page = unescape(client.get(f"/submissions/{world.entries[0].id}").text)
    assert "Community vote" not in page and "Vote up" not in page


def test_a_quarantined_vote_shows_to_its_voter_as_under_review(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    ada = voter("ada")
    db.session.add(
        Vote(
            submission_id=world.entries[0].id,
            user_id=ada.id,
            value=1,
            quarantined=True,
            flag_reasons="ring",
        )
    )
    db.session.commit()
    auth.login(ada.email)
    page = unescape(client.get(f"/submissions/{world.entries[0].id}").text)
    assert "under review" in page and "<strong>0</strong> up" in page


def test_votes_need_a_csrf_token(make_app) -> None:
    world = voting_world()
    ada = voter("ada")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', unescape(client.get("/login").text)
    ).group(1)
    login = {"email": ada.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    assert _vote(client, world.entries[0].id, "1").status_code == 400
    db.session.expire_all()
    assert count(Vote) == 0


# ---- the sponsor's dashboard -----------------------------------------------------------------


def test_the_dashboard_shows_community_standings_by_wilson_bound(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    crowd = [voter(f"v{n}") for n in range(5)]
    two, five = world.entries[0], world.entries[1]
    for user in crowd[:2]:
        db.session.add(Vote(submission_id=two.id, user_id=user.id, value=1))
    for user in crowd:
        db.session.add(Vote(submission_id=five.id, user_id=user.id, value=1))
    db.session.add(
        Vote(
            submission_id=two.id,
            user_id=crowd[3].id,
            value=1,
            quarantined=True,
            flag_reasons="ring",
        )
    )
    db.session.commit()
    auth.login(world.owner.email)
    page = unescape(client.get("/challenges/grid/judging").text)
    standings = page[page.index("Community standings") :]
    assert standings.index("Entry 2") < standings.index("Entry 1")
    assert "0.566" in standings and "0.342" in standings
    assert "1 vote waits in quarantine" in standings
    assert "0.5 would let the crowd overturn the panel" in page


def test_the_dashboard_warns_when_the_public_cannot_see_entries_to_vote(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world(visibility="public_after_close")
    auth.login(world.owner.email)
    page = unescape(client.get("/challenges/grid/judging").text)
    assert "so the public cannot see them to vote" in page
    world.challenge.solution_visibility = "public_on_submit"
    db.session.commit()
    assert "so the public cannot see them to vote" not in unescape(
        client.get("/challenges/grid/judging").text
    )


def test_the_sponsor_saves_people_s_choice_settings_and_bad_weights_are_refused(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    tier = world.challenge.prize_tiers[1]
    auth.login(world.owner.email)
    too_much = client.post(
        "/challenges/grid/judging/community",
        data={"peoples_choice_tier": str(tier.id), "community_weight": "0.5"},
        follow_redirects=True,
    )
    assert too_much.status_code == 200 and "0.3" in too_much.text
    db.session.expire_all()
    kept = db.session.get(JudgingSettings, world.challenge.id)
    assert (kept.peoples_choice_tier_id, kept.community_weight) == (None, 0)
    saved = client.post(
        "/challenges/grid/judging/community",
        data={"peoples_choice_tier": str(tier.id), "community_weight": "0.2"},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#community")
    db.session.expire_all()
    settings = db.session.get(JudgingSettings, world.challenge.id)
    assert (settings.peoples_choice_tier_id, settings.community_weight) == (tier.id, 0.2)
    page = unescape(client.get("/challenges/grid/judging").text)
    assert f'<option selected value="{tier.id}">' in page


@pytest.mark.parametrize("weight", ["nan", "inf", "1e400"])
def test_a_community_weight_that_is_not_a_number_is_refused(
    client: FlaskClient, auth: AuthActions, weight: str
) -> None:
    world = voting_world()
    tier = world.challenge.prize_tiers[1]
    auth.login(world.owner.email)
    refused = client.post(
        "/challenges/grid/judging/community",
        data={"peoples_choice_tier": str(tier.id), "community_weight": weight},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "between 0 and 0.3" in refused.text
    db.session.expire_all()
    kept = db.session.get(JudgingSettings, world.challenge.id)
    assert (kept.peoples_choice_tier_id, kept.community_weight) == (None, 0)


def test_platform_admins_see_the_community_settings_read_only(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = voting_world()
    admin = voter("admin")
    admin.is_admin = True
    db.session.commit()
    auth.login(admin.email)
    page = unescape(client.get("/challenges/grid/judging").text)
    assert "People's Choice prize: none" in page
    assert "Save community settings" not in page
    assert world.challenge.title in page


# ---- the admins' quarantine queue ------------------------------------------------------------


def _flagged_world():
    world = voting_world()
    ring = [voter(f"ring{n}", age_days=20 + n) for n in range(3)]
    for user in ring:
        for entry in world.entries:
            voting.cast_vote(actor=user, submission=entry, value=1, ip="192.0.2.1")
    voting.scan_votes(world.challenge.id)
    db.session.commit()
    admin = voter("admin")
    admin.is_admin = True
    db.session.commit()
    return world, ring, admin


def test_admins_see_flagged_votes_by_challenge_and_count_or_discard_them(
    client: FlaskClient, auth: AuthActions
) -> None:
    world, ring, admin = _flagged_world()
    auth.login(admin.email)
    assert re.search(r"Vote quarantine <span[^>]*>9</span>", unescape(client.get("/admin").text))
    page = unescape(client.get("/admin/votes").text)
    assert world.challenge.title in page and "@ring0" in page and "20 days" in page
    assert "votes in lockstep with accounts created at the same time" in page
    assert 'data-confirm="Discard this vote by @ring0' in page
    vote = db.session.scalars(
        sa.select(Vote).where(Vote.user_id == ring[0].id, Vote.submission_id == world.entries[0].id)
    ).one()
    counted = client.post(f"/admin/votes/{vote.id}/count", follow_redirects=True)
    assert "The vote counts." in counted.text
    other = db.session.scalars(
        sa.select(Vote).where(Vote.user_id == ring[1].id, Vote.submission_id == world.entries[0].id)
    ).one()
    discarded = client.post(f"/admin/votes/{other.id}/discard", follow_redirects=True)
    assert "The vote is discarded" in discarded.text
    again = client.post(f"/admin/votes/{other.id}/count", follow_redirects=True)
    assert "already reviewed" in again.text
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).reviewed_by_id == admin.id
    assert db.session.get(Vote, other.id).review == VoteReview.DISCARDED
    assert voting.tally_of(world.entries[0]) == (1, 0)
    assert voting.quarantined_count() == 7


def test_reviewing_a_vote_its_voter_withdrew_is_a_clear_error(
    client: FlaskClient, auth: AuthActions
) -> None:
    _world, ring, admin = _flagged_world()
    vote = db.session.scalars(sa.select(Vote).where(Vote.user_id == ring[0].id)).first()
    vote_id = vote.id
    voting.cast_vote(actor=ring[0], submission=vote.submission, value=0, ip=None)
    auth.login(admin.email)
    gone = client.post(f"/admin/votes/{vote_id}/discard")
    assert gone.status_code == 404 and "withdrew it" in gone.text


def test_an_empty_quarantine_says_so(client: FlaskClient, auth: AuthActions) -> None:
    admin = voter("admin")
    admin.is_admin = True
    db.session.commit()
    auth.login(admin.email)
    assert "No votes wait in quarantine." in unescape(client.get("/admin/votes").text)
