"""Browser-test fixtures: Debian's Chromium, the app on a live server thread, mail links, shots."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import make_server

from core.mail import outbox
from tests.browser.axe import PageAudit

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).parent
URL_PATTERN = re.compile(r"https?://\S+")

Screenshot = Callable[[Page, str], Path | None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected test, so only those under tests/browser/ are marked.
    no_chromium = pytest.mark.skip(
        reason="Chromium is not installed, so browser tests cannot run "
        "(install it with: apt-get install -y chromium)"
    )
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(no_chromium)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's own browser downloads are unavailable here: launch the system Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The test app served on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> Iterator[BrowserContext]:
    """pytest-playwright's context, with every HTML page it receives audited by axe-core at
    the journey's width and at phone width when the test ends (tests/browser/axe.py)."""
    context = new_context()
    audit = PageAudit(context)
    audit.install()
    yield context
    problems = audit.violations()
    assert not problems, f"{len(problems)} page(s) fail WCAG 2.2 AA:\n" + "\n\n".join(problems)


@pytest.fixture(autouse=True)
def _csrf_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    # The session app turns CSRF off for the test client; a real browser must round-trip tokens.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    # pytest-playwright passes base_url to every browser context, so page.goto("/") works.
    return live_server


@pytest.fixture
def mail_link(live_server: str) -> Callable[[str, str], str]:
    """The last link containing ``fragment`` in mail sent to ``to`` (memory mail backend)."""

    def find(to: str, fragment: str) -> str:
        for mail in reversed(outbox()):
            if mail.to == to:
                links = [u for u in URL_PATTERN.findall(mail.body) if fragment in u]
                if links:
                    assert links[0].startswith(live_server), links[0]
                    return links[0]
        sent = [(mail.to, mail.subject) for mail in outbox()]
        raise AssertionError(f"no mail to {to} with a {fragment!r} link; sent: {sent}")

    return find


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """Save a full-page PNG under $BROWSER_SCREENSHOTS for a human to look at; else no-op."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")

    def take(page: Page, name: str) -> Path | None:
        if not folder:
            return None
        path = Path(folder) / f"{request.node.originalname}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)
        return path

    return take
