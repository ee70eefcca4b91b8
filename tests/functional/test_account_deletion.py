"""Delete my account: refused with a reason while something depends on the person; otherwise
the account is anonymised, signed out everywhere, and what others rely on stays intact."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Membership, Notice, OrgRole, User
from accounts.passwords import verify_password
from accounts.services import get_user_by_email, get_user_by_handle
from challenges.models import Follow
from core.audit import AuditEntry
from core.db import db, utcnow
from core.mail import Mail, send_mail
from judging.models import Assignment, AssignmentState, Judge, Review
from judging.voting.models import Vote
from payments.models import LedgerEntry, LedgerKind
from payments.payouts.models import Payout, PayoutStatus
from tests.conftest import AuthActions
from tests.factories import PASSWORD, add_member, make_challenge, make_org, make_user
from tests.judging_support import assigned_world, judging_world, person, submit_entry
from tests.judging_support import submitted_review as submitted_review_world
from tests.results_support import awarded_challenge


def _user(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _confirm(user: User, **changes: str) -> dict[str, str]:
    return {"handle": user.handle, "password": PASSWORD, **changes}


def _signed_in(web_app: Flask, email: str) -> FlaskClient:
    client = web_app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


class Subject:
    """judge1: wrote a submitted review on a judged challenge, voted, and won a prize (paid,
    in the ledger) with an entry made public when the results came out."""

    def __init__(self) -> None:
        world, assignment = submitted_review_world()
        self.world = world
        self.user = assignment.judge.user
        self.review_id = db.session.scalar(
            sa.select(Review.id).where(Review.assignment_id == assignment.id)
        )
        vote = Vote(submission_id=world.entries[0].id, user_id=self.user.id, value=1)
        db.session.add(vote)
        published = awarded_challenge(
            world.org,
            self.user,
            title="Third challenge",
            entry_title="Old idea",
            at=utcnow(),
            visibility="public_on_submit",
        )
        award = published.awards[0]
        self.entry_id = award.submission_id
        now = utcnow()
        payout = Payout(
            award_id=award.id,
            challenge_id=award.challenge_id,
            user_id=self.user.id,
            amount=250_000,
            currency="USD",
            status=PayoutStatus.PAID,
            idempotency_key="payout:test",
            destination_account="acct_test",
            processing_started_at=now,
            stripe_transfer_id="tr_test",
            paid_at=now,
        )
        db.session.add(payout)
        db.session.flush()
        ledger = LedgerEntry(
            challenge_id=award.challenge_id,
            kind=LedgerKind.PAID_OUT,
            amount=250_000,
            currency="USD",
            reference="tr_test",
            payout_id=payout.id,
        )
        db.session.add_all([ledger, Follow(user_id=self.user.id, challenge_id=world.challenge.id)])
        db.session.commit()
        self.vote_id, self.payout_id, self.ledger_id = vote.id, payout.id, ledger.id
        self.email, self.handle, self.name = self.user.email, self.user.handle, "Judge1"


@pytest.fixture
def subject() -> Subject:
    return Subject()


def test_the_page_explains_what_is_erased_and_what_stays(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_user("ada")
    auth.login("ada@example.org")

    page = client.get("/account/delete")

    assert page.status_code == 200
    for text in ("What is erased", "What stays, and why", "open licence", "money ledger"):
        assert text in page.text
    assert "<fieldset disabled" not in page.text
    assert 'href="/account/delete"' in client.get("/account").text


def test_deleting_anonymises_the_account_and_keeps_what_others_rely_on(
    web_app: Flask, client: FlaskClient, auth: AuthActions, mails: list[Mail], subject: Subject
) -> None:
    auth.login(subject.email)
    cookie = client.get_cookie("session")
    assert cookie is not None
    laptop = _signed_in(web_app, subject.email)
    sent = len(mails)

    response = client.post("/account/delete", data=_confirm(subject.user))

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your account is deleted." in client.get("/").text
    user = _user(subject.user.id)
    assert user.deleted_at is not None and not user.shown_as_former
    assert (user.email, user.handle) == (f"deleted-{user.id}@invalid", f"deleted.{user.id}")
    assert user.display_name == subject.name  # the attribution of published entries
    assert not verify_password(user.password_hash, PASSWORD)
    assert (user.bio, user.website, user.pending_email, user.mail_updates) == ("", "", None, False)
    # Signed out here and everywhere; the old cookie no longer signs anyone in.
    assert "/login" in client.get("/account").headers["Location"]
    assert "/login" in laptop.get("/account").headers["Location"]
    replay = web_app.test_client()
    replay.set_cookie("session", cookie.value)
    assert "/login" in replay.get("/account").headers["Location"]
    assert AuthActions(web_app.test_client()).login(subject.email).status_code == 422
    # Records keep pointing at the same account.
    assert db.session.get(Vote, subject.vote_id).user_id == user.id
    review = db.session.get(Review, subject.review_id)
    assert review is not None and review.submitted_at is not None
    assert db.session.get(Payout, subject.payout_id).user_id == user.id
    assert db.session.get(LedgerEntry, subject.ledger_id).payout_id == subject.payout_id
    seat = db.session.scalar(sa.select(Judge).where(Judge.user_id == user.id))
    assert seat is not None and seat.email == user.email
    # What only served the person is gone.
    assert db.session.scalar(sa.select(Follow).where(Follow.user_id == user.id)) is None
    assert db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id)) is None
    assert db.session.scalar(sa.select(Notice).where(Notice.user_id == user.id)) is None
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "accounts.delete"))
    assert audit is not None and audit.object_id == user.id
    # The open entry stays public under the name; the profile is gone.
    entry = web_app.test_client().get(f"/submissions/{subject.entry_id}")
    assert entry.status_code == 200 and subject.name in entry.text
    assert web_app.test_client().get(f"/u/{subject.handle}").status_code == 404
    # The entry page still links the author: the link explains the deletion, not a bare 404.
    assert f'href="/u/{user.handle}"' in entry.text
    gone = web_app.test_client().get(f"/u/{user.handle}")
    assert gone.status_code == 410 and "This account was deleted." in gone.text
    assert get_user_by_handle(user.handle) is None and get_user_by_email(user.email) is None
    send_mail(user.email, "Your entry was awarded", "Congratulations!")
    db.session.commit()
    assert not [mail for mail in mails if mail.to == user.email]
    # The last mail went to the old address, before it was erased.
    goodbye = [mail for mail in mails[sent:] if mail.to == subject.email]
    assert [mail.subject for mail in goodbye] == ["Your OpenPrize account was deleted"]
    assert f"@{subject.handle}" in goodbye[0].body


def test_a_deleted_address_can_sign_up_again(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    ada = make_user("ada")
    auth.login("ada@example.org")
    assert client.post("/account/delete", data=_confirm(ada)).status_code == 302

    signup = {
        "email": "ada@example.org",
        "display_name": "Ada again",
        "handle": "ada",
        "password": "a-brand-new-passphrase-77",
        "accept_terms": "y",
    }
    response = client.post("/signup", data=signup)

    assert response.status_code == 302, response.text[:2000]
    db.session.expire_all()
    accounts = db.session.scalars(sa.select(User).order_by(User.id)).all()
    assert [(u.handle, u.deleted_at is None) for u in accounts] == [
        (f"deleted.{ada.id}", False),
        ("ada", True),
    ]


def test_choosing_former_member_replaces_the_name_on_published_entries(
    web_app: Flask, client: FlaskClient, auth: AuthActions, subject: Subject
) -> None:
    auth.login(subject.email)

    data = _confirm(subject.user, show_as_former_member="y")
    assert client.post("/account/delete", data=data).status_code == 302

    user = _user(subject.user.id)
    assert user.shown_as_former and user.display_name == "Former member"
    entry = web_app.test_client().get(f"/submissions/{subject.entry_id}")
    assert entry.status_code == 200
    assert "Former member" in entry.text and subject.name not in entry.text
    # The name is stored in English but shown in the reader's language.
    spanish = web_app.test_client().get(
        f"/submissions/{subject.entry_id}", headers={"Accept-Language": "es"}
    )
    assert "Antiguo miembro" in spanish.text and "Former member" not in spanish.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "not-my-password-1"}, "Your password is wrong."),
        ({"handle": "someone-else"}, "Type your handle exactly as shown."),
        ({"handle": ""}, "This field is required."),
    ],
)
def test_a_wrong_confirmation_deletes_nothing(
    client: FlaskClient,
    auth: AuthActions,
    mails: list[Mail],
    changes: dict[str, str],
    message: str,
) -> None:
    ada = make_user("ada")
    auth.login("ada@example.org")
    sent = len(mails)

    response = client.post("/account/delete", data=_confirm(ada, **changes))

    assert response.status_code == 422
    assert message in response.text
    assert "data-error-summary" in response.text or "is-invalid" in response.text
    user = _user(ada.id)
    assert (user.deleted_at, user.email, user.handle) == (None, "ada@example.org", "ada")
    assert len(mails) == sent
    assert client.get("/account").status_code == 200


def _payout_in_flight() -> tuple[User, str]:
    solver = person("solver")
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    published = awarded_challenge(org, solver, title="Grid", entry_title="Idea", at=utcnow())
    award = published.awards[0]
    db.session.add(
        Payout(
            award_id=award.id,
            challenge_id=award.challenge_id,
            user_id=solver.id,
            amount=250_000,
            currency="USD",
            status=PayoutStatus.PENDING,
        )
    )
    db.session.commit()
    return solver, "You have a payout of $2,500 in progress for Grid"


def _failed_payout_not_reissued() -> tuple[User, str]:
    solver, _message = _payout_in_flight()
    payout = db.session.scalar(sa.select(Payout))
    payout.status = PayoutStatus.FAILED
    payout.idempotency_key, payout.destination_account = "payout:x", "acct_x"
    payout.processing_started_at = utcnow()
    db.session.commit()
    return solver, "Your payout of $2,500 for Grid failed and waits to be sent again"


def _sole_owner_with_members() -> tuple[User, str]:
    owner = make_user("ada")
    org = make_org("Helios", owner=owner, slug="helios")
    add_member(org, make_user("bob"), OrgRole.MANAGER)
    return owner, "You are the only owner of Helios, which has other members"


def _sole_owner_of_a_live_challenge() -> tuple[User, str]:
    owner = make_user("ada")
    org = make_org("Helios", owner=owner, slug="helios")
    make_challenge(org, title="Grid", phase="judging")
    return owner, "which runs Grid: a live challenge cannot be abandoned"


def _entry_in_the_running() -> tuple[User, str]:
    world = judging_world(entry_count=1, judge_count=1)
    solver = db.session.get(User, world.entries[0].owner_id)
    return solver, "Your entry to Grid Storage Challenge is still in the running"


def _reviews_due() -> tuple[User, str]:
    _world, rows = assigned_world()
    assert rows[0].state == AssignmentState.ASSIGNED
    return rows[0].judge.user, "You have reviews due for Grid Storage Challenge"


@pytest.mark.parametrize(
    "blocked",
    [
        _payout_in_flight,
        _failed_payout_not_reissued,
        _sole_owner_with_members,
        _sole_owner_of_a_live_challenge,
        _entry_in_the_running,
        _reviews_due,
    ],
)
def test_deletion_waits_for_what_depends_on_the_person(
    client: FlaskClient,
    auth: AuthActions,
    mails: list[Mail],
    blocked: Callable[[], tuple[User, str]],
) -> None:
    user, reason = blocked()
    email, handle = user.email, user.handle
    auth.login(email)
    sent = len(mails)

    page = client.get("/account/delete")
    assert page.status_code == 200
    assert reason in page.text and "<fieldset disabled" in page.text

    response = client.post("/account/delete", data=_confirm(user))

    assert response.status_code == 422
    assert "Your account cannot be deleted yet" in response.text
    assert reason in response.text
    after = _user(user.id)
    assert (after.deleted_at, after.email, after.handle) == (None, email, handle)
    assert verify_password(after.password_hash, PASSWORD)
    assert len(mails) == sent
    assert client.get("/account").status_code == 200


def test_finished_work_does_not_block(client: FlaskClient, auth: AuthActions) -> None:
    """A submitted review, a withdrawn entry, a failed payout paid by its re-issue and a
    sole-owned organization without members or live challenges leave the way open."""
    world, assignment = submitted_review_world()
    judge = assignment.judge.user
    own = make_org("Solo lab", owner=judge, slug="solo")
    make_challenge(own, title="Old one", phase="awarded")
    make_challenge(own, title="Dropped", phase="cancelled")
    make_challenge(own, title="Idea", published=False)
    mine = submit_entry(make_challenge(world.org, slug="other", phase="open"), judge)
    mine.status = "withdrawn"
    award = awarded_challenge(world.org, judge, title="Won", entry_title="Idea", at=utcnow())
    now = utcnow()
    for reissue, status in enumerate([PayoutStatus.FAILED, PayoutStatus.PAID]):
        db.session.add(
            Payout(
                award_id=award.awards[0].id,
                challenge_id=award.challenge.id,
                user_id=judge.id,
                amount=100,
                currency="USD",
                status=status,
                reissue=reissue,
                idempotency_key=f"payout:{reissue}",
                destination_account="acct_x",
                processing_started_at=now,
                stripe_transfer_id=f"tr_{reissue}",
                paid_at=now,
            )
        )
    db.session.commit()
    auth.login(judge.email)

    page = client.get("/account/delete")

    assert "cannot be deleted yet" not in page.text
    assert client.post("/account/delete", data=_confirm(judge)).status_code == 302
    assert _user(judge.id).deleted_at is not None
    assert db.session.scalar(sa.select(Assignment).where(Assignment.id == assignment.id))


def test_deleting_needs_a_csrf_token(make_app: Callable[..., Flask], mails: list[Mail]) -> None:
    ada = make_user("ada")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    assert token
    login = {"email": "ada@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=login).status_code == 302

    response = client.post("/account/delete", data=_confirm(ada))

    assert response.status_code in {400, 422}
    assert _user(ada.id).deleted_at is None
    page = client.get("/account/delete")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token
    response = client.post("/account/delete", data=_confirm(ada, csrf_token=token.group(1)))
    assert response.status_code == 302
    assert _user(ada.id).deleted_at is not None


def test_signing_in_is_required(client: FlaskClient) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)("/account/delete")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
