"""Paging: the bounded page-number parser (HTML lists and API), the past-the-end redirect."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response

from core.text import plural

MAX_PAGE = 100_000  # keeps every offset (page x per_page) far inside a database integer
MAX_PER_PAGE = 100


def parse_bounded(raw: str | None, maximum: int, minimum: int = 1) -> int | None:
    """``raw`` as a whole number from ``minimum`` to ``maximum`` (ASCII digits), else None."""
    digits = _digits(raw)
    if digits is None or len(digits) > len(str(maximum)):
        return None
    value = int(digits or "0")
    return value if minimum <= value <= maximum else None


def _digits(raw: str | None) -> str | None:
    """ASCII digits without leading zeros ("" for zero), or None for anything else; the length
    is checked before ``int()`` so a ten-thousand-digit number costs nothing."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    return raw.lstrip("0")


def page_arg() -> int:
    """The page of an HTML list. Clamped, never an error: a malformed number or one below 1 is
    page 1, one past ``MAX_PAGE`` is ``MAX_PAGE`` (which ``redirect_past_end`` then fixes)."""
    raw = request.args.get("page")
    value = parse_bounded(raw, MAX_PAGE)
    if value is not None:
        return value
    digits = _digits(raw)
    return MAX_PAGE if digits else 1  # digits that did not parse are above MAX_PAGE


def redirect_past_end(pagination: Pagination) -> Response | None:
    """A page beyond the last one redirects to the last, saying why, instead of showing an
    empty page under a count that says there are items. A form's page re-rendered after a POST
    is left as it is (a redirect would lose what was typed)."""
    last = max(pagination.pages, 1)
    if pagination.page <= last or request.method not in ("GET", "HEAD"):
        return None
    total = pagination.total or 0
    flash(
        f"Page {pagination.page} is past the end of this list ({total} in all, "
        f"{plural(last, 'page')}): here is the last page.",
        "info",
    )
    args: dict[str, Any] = {
        k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"
    }
    target = url_for(
        request.endpoint or "", **(request.view_args or {}), **args, page=last if last > 1 else None
    )
    return redirect(target)
