"""Steps every browser journey shares: the main navigation, flashes, signing in and out."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def flash(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def sign_in(page: Page, email: str) -> None:
    nav(page).get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    flash(page, "Signed in as")


def sign_out(page: Page) -> None:
    nav(page).get_by_role("button", name="Sign out").click()
    flash(page, "You are signed out.")
