"""Team panel, invitation page and lineage forms through the test client; who may do what."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db, frozen_time
from core.mail import Mail
from submissions import lineage, services, teams
from submissions.models import Submission, TeamInvite
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_challenge, make_org, make_user


def enter(user: User, challenge, title: str) -> Submission:
    entry = services.enter_challenge(
        actor=user, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    text = services.EntryText(title, "A summary.", "A description.", "")
    services.save_entry(actor=user, submission=entry, text=text, base_version=0, submit=True)
    return entry


@dataclass
class Team:
    entry: Submission
    owner: User
    member: User
    invitee: User
    other: User
    invite: TeamInvite
    older: Submission  # an earlier entry by someone else, to cite


@pytest.fixture
def team() -> Team:
    org = make_org(owner=make_user("sponsor"))
    challenge = make_challenge(org, visibility="public_on_submit", max_team_size=4)
    owner, member, invitee, other = (make_user(h) for h in ("olga", "bob", "ivy", "otto"))
    older = enter(make_user("early"), challenge, "Earlier <idea>")
    entry = enter(owner, challenge, "Sand battery")
    teams.accept_invite(
        actor=member,
        invite=teams.invite_teammate(actor=owner, submission=entry, handle_or_email="bob"),
    )
    invite = teams.invite_teammate(actor=owner, submission=entry, handle_or_email="ivy")
    return Team(entry, owner, member, invitee, other, invite, older)


def page(client: FlaskClient, url: str) -> str:
    return client.get(url, follow_redirects=True).get_data(as_text=True)


def test_owner_sees_the_panel_with_labelled_forms(client, auth: AuthActions, team: Team) -> None:
    auth.login(team.owner.email)
    html = page(client, f"/submissions/{team.entry.id}")
    assert 'id="team"' in html and "Pending invitations" in html and "@ivy" in html
    assert "ivy@example.org" not in html  # invited by handle: the address stays private
    for field in ("team-invite", f"share-{team.owner.id}", f"share-{team.member.id}"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert html.count("data-confirm=") >= 2 and "50 %" in html and "not accepted yet" in html


def test_the_public_does_not_see_the_team_panel(client, team: Team) -> None:
    html = page(client, f"/submissions/{team.entry.id}")
    assert "Sand battery" in html and 'id="team"' not in html and "@bob" not in html


def test_invitation_by_email_then_accepted_through_the_pages(
    client, auth: AuthActions, team: Team, mails: list[Mail]
) -> None:
    teams.revoke_invite(actor=team.owner, invite=team.invite)
    auth.login(team.owner.email)
    response = client.post(
        f"/submissions/{team.entry.id}/team/invites", data={"handle_or_email": "otto@example.org"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#team")
    link = re.search(r"https?://[^/\s]+(/team-invites/\d+)", mails[-1].body).group(1)
    auth.logout()
    auth.login(team.other.email)
    assert "Accept and join" in page(client, link)
    response = client.post(f"{link}/accept")
    assert response.headers["Location"].endswith(f"/submissions/{team.entry.id}#team")
    html = page(client, response.headers["Location"])
    assert "Welcome to the team" in html and "33.33 %" in html and "33.34 %" in html


def test_declining_shows_the_answer_on_the_invitation_page(client, auth, team: Team) -> None:
    auth.login(team.invitee.email)
    assert "Accept and join" in page(client, f"/team-invites/{team.invite.id}")
    response = client.post(f"/team-invites/{team.invite.id}/decline", follow_redirects=True)
    assert "Invitation declined." in response.text
    assert "This invitation was declined." in response.text
    assert "Accept and join" not in response.text


def test_shares_are_proposed_in_percent_and_a_wrong_sum_is_explained(client, auth, team) -> None:
    auth.login(team.owner.email)
    url = f"/submissions/{team.entry.id}/team/shares"
    split = {f"share-{team.owner.id}": "60", f"share-{team.member.id}": "30"}
    assert "they add up to 90 % (9,000 basis points)" in client.post(
        url, data=split, follow_redirects=True
    ).get_data(as_text=True)
    split[f"share-{team.member.id}"] = "40.00"
    assert "Shares proposed" in client.post(url, data=split, follow_redirects=True).text
    auth.logout()
    auth.login(team.member.email)
    html = page(client, f"/submissions/{team.entry.id}")
    assert "60 %" in html and "40 %" in html and "Accept these shares" in html
    seen = {f"seen-{team.owner.id}": "6000", f"seen-{team.member.id}": "4000"}
    response = client.post(f"{url}/accept", data=seen, follow_redirects=True)
    assert "You accepted the shares." in response.text
    assert "Everyone accepted the shares." in response.text


def test_leaving_sends_the_member_to_the_challenge(client, auth, team: Team) -> None:
    auth.login(team.member.email)
    response = client.post(f"/submissions/{team.entry.id}/team/members/{team.member.id}/remove")
    assert response.headers["Location"].startswith("/challenges/")
    assert team.member.id not in services.get_submission(team.entry.id).member_ids()


ROLES = ("owner", "member", "invitee", "other", "anonymous")
ACTIONS = {
    # action: (method, url template, form data, who succeeds with a redirect)
    "invite": ("post", "/submissions/{e}/team/invites", {"handle_or_email": "zed"}, {"owner"}),
    "revoke": ("post", "/submissions/{e}/team/invites/{i}/revoke", {}, {"owner"}),
    "remove": ("post", "/submissions/{e}/team/members/{m}/remove", {}, {"owner", "member"}),
    "shares": ("post", "/submissions/{e}/team/shares", "split", {"owner"}),
    "accept shares": ("post", "/submissions/{e}/team/shares/accept", {}, {"owner", "member"}),
    "cite": ("post", "/submissions/{e}/lineage", {"entry": "{o}"}, {"owner", "member"}),
    "uncite": ("post", "/submissions/{e}/lineage/{o}/remove", {}, {"owner", "member"}),
    "invitation page": ("get", "/team-invites/{i}", {}, set()),
    "accept invite": ("post", "/team-invites/{i}/accept", {}, {"invitee"}),
    "decline invite": ("post", "/team-invites/{i}/decline", {}, {"invitee"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, auth, team: Team, role: str, action: str) -> None:
    make_user("zed")
    if action == "uncite":
        lineage.declare_builds_on(
            actor=team.owner, submission=team.entry, builds_on_id=team.older.id, note=""
        )
    method, template, data, allowed = ACTIONS[action]
    ids = {"e": team.entry.id, "i": team.invite.id, "m": team.member.id, "o": team.older.id}
    url = template.format(**ids)
    if data == "split":
        data = {f"share-{team.owner.id}": "70", f"share-{team.member.id}": "30"}
    data = {key: value.format(**ids) for key, value in data.items()}
    if role != "anonymous":
        auth.login(getattr(team, role).email)
    response = getattr(client, method)(url, data=data)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif action == "invitation page":
        assert response.status_code == (200 if role == "invitee" else 404)
    elif role in allowed:
        assert response.status_code == 302
        assert "alert-danger" not in page(client, response.headers["Location"])
    else:
        expected = 404 if action.endswith(" invite") else 403
        assert response.status_code == expected


def test_lineage_is_declared_by_address_and_shown_on_both_pages(client, auth, team: Team) -> None:
    older = team.older
    auth.login(team.member.email)
    edit = page(client, f"/submissions/{team.entry.id}/edit")
    assert 'for="lineage-entry"' in edit and 'for="lineage-note"' in edit
    response = client.post(
        f"/submissions/{team.entry.id}/lineage",
        data={"entry": f"http://localhost/submissions/{older.id}", "note": "Same silo."},
    )
    assert response.headers["Location"].endswith(f"/submissions/{team.entry.id}/edit#lineage")
    edit = page(client, response.headers["Location"])
    assert "Lineage saved" in edit and "Earlier &lt;idea&gt;" in edit and "Stop citing" in edit
    auth.logout()
    citing = page(client, f"/submissions/{team.entry.id}")
    assert "Builds on" in citing and "Same silo." in citing and "<svg" in citing
    assert f'href="/submissions/{older.id}"' in citing and "style=" not in citing.split("<svg")[1]
    cited = page(client, f"/submissions/{older.id}")
    assert "Built upon by" in cited and "Sand battery" in cited and "Same silo." in cited


def test_citing_an_entry_you_cannot_see_reads_like_a_missing_one(client, auth, team) -> None:
    hidden_challenge = make_challenge(make_org(), visibility="sponsor_only")
    hidden = enter(make_user("secret"), hidden_challenge, "Secret")
    auth.login(team.owner.email)
    for target in (hidden.id, 987_654):
        html = client.post(
            f"/submissions/{team.entry.id}/lineage",
            data={"entry": str(target)},
            follow_redirects=True,
        ).text
        assert f"There is no entry #{target} that you can see." in html
        assert "Secret" not in html


def test_team_forms_need_a_csrf_token(make_app, team: Team) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    client.post(
        "/login", data={"email": team.owner.email, "password": PASSWORD, "csrf_token": token}
    )
    url = f"/submissions/{team.entry.id}/team/invites"
    assert client.post(url, data={"handle_or_email": "otto"}).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url.split("/team")[0]).text)
    response = client.post(url, data={"handle_or_email": "otto", "csrf_token": token.group(1)})
    assert response.status_code == 302
    db.session.expire_all()
    assert len(teams.pending_invites(team.entry)) == 2


def test_frozen_team_panel_has_no_forms(client, auth, team: Team) -> None:
    auth.login(team.owner.email)
    with frozen_time(team.entry.challenge.closes_at):
        html = page(client, f"/submissions/{team.entry.id}")
        assert "The team and its shares are frozen." in html and "Invite a teammate" not in html
        response = client.post(
            f"/submissions/{team.entry.id}/team/invites", data={"handle_or_email": "otto"}
        )
        assert "deadline has passed" in page(client, response.headers["Location"])
