"""Account journeys in the real UI: sign-up, e-mail verification, organizations, invitations."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Screenshot
from tests.factories import PASSWORD, make_org, make_user

NEW_OWNER_PASSWORD = "pressed-orchid-herbarium-1753"
OWNER_PASSWORD = "lunar-orchid-pathway-42"
INVITEE_PASSWORD = "copper-kettle-meridian-77"

MailLink = Callable[[str, str], str]


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def flash(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def fill_signup(page: Page, *, email: str, name: str, handle: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("I accept the terms of service and privacy notice").check()
    page.get_by_role("button", name="Create account").click()


def sign_in(page: Page, *, email: str, password: str) -> None:
    nav(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_new_user_signs_up_verifies_email_creates_org_invites_and_signs_in_again(
    page: Page, mail_link: MailLink, screenshot: Screenshot
) -> None:
    page.goto("/")
    nav(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your OpenPrize account")).to_be_visible()
    fill_signup(
        page, email="ada@example.org", name="Ada Lovelace", handle="ada", password=OWNER_PASSWORD
    )
    flash(page, "Welcome! We sent you a link to confirm your e-mail address.")
    expect(page.get_by_role("status")).to_contain_text("Please confirm your e-mail address")
    expect(nav(page).get_by_role("link", name="Ada Lovelace")).to_be_visible()
    screenshot(page, "signed-up")

    page.goto(mail_link("ada@example.org", "/verify/"))
    flash(page, "Thank you: your e-mail address is confirmed.")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_text("E-mail confirmed")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)

    page.get_by_role("link", name="Create an organization").click()
    page.get_by_label("Name").fill("Lunar Orchid Labs")
    page.get_by_label("Website").fill("https://lunar-orchid.example.org")
    page.get_by_label("Description").fill("We fund **open** botany challenges.")
    page.get_by_role("button", name="Save").click()
    flash(page, "Lunar Orchid Labs is created. You are its owner.")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    owner_row = page.get_by_role("row").filter(has_text="ada@example.org")
    expect(owner_row.get_by_label("Role of Ada Lovelace")).to_have_value("owner")

    page.get_by_label("E-mail").fill("Grace@Example.org")
    page.get_by_label("Role", exact=True).select_option("manager")
    page.get_by_role("button", name="Send invitation").click()
    flash(page, "Invitation sent to grace@example.org.")
    pending = page.get_by_role("heading", name="Pending invitations").locator("..")
    expect(pending).to_contain_text("grace@example.org as manager")
    expect(pending.get_by_role("button", name="Withdraw")).to_be_visible()
    screenshot(page, "members")

    nav(page).get_by_role("button", name="Sign out").click()
    flash(page, "You are signed out.")
    expect(nav(page).get_by_role("link", name="Ada Lovelace")).to_have_count(0)

    sign_in(page, email="ada@example.org", password=OWNER_PASSWORD)
    flash(page, "Signed in as Ada Lovelace.")
    nav(page).get_by_role("link", name="Ada Lovelace").click()
    page.get_by_role("link", name="Lunar Orchid Labs").click()
    expect(page.get_by_role("heading", name="Lunar Orchid Labs", level=1)).to_be_visible()
    expect(page.get_by_role("strong")).to_have_text("open")
    screenshot(page, "organization")

    nav(page).get_by_role("link", name="Ada Lovelace").click()
    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Current password").fill(OWNER_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_OWNER_PASSWORD)
    page.get_by_label("Repeat new password").fill(NEW_OWNER_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    flash(page, "Your password is changed.")
    nav(page).get_by_role("button", name="Sign out").click()
    sign_in(page, email="ada@example.org", password=NEW_OWNER_PASSWORD)
    flash(page, "Signed in as Ada Lovelace.")


def test_invitee_signs_up_from_the_invitation_accepts_it_and_is_listed_as_member(
    new_context: Callable[..., BrowserContext], mail_link: MailLink, screenshot: Screenshot
) -> None:
    ada = make_user("ada", email="ada@example.org", display_name="Ada Lovelace")
    make_org("Lunar Orchid Labs", slug="lunar-orchid-labs", owner=ada)
    owner = new_context().new_page()
    owner.goto("/")
    sign_in(owner, email="ada@example.org", password=PASSWORD)
    owner.goto("/orgs/lunar-orchid-labs/members")
    owner.get_by_label("E-mail").fill("grace@example.org")
    owner.get_by_role("button", name="Send invitation").click()
    flash(owner, "Invitation sent to grace@example.org.")

    invitee = new_context().new_page()
    invitee.goto(mail_link("grace@example.org", "/invitations/"))
    expect(invitee.get_by_role("heading", name="Join Lunar Orchid Labs")).to_be_visible()
    expect(invitee.get_by_text("You are invited as member.")).to_be_visible()
    invitee.get_by_role("main").get_by_role("link", name="Sign up").click()
    fill_signup(
        invitee,
        email="grace@example.org",
        name="Grace Hopper",
        handle="grace",
        password=INVITEE_PASSWORD,
    )
    flash(invitee, "Welcome! We sent you a link to confirm your e-mail address.")
    expect(invitee.get_by_role("heading", name="Join Lunar Orchid Labs")).to_be_visible()
    invitee.get_by_role("button", name="Accept invitation").click()
    flash(invitee, "Welcome to Lunar Orchid Labs.")
    expect(invitee.get_by_role("heading", name="Lunar Orchid Labs", level=1)).to_be_visible()
    people = invitee.get_by_role("main").get_by_role("listitem")
    expect(people.filter(has_text="Grace Hopper")).to_contain_text("member")
    expect(invitee.get_by_role("status")).to_have_count(0)  # accepting proved the mailbox
    screenshot(invitee, "joined")

    owner.reload()
    grace = owner.get_by_role("row").filter(has_text="Grace Hopper")
    expect(grace).to_contain_text("grace@example.org")
    expect(grace.get_by_label("Role of Grace Hopper")).to_have_value("member")
    expect(owner.get_by_text("No pending invitations.")).to_be_visible()


def test_send_it_again_on_the_banner_sends_a_new_link_that_verifies(
    page: Page, mail_link: MailLink
) -> None:
    make_user("ada", email="ada@example.org", display_name="Ada Lovelace", verified=False)
    page.goto("/")
    sign_in(page, email="ada@example.org", password=PASSWORD)
    page.goto("/challenges")
    banner = page.get_by_role("status")
    expect(banner).to_contain_text("Please confirm your e-mail address")
    banner.get_by_text("Send it again").click()
    flash(page, "We sent a new link to ada@example.org.")

    page.goto(mail_link("ada@example.org", "/verify/"))
    flash(page, "Thank you: your e-mail address is confirmed.")
    expect(page.get_by_role("status")).to_have_count(0)


def test_a_member_deletes_their_account_and_can_no_longer_sign_in(
    page: Page, screenshot: Screenshot
) -> None:
    make_user("ada", display_name="Ada Lovelace", password=OWNER_PASSWORD)
    page.goto("/")
    sign_in(page, email="ada@example.org", password=OWNER_PASSWORD)
    nav(page).get_by_role("link", name="Ada Lovelace").click()
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", name="Delete your account", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What stays, and why")).to_be_visible()

    page.get_by_label("Your handle").fill("ada")
    page.get_by_label("Your password").fill("not-the-password-1")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your password is wrong.")).to_be_visible()
    expect(page.get_by_label("Your password")).to_be_focused()
    screenshot(page, "delete-refused")

    page.get_by_label('Show me as "Former member"').check()
    page.get_by_label("Your password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    flash(page, "Your account is deleted.")
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()

    sign_in(page, email="ada@example.org", password=OWNER_PASSWORD)
    expect(nav(page).get_by_role("link", name="Ada Lovelace")).to_have_count(0)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
