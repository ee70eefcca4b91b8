"""Absolute URLs for links in e-mails, inside or outside a request."""

from typing import Any

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("BASE_URL", "")
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=base or "http://127.0.0.1:5000"):
        return url_for(endpoint, _external=True, **values)


def safe_next_url(target: str | None) -> str | None:
    """Accept only same-site relative paths as a post-login redirect target."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
