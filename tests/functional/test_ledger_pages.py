"""The challenge's Prize funds box and the sponsor's ledger page, with their permission matrix."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from core.money import format_amount
from payments import ledger
from payments.models import LedgerEntry, LedgerKind
from payments.payouts.models import PayoutStatus
from payments.payouts.worker import run_payouts
from tests.conftest import AuthActions
from tests.example_support import Example
from tests.functional.payouts_helpers import (
    EMAILS,
    FIRST,
    ROLES,
    SECOND,
    judged_and_funded,
    onboard,
    roles_world,
    simulator,
)
from tests.functional.payouts_helpers import payouts as payout_rows
from tests.permissions import assert_access, request_as
from tests.queries import count_queries

USD = "USD"


def pay_first_prize(example: Example) -> None:
    (first,) = [p for p in payout_rows(example.challenge.id) if p.amount == FIRST]
    onboard(first.user_id)
    assert run_payouts(example.challenge.id).paid == 1


def funds_box(client: FlaskClient) -> str:
    page = client.get("/challenges/grid")
    assert page.status_code == 200
    match = re.search(
        r'<div class="small border rounded p-2 bg-light" id="funds">.*?</table>'
        r".*?</div>\s*</div>",
        page.text,
        re.S,
    )
    assert match, page.text
    return match.group(0)


def cell(box: str, name: str) -> str:
    match = re.search(rf'id="funds-{name}">([^<]*)<', box)
    assert match, box
    return match.group(1)


def test_the_prize_funds_box_shows_funded_awarded_paid_refunded_and_held(
    client: FlaskClient,
) -> None:
    example = roles_world()
    pay_first_prize(example)
    box = funds_box(client)
    assert cell(box, "funded") == format_amount(FIRST + SECOND, USD)
    assert cell(box, "awarded") == format_amount(FIRST + SECOND, USD)
    assert cell(box, "paid") == format_amount(FIRST, USD)
    assert cell(box, "refunded") == format_amount(0, USD)
    assert cell(box, "held") == format_amount(SECOND, USD)
    assert "Payouts in progress." in box and "Settled" not in box
    assert "Ledger entries" not in box  # anonymous visitors see totals, not entries


def test_the_box_says_settled_once_every_award_is_paid_and_nothing_is_held(
    client: FlaskClient,
) -> None:
    example = roles_world()
    for user_id in {p.user_id for p in payout_rows(example.challenge.id)}:
        onboard(user_id)
    assert run_payouts(example.challenge.id).paid == 2
    box = funds_box(client)
    assert cell(box, "paid") == format_amount(FIRST + SECOND, USD)
    assert cell(box, "held") == format_amount(0, USD)
    assert 'id="funds-state">Settled<' in box


def test_before_results_the_box_shows_the_funds_but_no_settlement_line(
    client: FlaskClient,
) -> None:
    judged_and_funded()
    box = funds_box(client)
    assert cell(box, "held") == format_amount(FIRST + SECOND, USD)
    assert cell(box, "awarded") == format_amount(0, USD)
    assert 'id="funds-state"' not in box


def test_the_sponsor_sees_each_ledger_entry_with_its_stripe_reference(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    pay_first_prize(example)
    (paid,) = [p for p in payout_rows(example.challenge.id) if p.status == PayoutStatus.PAID]
    funded = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.FUNDED)
    ).one()
    auth.login(EMAILS["manager"])
    assert "Ledger entries" in funds_box(client)
    page = client.get("/challenges/grid/ledger")
    assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<td.*?</tr>", page.text, re.S)
    assert len(rows) == 2
    assert "Purse funded by the sponsor" in rows[0] and funded.reference in rows[0]
    assert format_amount(FIRST + SECOND, USD) in rows[0]
    assert "Paid to a winner" in rows[1] and paid.stripe_transfer_id in rows[1]
    assert format_amount(FIRST, USD) in rows[1]


def test_a_long_ledger_is_split_into_pages(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    per_page = app.config["PER_PAGE"]
    for n in range(per_page + 3):
        ledger.record(example.challenge.id, LedgerKind.PAID_OUT, 1, USD, f"tr_fake{n:03d}")
    db.session.commit()
    auth.login(EMAILS["owner"])
    first = client.get("/challenges/grid/ledger").text
    second = client.get("/challenges/grid/ledger?page=2").text
    assert first.count("<code>tr_fake") == per_page - 1  # the funded entry comes first
    assert second.count("<code>tr_fake") == 4
    assert "tr_fake022" in second and "tr_fake022" not in first


def test_an_unknown_challenge_has_no_ledger(client: FlaskClient, auth: AuthActions) -> None:
    roles_world()
    auth.login(EMAILS["admin"])
    assert client.get("/challenges/nope/ledger").status_code == 404


LEDGER_VIEWERS = {"owner", "manager", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_ledger_page_permissions(client: FlaskClient, auth: AuthActions, role: str) -> None:
    roles_world()
    response = request_as(client, auth, EMAILS.get(role), "get", "/challenges/grid/ledger")
    assert_access(response, role, LEDGER_VIEWERS)
    if role in LEDGER_VIEWERS:
        assert 'id="ledger-entries"' in response.text
    if role != "anonymous":
        box = funds_box(client)
        assert ("Ledger entries" in box) == (role in LEDGER_VIEWERS)


def test_ledger_rows_name_the_winners_paid_with_queries_that_do_not_grow(
    web_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    example = roles_world()
    rows = payout_rows(example.challenge.id)
    for user_id in sorted({p.user_id for p in rows}):
        onboard(user_id)
    assert run_payouts(example.challenge.id).paid == 2
    auth.login(EMAILS["manager"])
    url = "/challenges/grid/ledger"
    queries = count_queries(web_app, client, url)
    for payout in payout_rows(example.challenge.id):  # two more rows that name a winner
        simulator().reverse_transfer(payout.stripe_transfer_id)

    page = client.get(url).text

    entries = re.findall(r"<tr>\s*<td.*?</tr>", page, re.S)
    assert len(entries) == 5
    for payout in payout_rows(example.challenge.id):
        winner = db.session.get(User, payout.user_id)
        named = [row for row in entries if winner.display_name in row]
        assert len(named) == 2, (winner.display_name, entries)  # paid, then reversed
        assert f"/u/{winner.handle}" in named[0]
        assert f"user {winner.id}" not in page
    assert count_queries(web_app, client, url) == queries
