"""Paging: the bounded page-number parser (HTML lists and API), the past-the-end redirect."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import ngettext
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response

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
    message = ngettext(
        "Page %(page)d is past the end of this list (%(total)d in all, %(num)d page): here is "
        "the last page.",
        "Page %(page)d is past the end of this list (%(total)d in all, %(num)d pages): here is "
        "the last page.",
        last,
        page=pagination.page,
        total=total,
    )
    flash(message, "info")
    args: dict[str, Any] = {
        k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"
    }
    target = url_for(
        request.endpoint or "", **(request.view_args or {}), **args, page=last if last > 1 else None
    )
    return redirect(target)


COUNT_CAP = 1000


class CappedPagination(Pagination):
    """Offset pages whose count stops at what the page needs, so a page costs the same however
    many rows match: counting every match would read all of them on every request.

    ``total`` is exact up to ``COUNT_CAP`` (or up to the rows before and on a deeper page) and
    ``total_capped`` says when more exist ("more than 1,000"). ``has_next`` comes from fetching
    one row past the page, not from the count. Only a page past the end (an old bookmark, a
    hand-typed number) pays for an exact count, to say where the last page is.

    Subclasses implement ``_fetch(offset, limit)`` (rows in order) and ``_count(limit)`` (the
    number of matching rows, counting at most ``limit``; ``None`` counts all).
    """

    more: bool = False
    total_capped: bool = False

    def _fetch(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def _count(self, limit: int | None) -> int:
        raise NotImplementedError

    def _query_items(self) -> list[Any]:
        rows = self._fetch(self._query_offset, self.per_page + 1)
        self.more = len(rows) > self.per_page
        return rows[: self.per_page]

    def _query_count(self) -> int:
        if not self.items and self.page > 1:
            return self._count(None)
        limit = max(COUNT_CAP, self._query_offset + self.per_page)
        counted = self._count(limit + 1)
        self.total_capped = counted > limit
        return min(counted, limit)

    @property
    def pages(self) -> int:
        counted = super().pages
        return max(counted, self.page + 1) if self.more else counted

    @property
    def has_next(self) -> bool:
        return self.more
