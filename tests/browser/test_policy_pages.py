"""axe-core finds no WCAG violations on the policy pages and the account-rights forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.journey_helpers import sign_in
from tests.factories import make_user

AXE = pytest.mark.browser_context_args(bypass_csp=True)


@AXE
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/terms", "Terms of service"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement"),
    ],
)
def test_policy_pages(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert_accessible(page)


@AXE
def test_change_forms_and_the_acceptance_page(page: Page) -> None:
    user = make_user("ada")
    page.goto("/")
    sign_in(page, user.email)
    page.goto("/account/password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_accessible(page)
    page.goto("/account/email")
    page.get_by_label("New e-mail address").fill("nora@example.net")
    page.get_by_label("Current password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Send confirmation link").click()
    expect(page.get_by_text("Waiting for confirmation")).to_be_visible()
    assert_accessible(page)
