"""Download my data in a real browser: from the account page to the ZIP, every page audited."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import sign_in
from tests.entries_support import build_world


@pytest.mark.browser_context_args(accept_downloads=True)
@pytest.mark.usefixtures("export_storage")
def test_a_solver_downloads_their_data_from_the_account_page(
    page: Page, screenshot: Screenshot
) -> None:
    build_world("public_on_submit")
    page.goto("/")
    sign_in(page, "solver@example.org")
    page.goto("/account")
    page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", name="Download your data")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make my data file").click()
    expect(page.locator("#job-done")).to_contain_text("Your data is ready")
    screenshot(page, "ready")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download openprize-data-solver").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert "profile.json" in names and any(n.endswith("sand-battery/entry.json") for n in names)
    page.get_by_role("link", name="Back to your data").click()
    expect(page.get_by_role("link", name="openprize-data-solver")).to_be_visible()
    assert_accessible(page)
