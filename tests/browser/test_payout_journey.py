"""Payout journey in the real UI: from approved winners to "Paid" on the winner's payouts page
and the payout on the challenge's Prize funds box (simulated Stripe)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.models import User
from core.db import db
from core.money import format_amount
from payments.payouts.models import PayoutStatus
from payments.payouts.worker import run_payouts
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import flash, sign_in
from tests.functional.payouts_helpers import FIRST, SECOND, approve, judged_and_funded, onboard
from tests.functional.payouts_helpers import payouts as payout_rows

EXTRA = 250_000  # funded beyond the prizes: the unawarded remainder
USD = "USD"


def _setup() -> tuple[int, User]:
    """A challenge funded with more than its prizes, judged and with approved winners; the
    second-prize winner already onboarded (paid by the worker); the first-prize winner not."""
    example, _ = judged_and_funded(purse=FIRST + SECOND + EXTRA)
    approve(example)
    rows = payout_rows(example.challenge.id)
    (first,) = [p for p in rows if p.amount == FIRST]
    (second,) = [p for p in rows if p.amount == SECOND]
    onboard(second.user_id)
    assert run_payouts(example.challenge.id).paid == 1
    winner = db.session.get(User, first.user_id)
    return example.challenge.id, winner


def test_a_winner_sets_up_payouts_and_sees_the_prize_paid_and_the_ledger_add_up(
    page: Page, screenshot: Screenshot
) -> None:
    challenge_id, winner = _setup()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    sign_in(page, winner.email)
    page.goto("/account/payouts")
    expect(page.locator("#payout-status")).to_have_text("Not set up")
    mine = page.locator("#my-payouts")
    expect(mine.get_by_role("row").filter(has_text=format_amount(FIRST, USD))).to_contain_text(
        "Pending"
    )
    screenshot(page, "before-setup")

    page.get_by_role("button", name="Set up payouts with Stripe").click()
    expect(page.get_by_role("heading", name="Set up payouts for OpenPrize")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/payments/simulated/onboarding/acct_"))
    screenshot(page, "simulated-onboarding")
    page.get_by_role("button", name="Complete onboarding (simulated)").click()
    flash(page, "Your payout account is ready")
    expect(page.locator("#payout-status")).to_have_text("Ready to receive payouts")

    # Nobody runs the worker: the ready account's payout is paid as onboarding completes.
    page.reload()
    row = page.locator("#my-payouts").get_by_role("row").filter(has_text=format_amount(FIRST, USD))
    expect(row).to_contain_text("Paid")
    screenshot(page, "paid")
    assert [p.status for p in payout_rows(challenge_id)] == [PayoutStatus.PAID] * 2

    page.goto("/challenges/grid")
    funds = page.locator("#funds")
    expect(funds.locator("#funds-funded")).to_have_text(format_amount(FIRST + SECOND + EXTRA, USD))
    expect(funds.locator("#funds-awarded")).to_have_text(format_amount(FIRST + SECOND, USD))
    expect(funds.locator("#funds-paid")).to_have_text(format_amount(FIRST + SECOND, USD))
    # The last winner paid, the app settled at once: the remainder went back to the sponsor.
    expect(funds.locator("#funds-refunded")).to_have_text(format_amount(EXTRA, USD))
    expect(funds.locator("#funds-held")).to_have_text(format_amount(0, USD))
    expect(funds.locator("#funds-state")).to_have_text("Settled")
    screenshot(page, "challenge-funds")
