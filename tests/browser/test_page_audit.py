"""The page audit every browser test runs (tests/browser/axe.py) can fail: it finds a violation
on a page the journey only passed through, at both widths."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from tests.browser.axe import PageAudit

UNLABELLED_IMAGE = (
    "<!doctype html><html lang='en'><head><title>Bad page</title></head><body><main>"
    "<h1>Bad page</h1><img src='/static/img/favicon.svg'></main></body></html>"
)


def test_a_page_seen_in_passing_is_audited_at_both_widths(
    new_context: Callable[..., BrowserContext],
) -> None:
    context = new_context()
    audit = PageAudit(context)
    audit.install()
    page = context.new_page()
    page.route(
        "**/bad-page", lambda route: route.fulfill(content_type="text/html", body=UNLABELLED_IMAGE)
    )

    page.goto("/bad-page")
    page.goto("/")  # the journey moves on at once

    problems = audit.violations()
    assert len(problems) == 2, problems
    assert all("/bad-page" in p and "image-alt" in p for p in problems)
    assert "journey width" in problems[0] and "phone width" in problems[1]
