"""The platform admins' payouts page: tabs by status, retry now, re-issue a failed payout."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import User
from core.audit import AuditEntry
from core.db import db
from core.errors import Conflict, PermissionDenied
from payments.payouts.admin import reissue_payout, retry_payout
from payments.payouts.models import Payout, PayoutStatus
from payments.payouts.worker import run_payouts
from tests.conftest import AuthActions
from tests.example_support import Example
from tests.functional.payouts_helpers import (
    EMAILS,
    FIRST,
    ROLES,
    SECOND,
    assert_paid_once,
    onboard,
    payouts,
    roles_world,
    simulator,
    transfers,
)
from tests.permissions import assert_access, request_as

ADMIN = "admin@admin.example"


def user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def failed_first_prize(example: Example) -> Payout:
    """The first prize's winner onboarded, and Stripe refusing its transfer for good."""
    (first,) = [p for p in payouts(example.challenge.id) if p.amount == FIRST]
    onboard(first.user_id)
    simulator().fail_next("POST", "/v1/transfers", status=400)
    assert run_payouts(example.challenge.id).failed == 1
    return next(p for p in payouts() if p.id == first.id)


def row_of(page: str, payout_id: int) -> str:
    match = re.search(rf'<tr id="payout-{payout_id}">.*?</tr>', page, re.S)
    assert match, page
    return match.group(0)


def test_the_admin_sees_payouts_by_status_with_their_error_and_actions(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    failed_first_prize(example)
    rows = {p.amount: p for p in payouts(example.challenge.id)}
    auth.login(ADMIN)
    failed_tab = client.get("/admin/payouts?status=failed").text
    row = row_of(failed_tab, rows[FIRST].id)
    assert "Simulated failure" in row and ">Re-issue</button>" in row
    assert "data-confirm=" in row and example.challenge.title in row
    assert f'id="payout-{rows[SECOND].id}"' not in failed_tab
    waiting = client.get("/admin/payouts?status=waiting").text
    assert ">Retry now</button>" in row_of(waiting, rows[SECOND].id)
    assert f'id="payout-{rows[FIRST].id}"' not in waiting
    assert "No payouts are paid." in client.get("/admin/payouts?status=paid").text
    assert "admin/payouts" in client.get("/admin").text  # linked from the admin home


def test_the_page_opens_on_the_most_urgent_tab_that_has_payouts(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    auth.login(ADMIN)
    current = re.compile(r'aria-current="page" href="[^"]*status=(\w+)"')
    assert current.findall(client.get("/admin/payouts").text) == ["waiting"]
    failed_first_prize(example)
    assert current.findall(client.get("/admin/payouts").text) == ["failed"]


def test_re_issuing_a_failed_payout_adds_a_new_row_that_the_worker_pays_once(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    failed = failed_first_prize(example)
    auth.login(ADMIN)
    response = client.post(f"/admin/payouts/{failed.id}/reissue?status=failed")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "re-issued as payout" in page
    db.session.rollback()
    old, new = db.session.scalars(
        sa.select(Payout).where(Payout.award_id == failed.award_id).order_by(Payout.id)
    ).all()
    assert (old.status, old.reissue) == (PayoutStatus.FAILED, 0)
    assert (new.status, new.reissue, new.amount) == (PayoutStatus.PENDING, 1, FIRST)
    assert new.idempotency_key == f"payout:{new.id}"
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "payouts.reissue")
    ).one()
    assert (audit.object_id, audit.actor_id) == (new.id, user(ADMIN).id)
    assert run_payouts(example.challenge.id).paid == 1
    (transfer,) = transfers()
    assert transfer["metadata"]["payout_id"] == str(new.id)
    assert_paid_once(example.challenge.id, everyone=False)


def test_only_a_failed_payout_can_be_re_issued_and_only_once(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    failed = failed_first_prize(example)
    admin = user(ADMIN)
    pending = next(p for p in payouts() if p.status == PayoutStatus.PENDING)
    with pytest.raises(Conflict, match="only a failed payout can be re-issued"):
        reissue_payout(actor=admin, payout_id=pending.id)
    reissue_payout(actor=admin, payout_id=failed.id)
    with pytest.raises(Conflict, match="already re-issued"):
        reissue_payout(actor=admin, payout_id=failed.id)
    with pytest.raises(PermissionDenied):
        reissue_payout(actor=user(EMAILS["owner"]), payout_id=failed.id)
    auth.login(ADMIN)
    refused = client.post(f"/admin/payouts/{pending.id}/reissue", follow_redirects=True)
    assert refused.status_code == 200
    assert "only a failed payout can be re-issued" in refused.text
    assert len(payouts()) == 3


def test_retry_now_runs_the_worker_for_that_challenge(client: FlaskClient) -> None:
    example = roles_world()
    waiting = next(p for p in payouts() if p.amount == SECOND)
    onboard(waiting.user_id)
    run = retry_payout(actor=user(ADMIN), payout_id=waiting.id)
    assert (run.paid, run.waiting) == (1, 1)
    assert [t["metadata"]["payout_id"] for t in transfers()] == [str(waiting.id)]
    assert_paid_once(example.challenge.id, everyone=False)


def test_retry_now_from_the_page_reports_what_the_worker_did(
    client: FlaskClient, auth: AuthActions
) -> None:
    roles_world()
    waiting = payouts()[0]
    auth.login(ADMIN)
    page = client.post(f"/admin/payouts/{waiting.id}/retry", follow_redirects=True).text
    assert "Payout worker ran for the challenge: paid 0, failed 0, waiting for onboarding 2" in page


def _payout_id(kind: str) -> int:
    rows = payouts()
    if kind == "failed":
        (first,) = [p for p in rows if p.amount == FIRST]
        return first.id
    return rows[0].id


# (method, url, payout kind); only platform admins may use these, others get 403.
MATRIX = [
    ("get", "/admin/payouts", None),
    ("get", "/admin/payouts?status=waiting", None),
    ("post", "/admin/payouts/{id}/retry", "pending"),
    ("post", "/admin/payouts/{id}/reissue", "failed"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "kind"), MATRIX, ids=[m[0] + ":" + m[1] for m in MATRIX])
def test_admin_payout_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    role: str,
    method: str,
    url: str,
    kind: str | None,
) -> None:
    example = roles_world()
    if kind == "failed":
        failed_first_prize(example)
    target = url.format(id=_payout_id(kind)) if kind else url
    before = len(payouts())
    audits = (
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action.like("payouts.%"))
    )
    audit_before = db.session.scalar(audits)
    response = request_as(client, auth, EMAILS.get(role), method, target)
    assert_access(response, role, {"admin"})
    db.session.rollback()
    allowed_post = method == "post" and role == "admin"
    assert len(payouts()) == before + (1 if allowed_post and kind == "failed" else 0)
    assert db.session.scalar(audits) == audit_before + (1 if allowed_post else 0)
