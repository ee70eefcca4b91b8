"""A waiting export's progress page moves by itself and ends on the download (a real browser,
with the page's polling script under the site's CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.db import db
from core.jobs import Job, report_progress
from core.jobs.runner import run_job
from tests.browser.axe import assert_accessible
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import sign_in
from tests.entries_support import build_world

DOWNLOADS = pytest.mark.browser_context_args(accept_downloads=True)


@DOWNLOADS
@pytest.mark.usefixtures("export_storage")
def test_the_progress_page_follows_a_waiting_export_to_its_download(
    page: Page, screenshot: Screenshot, held_jobs: list[int]
) -> None:
    build_world("public_on_submit")
    page.goto("/")
    sign_in(page, "manager@example.org")
    page.goto("/challenges/c/manage")
    page.get_by_role("button", name="Download ZIP of entries").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    job = db.session.get(Job, held_jobs[-1])
    assert job is not None and job.kind == "submissions.export"

    report_progress(job, 40, "20 of 50 entries written")
    expect(bar).to_have_attribute("aria-valuenow", "40")  # the page's script polled
    expect(bar).to_have_attribute("aria-valuetext", "40% done: 20 of 50 entries written")
    expect(page.locator(".progress-bar")).to_have_text("40%")
    screenshot(page, "waiting")
    assert_accessible(page)

    assert run_job(job.id) == "done"
    expect(page.locator("#job-done")).to_contain_text("Your export is ready: c-entries.zip")
    screenshot(page, "ready")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download c-entries.zip").click()
    assert download.value.suggested_filename == "c-entries.zip"
