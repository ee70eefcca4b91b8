"""An anonymous visitor who reads a public page that shows no form gets no session cookie."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.page_support import ANONYMOUS_PAGES, make_site

WITH_FORMS = {"/login"}  # its form's CSRF token lives in the session


def test_public_pages_set_no_cookie_for_anonymous_visitors(
    web_app: Flask, make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(web_app, monkeypatch)
    app = make_app(WTF_CSRF_ENABLED=True, PER_PAGE=web_app.config["PER_PAGE"])
    setting = set()
    for page in ANONYMOUS_PAGES:
        response = app.test_client().get(site.url(page))  # a first visit, without cookies
        assert response.status_code == 200, page
        if response.headers.getlist("Set-Cookie"):
            setting.add(page)
    assert setting == WITH_FORMS
