"""Whole-page behaviour: a clean console under the CSP, and the collapsing phone navigation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import Screenshot

# Init scripts run before the page's own scripts and are not subject to its CSP.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_home_page_has_no_console_errors_and_no_csp_violations(
    page: Page, screenshot: Screenshot
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _is_page_error(m) else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    response = page.goto("/")
    page.wait_for_load_state("networkidle")

    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hard problems. Open crowds. Real prizes."
    )
    assert page.evaluate("typeof bootstrap") == "object", "Bootstrap's JS did not load"
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
    screenshot(page, "home")


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844})
def test_phone_navigation_collapses_behind_the_toggler_and_opens_on_click(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/")
    toggler = page.get_by_role("button", name="Toggle navigation")
    sign_in = page.get_by_role("navigation").get_by_role("link", name="Sign in")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(sign_in).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap animates the height; "show" replaces "collapsing" once the menu is fully open.
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))
    expect(sign_in).to_be_in_viewport()
    screenshot(page, "phone-nav-open")

    sign_in.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(sign_in).to_be_hidden()


def test_pages_link_an_icon_the_server_can_deliver(page: Page) -> None:
    page.goto("/")
    icon = page.evaluate(
        "document.querySelector('link[rel~=icon]')?.href ?? location.origin + '/favicon.ico'"
    )
    assert page.request.get(icon).ok, f"{icon} is not served"


def _is_page_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
