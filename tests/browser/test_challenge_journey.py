"""Challenge journeys in the real UI: draft, review, funding through simulated Checkout, browse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screenshot
from tests.browser.journey_helpers import flash, nav, sign_in, sign_out
from tests.factories import make_challenge, make_org, make_user

TITLE = "Cheap Soil Carbon Sensing"
# Only in the problem statement, so finding it proves the statement is indexed for search.
RARE_WORD = "mycorrhizal"
OPENS, CLOSES, JUDGING_ENDS = "2030-01-01T09:00", "2030-03-15T18:00", "2030-05-15T18:00"


def choose(page: Page, group: str, label_start: str) -> None:
    """Click the label of a radio choice, as a person would, and check it took."""
    radios = page.get_by_role("radiogroup", name=group)
    radios.locator("label").filter(has_text=re.compile(f"^{re.escape(label_start)}")).click()
    expect(radios.get_by_label(re.compile(f"^{re.escape(label_start)}"))).to_be_checked()


def fill_draft(page: Page) -> None:
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("One-line summary").fill("Measure soil carbon in the field for a dollar.")
    page.get_by_label("Category").select_option("Agriculture & food")
    page.get_by_label("Tags").fill("soil, carbon, sensors")
    statement = page.get_by_label("Problem statement")
    statement.fill(f"Farmers need **bold** ways to measure {RARE_WORD} networks and carbon.")
    expect(page.locator("#description_md-preview").get_by_role("strong")).to_have_text("bold")
    page.get_by_label("Rules", exact=True).fill("Submit a design and field data as a PDF.")
    page.get_by_label("Eligibility").fill("Anyone over 18, anywhere.")
    page.get_by_label("Time zone of the dates below").select_option("Europe/Berlin")
    page.get_by_label("Opens", exact=True).fill(OPENS)
    page.get_by_label("Closes (submission deadline)").fill(CLOSES)
    page.get_by_label("Judging ends").fill(JUDGING_ENDS)
    page.get_by_label("Currency").select_option("USD")
    for place, label, amount in ((1, "First prize", "50000"), (2, "Second prize", "20000")):
        page.get_by_label(f"Prize {place} label").fill(label)
        page.get_by_label(f"Prize {place} amount").fill(amount)
    page.get_by_label("Maximum team size").fill("4")
    choose(page, "Who sees solutions", "Open after results:")
    choose(page, "License of solutions", "CC BY 4.0:")
    choose(page, "What the sponsor gets on award", "Non-exclusive license:")
    choose(page, "Judging transparency", "Scores to each solver:")


def expect_sponsor_page(page: Page) -> None:
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Sponsor view:")).to_be_visible()
    total = page.get_by_role("row", name=re.compile("^Total purse"))
    expect(total).to_contain_text("$70,000")
    openness = page.get_by_role("heading", name="Openness").locator("..")
    expect(openness).to_contain_text("Open after results. Solutions stay private to the sponsor")
    expect(openness).to_contain_text("Anyone may reuse a solution if they credit its authors.")
    expect(openness).to_contain_text("grant the sponsor a non-exclusive license")
    expect(openness).to_contain_text("Teams of up to 4 people.")


def draft_a_challenge_and_try_a_bad_edit(page: Page, screenshot: Screenshot) -> str:
    page.goto("/challenges/new")
    expect(page.get_by_role("heading", name="Draft a challenge")).to_be_visible()
    fill_draft(page)
    screenshot(page, "draft-form")
    page.get_by_role("button", name="Save draft").click()
    flash(page, "Draft saved. Submit it for review when it is ready.")
    expect_sponsor_page(page)
    challenge_url = page.url

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Closes (submission deadline)").fill("2029-12-01T09:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The challenge must open before it closes.")).to_be_visible()
    expect(page.get_by_label("Closes (submission deadline)")).to_have_value("2029-12-01T09:00")
    page.get_by_role("link", name="Back without saving").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    deadline = page.get_by_role("listitem").filter(has_text="Submission deadline")
    expect(deadline).to_contain_text("15 Mar 2030")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("Closes (submission deadline)")).to_have_value(CLOSES)
    page.get_by_role("link", name="Back without saving").click()
    return challenge_url


def fund_through_simulated_checkout(page: Page, screenshot: Screenshot) -> None:
    page.get_by_role("link", name="Fund prize purse").click()
    expect(page.get_by_role("heading", name="Fund the prize purse")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Prize purse"))).to_contain_text("$70,000")
    expect(page.get_by_role("row", name=re.compile("^Platform fee"))).to_contain_text("$3,500")
    expect(page.get_by_role("row", name=re.compile("^Total charged"))).to_contain_text("$73,500")
    expect(page.get_by_text("After results, the platform fee is not refunded.")).to_be_visible()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page).to_have_url(re.compile(r"/payments/simulated/checkout/"))
    expect(page.get_by_text("Payments are simulated.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Total"))).to_contain_text("$73,500")
    screenshot(page, "simulated-checkout")
    page.get_by_role("button", name="Pay (simulated)").click()


def test_sponsor_drafts_admin_approves_sponsor_funds_and_the_public_finds_the_challenge(
    page: Page, screenshot: Screenshot
) -> None:
    sponsor = make_user("ada", email="ada@example.org", display_name="Ada Lovelace")
    make_org("Lunar Orchid Labs", slug="lunar-orchid-labs", owner=sponsor)
    make_user("root", email="root@example.org", display_name="Platform Admin", admin=True)

    page.goto("/")
    sign_in(page, "ada@example.org")
    challenge_url = draft_a_challenge_and_try_a_bad_edit(page, screenshot)
    page.get_by_role("button", name="Submit for review").click()
    flash(page, "Sent to the platform team for review.")
    expect(page.get_by_text("Waiting for the platform team's review.")).to_be_visible()
    sign_out(page)

    sign_in(page, "root@example.org")
    page.goto("/admin/reviews")
    card = page.locator(".card").filter(has=page.get_by_role("link", name=TITLE))
    card.get_by_role("button", name="Approve").click()
    flash(page, f"Approved “{TITLE}”.")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    sign_out(page)

    sign_in(page, "ada@example.org")
    page.goto(challenge_url)
    expect(page.get_by_text("Fund the prize purse to publish it.")).to_be_visible()
    fund_through_simulated_checkout(page, screenshot)
    expect(page).to_have_url(re.compile(re.escape(challenge_url) + r"\?funding=returned$"))
    expect(page.get_by_text("Prize funds held: $70,000")).to_be_visible()
    expect(page.get_by_text(re.compile(r"· published \d\d \w{3} \d{4}"))).to_be_visible()
    expect(page.get_by_role("link", name="Fund prize purse")).to_have_count(0)
    screenshot(page, "challenge-page")
    sign_out(page)

    nav(page).get_by_role("link", name="Challenges").click()
    expect(page.get_by_role("heading", name="Challenges", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(page, "challenges-list")
    search = page.get_by_role("search")
    search.get_by_label("Search").fill(RARE_WORD)
    search.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"1 challenge matching “{RARE_WORD}”")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    search.get_by_label("Search").fill("qwzxv plorbnik")
    search.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No challenges match.")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844})
def test_phone_lists_challenge_cards_in_one_column_and_the_filters_work(
    page: Page, screenshot: Screenshot
) -> None:
    org = make_org("Lunar Orchid Labs", slug="lunar-orchid-labs")
    make_challenge(org, title="Grid Storage Challenge", category="Energy & climate")
    make_challenge(org, title="Clean Water Sensors", category="Health & life sciences")
    make_challenge(org, title="Robot Fruit Picker", category="Engineering & robotics")

    page.goto("/challenges")
    cards = page.locator(".challenge-card")
    expect(cards).to_have_count(3)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert all(box is not None for box in boxes)
    lefts = {round(box["x"]) for box in boxes if box}
    tops = [box["y"] for box in boxes if box]
    assert len(lefts) == 1, f"cards are not in one column: x = {lefts}"
    assert tops == sorted(tops) and len(set(tops)) == 3, f"cards do not stack: y = {tops}"
    assert all(box["width"] > 300 for box in boxes if box), boxes
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-list")

    search = page.get_by_role("search")
    search.get_by_label("Category").select_option("Health & life sciences")
    show = search.get_by_role("button", name="Show")
    show.scroll_into_view_if_needed()
    expect(show).to_be_in_viewport()
    show.click()
    expect(page).to_have_url(re.compile(r"category=Health"))
    expect(cards).to_have_count(1)
    expect(page.get_by_role("link", name="Clean Water Sensors")).to_be_visible()
    search.get_by_label("Search").fill("robot")
    search.get_by_label("Category").select_option("")
    search.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Robot Fruit Picker")).to_be_visible()
    expect(cards).to_have_count(1)
    screenshot(page, "phone-filtered")
