"""Reading the site in Spanish: the browser's language, the footer switcher, the account
setting; every page seen is audited by axe in that language (html lang="es")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Screenshot
from tests.factories import PASSWORD, make_challenge, make_org, make_user


def spanish_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Navegación principal")


def footer_language(page: Page) -> Locator:
    return page.get_by_role("form", name="Idioma").or_(page.get_by_role("form", name="Language"))


@pytest.mark.browser_context_args(locale="es-ES")
def test_a_spanish_browser_gets_spanish(page: Page, screenshot: Screenshot) -> None:
    make_challenge(make_org("Helios", owner=make_user("owner")), slug="agua")
    page.goto("/challenges")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(spanish_nav(page).get_by_role("link", name="Desafíos")).to_be_visible()
    expect(page.get_by_role("link", name="Saltar al contenido")).to_be_attached()
    screenshot(page, "challenges-es")


def test_footer_switches_the_language_and_keeps_the_page(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/winners")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    footer_language(page).get_by_role("button", name="Español").click()
    assert page.url.endswith("/winners")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(spanish_nav(page).get_by_role("link", name="Ganadores")).to_be_visible()
    screenshot(page, "winners-es")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    footer_language(page).get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()


def test_the_account_keeps_the_choice_on_another_browser(page: Page) -> None:
    user = make_user("lucia")
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    footer_language(page).get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.context.clear_cookies(name="lang")
    page.goto("/account")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#language")).to_have_value("es")
