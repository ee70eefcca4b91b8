"""Adoption journey in the real UI: the sponsor records what became of a winning solution on an
awarded challenge; it shows in the challenge's Impact section and counts on /impact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from core.db import utcnow
from tests.adoption_support import build_adoption_world
from tests.browser.axe import assert_accessible
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import flash, nav, sign_in


@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_sponsor_records_adoption_and_the_public_sees_it(
    page: Page, screenshot: Screenshot
) -> None:
    world = build_adoption_world(at=utcnow() - timedelta(days=100))
    page.goto("/")
    sign_in(page, "owner@example.org")
    page.goto(f"/challenges/{world.slug}")
    impact = page.locator("#impact")
    expect(impact).to_contain_text("No update yet")
    impact.get_by_role("link", name="Record an update").click()

    # A "not adopted" without a reason comes back with the message on its field.
    page.get_by_label("Status").select_option("Not adopted")
    page.get_by_role("button", name="Record the update").click()
    expect(page.get_by_text("Say why the solution was not adopted.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option("Adopted")
    page.get_by_label("What happened").fill("Every depot of the city runs it.")
    page.get_by_label("Links").fill("https://example.org/city-report")
    page.get_by_label("Money saved").fill("42,000")
    page.get_by_label("People reached").fill("15000")
    screenshot(page, "update-form")
    page.get_by_role("button", name="Record the update").click()
    flash(page, "Adoption update recorded.")

    impact = page.locator("#impact")
    expect(impact).to_contain_text("Adopted")
    expect(impact).to_contain_text("Money saved: $42,000")
    expect(impact).to_contain_text("People reached: 15,000")
    expect(impact.get_by_role("link", name="https://example.org/city-report")).to_be_visible()
    impact.scroll_into_view_if_needed()
    screenshot(page, "challenge-impact")
    assert_accessible(page)

    nav(page).get_by_role("link", name="Impact").click()
    expect(page.get_by_role("heading", name="Impact of awarded challenges")).to_be_visible()
    status_rows = page.locator("#chart-status-table").get_by_role("row")
    expect(status_rows.filter(has_text="Adopted").filter(has_not_text="Not")).to_contain_text("1")
    expect(page.get_by_text("No challenge was awarded six months ago or more yet.")).to_be_visible()
    screenshot(page, "impact")
    assert_accessible(page)
