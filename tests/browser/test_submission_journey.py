"""Submission journey in the real UI: enter, draft, upload, team up, submit, revise, publish."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import flash, nav, sign_in, sign_out
from tests.factories import make_challenge, make_org, make_user

CHALLENGE = "Desalination For Village Wells"
ENTRY = "Solar Membrane Still"
SUMMARY = "A still made of roofing sheet and a cheap membrane."
DESCRIPTION = "Sunlight heats **brine** under a membrane; vapour condenses on the cold side."
REVISED = DESCRIPTION + "\n\nField test: 40 litres a day in March."
FILENAME = "design.pdf"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The smallest PDF a reader opens: one empty page, with a cross-reference table.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\n"
    b"%%EOF\n"
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Storage follows STORAGE_DIR when it changes, so uploads land in the test's own folder.
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "uploads"))


def receipt_hash(page: Page, version: int) -> str:
    expect(page.get_by_role("heading", name="Submission receipt")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Version"))).to_contain_text(str(version))
    files = page.get_by_role("row", name=re.compile("^Files"))
    expect(files).to_contain_text(FILENAME)
    digest = page.get_by_role("row", name=re.compile("^SHA-256")).get_by_role("cell").inner_text()
    assert SHA256.match(digest.strip()), digest
    return digest.strip()


def enter_and_write_a_draft(page: Page) -> None:
    page.goto("/challenges")
    page.get_by_role("link", name=CHALLENGE).click()
    page.get_by_role("link", name="Enter this challenge").click()
    expect(page.get_by_role("heading", name=f"Enter “{CHALLENGE}”")).to_be_visible()
    page.get_by_label("I accept the rules").check()
    page.get_by_label("I am eligible to enter").check()
    page.get_by_role("button", name="Enter the challenge").click()
    flash(page, "You are in. Your entry is a private draft until you submit it.")
    expect(page.get_by_role("heading", name="Write your entry")).to_be_visible()

    page.get_by_label("Title", exact=True).fill(ENTRY)
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.get_by_label("Description", exact=True).fill(DESCRIPTION)
    expect(page.locator("#body-preview").get_by_role("strong")).to_have_text("brine")
    page.get_by_role("button", name="Save draft").click()
    flash(page, "Draft saved (private to your team).")
    expect(page.get_by_label("Title", exact=True)).to_have_value(ENTRY)


def upload_the_pdf(page: Page, pdf: Path, screenshot: Screenshot) -> None:
    files = page.get_by_role("region", name="Files")
    expect(files.get_by_text("No files yet.")).to_be_visible()
    files.get_by_label("Add a file").set_input_files(pdf)
    files.get_by_role("button", name="Upload").click()
    flash(page, f"Added “{FILENAME}”. Files are part of your draft and are submitted with it.")
    expect(
        page.get_by_role("region", name="Files").get_by_role("link", name=FILENAME)
    ).to_be_visible()
    expect(page.get_by_label("Description", exact=True)).to_have_value(DESCRIPTION)
    screenshot(page, "edit-with-attachment")


def invite_grace(page: Page) -> None:
    page.get_by_role("link", name="View entry").click()
    team = page.get_by_role("region", name=re.compile("^Team"))
    expect(team).to_contain_text("(1 of at most 3)")
    team.get_by_label("Invite a teammate").fill("@grace")
    team.get_by_role("button", name="Invite", exact=True).click()
    flash(page, "Invitation sent to @grace.")
    pending = page.get_by_role("region", name=re.compile("^Team"))
    expect(pending.get_by_role("heading", name="Pending invitations")).to_be_visible()
    expect(pending).to_contain_text("@grace")


def grace_joins_and_accepts_the_shares(
    page: Page, mail_link: Callable[[str, str], str], screenshot: Screenshot
) -> None:
    page.goto("/")
    sign_in(page, "grace@example.org")
    page.goto(mail_link("grace@example.org", "/team-invites/"))
    expect(page.get_by_role("heading", name="Join a team")).to_be_visible()
    expect(page.get_by_text("Ada Lovelace invited you to join their entry")).to_be_visible()
    page.get_by_role("button", name="Accept and join").click()
    flash(page, "Welcome to the team. Check the proposed shares and accept them.")
    team = page.get_by_role("region", name=re.compile("^Team"))
    expect(team).to_contain_text("(2 of at most 3)")
    grace = team.get_by_role("listitem").filter(has_text="@grace")
    expect(grace).to_contain_text("Share 50")
    expect(grace).to_contain_text("not accepted yet")
    team.get_by_role("button", name="Accept these shares").click()
    flash(page, "You accepted the shares.")
    expect(page.get_by_text("Everyone accepted the shares.")).to_be_visible()
    sign_out(page)


def ada_submits_then_revises(page: Page, screenshot: Screenshot) -> tuple[str, str]:
    sign_in(page, "ada@example.org")
    page.goto("/challenges")
    page.get_by_role("link", name=CHALLENGE).click()
    page.get_by_role("link", name="Your entry").click()
    team = page.get_by_role("region", name=re.compile("^Team"))
    for handle in ("@ada", "@grace"):
        member = team.get_by_role("listitem").filter(has_text=handle)
        expect(member).to_contain_text("accepted")
        expect(member).not_to_contain_text("not accepted yet")
    expect(team).to_contain_text("Everyone accepted the shares.")
    screenshot(page, "team-panel")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_role("button", name="Submit entry").click()
    flash(page, "Version 1 submitted. Receipt hash")
    first = receipt_hash(page, 1)
    screenshot(page, "receipt")

    page.get_by_role("row", name=re.compile("^Entry")).get_by_role("link").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Revise your entry")).to_be_visible()
    page.get_by_label("Description", exact=True).fill(REVISED)
    page.get_by_role("button", name="Save new version").click()
    flash(page, "Version 2 submitted. Receipt hash")
    second = receipt_hash(page, 2)
    assert second != first

    page.get_by_role("row", name=re.compile("^Entry")).get_by_role("link").click()
    for number in (1, 2):
        expect(page.get_by_role("link", name=f"Version {number}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"sha256 {second}")).to_be_visible()
    sign_out(page)
    return first, second


def test_solver_enters_teams_up_submits_and_revises_and_the_public_reads_the_entry(
    page: Page, tmp_path: Path, mail_link: Callable[[str, str], str], screenshot: Screenshot
) -> None:
    org = make_org("Aquifer Trust", slug="aquifer-trust")
    make_challenge(
        org, title=CHALLENGE, phase="open", visibility="public_on_submit", max_team_size=3
    )
    make_user("ada", email="ada@example.org", display_name="Ada Lovelace")
    make_user("grace", email="grace@example.org", display_name="Grace Hopper")
    pdf = tmp_path / FILENAME
    pdf.write_bytes(PDF)

    page.goto("/")
    sign_in(page, "ada@example.org")
    enter_and_write_a_draft(page)
    upload_the_pdf(page, pdf, screenshot)
    invite_grace(page)
    sign_out(page)

    grace_joins_and_accepts_the_shares(page, mail_link, screenshot)
    ada_submits_then_revises(page, screenshot)

    nav(page).get_by_role("link", name="Solutions").click()
    expect(page.get_by_role("heading", name="Solutions", level=1)).to_be_visible()
    expect(page.get_by_text("1 solution", exact=True)).to_be_visible()
    card = page.locator(".entry-card").filter(has=page.get_by_role("link", name=ENTRY))
    # Blind review (the default) keeps the authors' names off public pages until results.
    expect(card).to_contain_text("Authors shown with the results")
    expect(card).not_to_contain_text("Ada Lovelace")
    expect(card).to_contain_text("2 versions")
    screenshot(page, "solutions")
    card.get_by_role("link", name=ENTRY).click()
    expect(page.get_by_role("heading", name=ENTRY, level=1)).to_be_visible()
    expect(page.get_by_text("Field test: 40 litres a day in March.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version history")).to_have_count(0)
    screenshot(page, "public-entry")

    download = page.get_by_role("link", name=FILENAME)
    href = download.get_attribute("href")
    assert href
    response = page.request.get(href)
    assert response.status == 200
    headers = response.headers
    assert headers["content-disposition"].startswith("attachment"), headers
    assert FILENAME in headers["content-disposition"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"] == "application/pdf"
    assert response.body() == PDF
