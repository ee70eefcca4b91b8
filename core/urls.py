"""Absolute URLs for links in e-mails, inside or outside a request; user links as URIs."""

from typing import Any
from urllib.parse import quote

from flask import current_app, has_request_context, url_for
from werkzeug.urls import iri_to_uri

# RFC 3986 reserved characters and "%" (already-encoded text stays as it is).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def external_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("BASE_URL", "")
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=base or "http://127.0.0.1:5000"):
        return url_for(endpoint, _external=True, **values)


def as_uri(link: str) -> str:
    """A link a person typed as a valid URI: non-ASCII percent-encoded (the host in IDNA), and
    whatever else a URI may not hold (spaces, quotes, braces) percent-encoded too."""
    try:
        uri = iri_to_uri(link)
    except ValueError:  # an unparsable host such as "[::1": keep it all as one encoded host
        scheme, _, rest = link.partition("://")
        return f"{scheme}://{quote(rest, safe='')}"
    return quote(uri, safe=_URI_SAFE)


def safe_next_url(target: str | None) -> str | None:
    """Accept only same-site relative paths as a post-login redirect target (no control
    characters: a NUL or a line break has no place in an address)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    return target
