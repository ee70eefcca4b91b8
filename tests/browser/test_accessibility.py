"""axe-core finds no WCAG 2.x A/AA violations on the pages issue 10 named, and a failed sign-in
moves focus to its error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from payments.payouts.worker import run_payouts
from tests.browser.axe import assert_accessible
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import sign_in
from tests.factories import make_challenge, make_org, make_user
from tests.functional.payouts_helpers import approve, judged_and_funded, onboard
from tests.functional.payouts_helpers import payouts as payout_rows


def _settled_challenge() -> tuple[str, str]:
    """A challenge whose winners are all paid and nothing is held: its slug and sponsor's e-mail."""
    example, _ = judged_and_funded()
    approve(example)
    for user_id in {payout.user_id for payout in payout_rows(example.challenge.id)}:
        onboard(user_id)
    assert run_payouts(example.challenge.id).paid == 2
    return example.challenge.slug, example.world.owner.email


def test_admin_review_queue_with_a_challenge_in_review(page: Page, screenshot: Screenshot) -> None:
    admin = make_user("root", admin=True)
    make_challenge(make_org("Helios"), published=False, review_state="in_review")
    page.goto("/")
    sign_in(page, admin.email)
    page.goto("/admin/reviews")
    expect(page.get_by_role("button", name="Request changes")).to_be_visible()
    screenshot(page, "review-queue")
    assert_accessible(page)


def test_sponsor_sees_a_settled_challenge_with_its_funds_box(
    page: Page, screenshot: Screenshot
) -> None:
    slug, sponsor = _settled_challenge()
    page.goto("/")
    sign_in(page, sponsor)
    page.goto(f"/challenges/{slug}")
    funds = page.locator("#funds")
    expect(funds.locator("#funds-state")).to_have_text("Settled")
    expect(funds.get_by_role("link", name="Ledger entries")).to_be_visible()
    screenshot(page, "settled")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/challenges", "/solutions"])
def test_challenge_and_solution_lists(page: Page, path: str) -> None:
    _settled_challenge()  # published, with entries public after the results
    page.goto(path)
    expect(page.locator(".card").first).to_be_visible()
    assert_accessible(page)


def test_a_failed_sign_in_moves_focus_to_its_error(page: Page, screenshot: Screenshot) -> None:
    make_user("ada")
    page.goto("/login")
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    error = page.get_by_role("alert").filter(has_text="The e-mail or password is wrong.")
    expect(error).to_be_focused()
    screenshot(page, "focused-error")
    assert page.evaluate("document.activeElement.textContent").strip() == (
        "The e-mail or password is wrong."
    )


def test_a_form_with_only_field_errors_focuses_the_first_invalid_field(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Handle").fill("a b")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("Use 3 to 30 letters")).to_be_visible()
    expect(page.get_by_label("Handle")).to_be_focused()
