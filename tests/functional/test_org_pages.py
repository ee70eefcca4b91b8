"""Organization pages: create, public page, invitations and member management."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import Invitation, Membership, Organization, OrgRole
from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import add_member, make_org, make_user


def _invite_path(mail: Mail) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/\S+)", mail.body)
    assert match
    return match.group(1)


def test_create_org_then_public_page_shows_it(client: FlaskClient, auth: AuthActions) -> None:
    make_user("founder", display_name="Fay Founder")
    auth.login("founder@example.org")
    response = client.post(
        "/orgs/new",
        data={
            "name": "Helios Energy",
            "website": "https://helios.example",
            "description": "We fund **storage**.",
        },
        follow_redirects=True,
    )
    assert b"Helios Energy is created" in response.data
    page = client.get("/orgs/helios-energy").get_data(as_text=True)
    assert "<strong>storage</strong>" in page and "Fay Founder" in page


def test_org_form_errors_rerender(client: FlaskClient, auth: AuthActions) -> None:
    make_user("founder")
    auth.login("founder@example.org")
    response = client.post("/orgs/new", data={"name": "", "website": "ftp://x"})
    assert response.status_code == 422
    assert b"This field is required" in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_unverified_user_is_sent_to_verify_first(client: FlaskClient, auth: AuthActions) -> None:
    make_user("newbie", verified=False)
    auth.login("newbie@example.org")
    response = client.get("/orgs/new", follow_redirects=True)
    assert b"Confirm your e-mail address before creating an organization" in response.data


def test_invite_and_accept_through_pages(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    response = client.post(
        "/orgs/helios/invitations",
        data={"email": "new@example.org", "role": "manager"},
        follow_redirects=True,
    )
    assert b"Invitation sent to new@example.org" in response.data
    assert b"new@example.org" in client.get("/orgs/helios/members").data
    auth.logout()
    path = _invite_path(mails[-1])
    page = client.get(path)
    assert b"You are invited as <strong>manager</strong>" in page.data
    make_user("newcomer", email="new@example.org")
    auth.login("new@example.org")
    response = client.post(path, follow_redirects=True)
    assert b"Welcome to Helios" in response.data
    role = db.session.scalar(
        sa.select(Membership.role).where(Membership.org_id == org.id, Membership.role == "manager")
    )
    assert role == OrgRole.MANAGER
    response = client.post(path)
    assert response.status_code == 409


def test_invitation_for_a_different_email_gives_clear_error(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    client.post("/orgs/helios/invitations", data={"email": "new@example.org", "role": "member"})
    auth.logout()
    make_user("someone")
    auth.login("someone@example.org")
    path = _invite_path(mails[-1])
    assert b"Sign in with the account for new@example.org" in client.get(path).data
    response = client.post(path)
    assert response.status_code == 422
    assert b"different e-mail address" in response.data
    assert db.session.scalar(sa.select(Invitation.status)) == "pending"


def test_bad_invitation_token_is_a_clear_error(client: FlaskClient) -> None:
    response = client.get("/invitations/not-a-token")
    assert response.status_code == 422
    assert b"This link is not valid" in response.data


def test_invite_form_errors_show_on_members_page(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    response = client.post("/orgs/helios/invitations", data={"email": "nope", "role": "member"})
    assert response.status_code == 422 and b"Invalid email address" in response.data
    response = client.post(
        "/orgs/helios/invitations", data={"email": "owner@example.org", "role": "member"}
    )
    assert response.status_code == 422 and b"already a member" in response.data
    response = client.post(
        "/orgs/helios/invitations", data={"email": "a@example.org", "role": "emperor"}
    )
    assert response.status_code == 422 and b"Not a valid choice" in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_removing_the_last_owner_is_refused_with_409(
    client: FlaskClient, auth: AuthActions
) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    mine = db.session.scalar(sa.select(Membership).where(Membership.user_id == owner.id))
    auth.login(owner.email)
    response = client.post(f"/orgs/helios/members/{mine.id}/remove")
    assert response.status_code == 409
    assert b"last owner" in response.data
    response = client.post(f"/orgs/helios/members/{mine.id}/role", data={"role": "member"})
    assert response.status_code == 409
    assert (
        db.session.scalar(sa.select(Membership.role).where(Membership.org_id == org.id)) == "owner"
    )


def test_owner_changes_role_and_removes_member(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    member = add_member(org, make_user("member", display_name="Max"))
    auth.login(owner.email)
    response = client.post(
        f"/orgs/helios/members/{member.id}/role", data={"role": "manager"}, follow_redirects=True
    )
    assert b"Max is now manager" in response.data
    response = client.post(f"/orgs/helios/members/{member.id}/remove", follow_redirects=True)
    assert b"Max was removed from Helios" in response.data
    assert client.post("/orgs/helios/members/999999/remove").status_code == 404


def test_membership_of_another_org_is_not_found(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    other = make_org("Other", owner=make_user("other"), slug="other")
    theirs = db.session.scalar(sa.select(Membership).where(Membership.org_id == other.id))
    auth.login(owner.email)
    assert client.post(f"/orgs/helios/members/{theirs.id}/remove").status_code == 404


def test_unknown_org_is_404(client: FlaskClient) -> None:
    assert client.get("/orgs/nope").status_code == 404


def test_admin_page_searches_users_and_orgs(client: FlaskClient, auth: AuthActions) -> None:
    make_user("admin", admin=True)
    make_user("zelda")
    make_org("Zeta Labs", slug="zeta-labs")
    auth.login("admin@example.org")
    users = client.get("/admin?q=zel").get_data(as_text=True)
    assert "zelda@example.org" in users and "admin@example.org" not in users
    orgs = client.get("/admin?tab=orgs&q=zeta").get_data(as_text=True)
    assert "Zeta Labs" in orgs
    empty = client.get("/admin?q=%25_nothing").get_data(as_text=True)
    assert "Nothing found" in empty
    assert client.get("/admin?page=999", follow_redirects=True).status_code == 200
