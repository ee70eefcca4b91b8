"""Judging journey in the real UI: invite a panel, assign, score blind, compute, approve."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from core.db import db
from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import flash, sign_in, sign_out
from tests.judging_support import move, person, sponsor_world, submit_entry

# Entry title -> the score both judges give every criterion (the best entry wins first prize).
ENTRIES = {"Salt Cavern Storage": 5, "Flywheel Farm": 3, "Thermal Bricks": 4}
SOLVER_NAMES = {"Salt Cavern Storage": "Sally Cavern", "Flywheel Farm": "Fred Wheel"}


def _setup() -> tuple[str, list[User]]:
    world = sponsor_world(k=2)
    challenge = world.challenge
    challenge.judging_transparency = "scores_public"
    challenge.funded_amount = challenge.purse_amount
    for n, title in enumerate(ENTRIES, start=1):
        solver = person(f"solver{n}")
        solver.display_name = SOLVER_NAMES.get(title, f"Solver {n}")
        submit_entry(challenge, solver, title=title)
    move(challenge, "judging")
    judges = [person("ada"), person("ben")]
    db.session.commit()
    return world.owner.email, judges


def _accept(page: Page, judge: User, mail_link: Callable[[str, str], str]) -> None:
    sign_in(page, judge.email)
    page.goto(mail_link(judge.email, "/judging/invitations/"))
    expect(page.get_by_role("heading", name=re.compile("^Judge “"))).to_be_visible()
    page.get_by_label(re.compile("^I attest that I have no conflicts")).check()
    page.get_by_role("button", name="Accept and join the panel").click()
    flash(page, "Welcome to the panel of")


def _score_everything(page: Page, screenshot: Screenshot, shot: bool) -> None:
    page.goto("/judging")
    links = page.get_by_role("link", name=re.compile(r"^Entry #[0-9a-f]{6}"))
    expect(links).to_have_count(len(ENTRIES))
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        page.goto(href)
        title = next(t for t in ENTRIES if page.get_by_text(t).count())
        # Blind review: the label stands in for the team, whose names never appear.
        expect(page.get_by_role("heading", name=re.compile(r"Entry #[0-9a-f]{6}"))).to_be_visible()
        for name in SOLVER_NAMES.values():
            expect(page.get_by_text(name)).to_have_count(0)
        for group in page.get_by_role("radiogroup").all():
            group.get_by_label(str(ENTRIES[title]), exact=True).check()
        page.get_by_label("Feedback to the solver").fill(f"Feedback on {title}.")
        if shot:
            screenshot(page, "blind-review")
            shot = False
        page.get_by_role("button", name="Submit review").click()
        flash(page, "Review submitted.")


def test_a_panel_judges_blind_and_the_public_sees_the_approved_winners(
    page: Page, mail_link: Callable[[str, str], str], screenshot: Screenshot
) -> None:
    owner_email, judges = _setup()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    sign_in(page, owner_email)
    page.goto("/challenges/grid/judging")
    for judge in judges:
        page.get_by_label("Judge's e-mail").fill(judge.email)
        page.get_by_role("button", name="Invite judge").click()
        flash(page, f"Invitation sent to {judge.email}.")
    sign_out(page)

    for judge in judges:
        _accept(page, judge, mail_link)
        sign_out(page)

    # The deadline has passed: the first judging page opened assigns the judges, no button.
    sign_in(page, owner_email)
    page.goto("/challenges/grid/judging")
    expect(page.locator("#auto-assigned")).to_contain_text("assigned automatically")
    expect(page.locator("#assignments-count")).to_contain_text("0 of 3 entries fully reviewed")
    sign_out(page)

    for n, judge in enumerate(judges):
        sign_in(page, judge.email)
        _score_everything(page, screenshot, shot=n == 0)
        sign_out(page)

    sign_in(page, owner_email)
    page.goto("/challenges/grid/judging")
    page.get_by_role("button", name="Compute results").click()
    # The computation is a job; here it ran right after the click, so its page shows it done.
    expect(page.locator("#job-done")).to_contain_text("Results computed: 3 entries ranked.")
    screenshot(page, "results-computed")
    page.goto("/challenges/grid/judging")
    page.get_by_role("link", name="Review and decide").click()
    expect(page.get_by_role("heading", name="Results review")).to_be_visible()
    screenshot(page, "results-review")
    page.get_by_role("button", name="Approve winners").click()
    flash(page, "Winners approved: 2 awards recorded; payouts are pending.")
    sign_out(page)

    page.goto("/challenges/grid/results")
    winners = page.get_by_role("heading", name="Winners").locator("..")
    expect(winners).to_contain_text("First prize")
    expect(winners).to_contain_text("Salt Cavern Storage")
    expect(winners).to_contain_text("Sally Cavern")
    expect(winners).to_contain_text("Second prize")
    expect(winners).to_contain_text("Thermal Bricks")
    expect(winners).not_to_contain_text("Flywheel Farm")
    screenshot(page, "public-results")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Winners"
    ).click()
    expect(page.get_by_role("link", name="Salt Cavern Storage")).to_be_visible()
