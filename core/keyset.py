"""Keyset ("seek") paging over a (timestamp, id) order: the opaque cursor of Newer/Older links.

A cursor names the row a page starts after: ``<microseconds since 1970 UTC>.<id>``. Following
one costs the same on the thousandth page as on the first (an index range, no OFFSET), and rows
added meanwhile neither repeat nor vanish from the pages a reader walks through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import request

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_MICROS = 253_402_300_799_999_999  # 9999-12-31 23:59:59.999999 UTC, the last datetime
MAX_ID = 2**31 - 1  # a database integer
_CURSOR = re.compile(r"([0-9]{1,18})\.([0-9]{1,10})")


@dataclass(frozen=True)
class Cursor:
    at: datetime  # aware UTC
    id: int

    @property
    def token(self) -> str:
        delta = self.at - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"


class BadCursor(ValueError):
    """A ``before``/``after`` argument that no link of ours could have made."""


def parse_cursor(raw: str) -> Cursor:
    """The cursor a link carries; ``BadCursor`` for anything else (wrong shape, non-ASCII
    digits, NUL bytes, numbers past a datetime or a database integer, dates before 1970)."""
    match = _CURSOR.fullmatch(raw) if raw.isascii() else None
    if match is None:
        raise BadCursor(raw)
    micros, id_ = int(match[1]), int(match[2])
    if micros > MAX_MICROS or not 1 <= id_ <= MAX_ID:
        raise BadCursor(raw)
    return Cursor(EPOCH + timedelta(microseconds=micros), id_)


@dataclass(frozen=True)
class Seek:
    """Where a page starts: the newest rows (``cursor`` None), rows older than ``cursor``
    (``older``) or rows newer than it (not ``older``)."""

    cursor: Cursor | None = None
    older: bool = True


def seek_args() -> Seek:
    """The page the ``before``/``after`` query arguments ask for; ``BadCursor`` when they are
    malformed or both given."""
    before, after = request.args.get("before"), request.args.get("after")
    if before is not None and after is not None:
        raise BadCursor("both before and after")
    if before is not None:
        return Seek(parse_cursor(before), older=True)
    if after is not None:
        return Seek(parse_cursor(after), older=False)
    return Seek()
