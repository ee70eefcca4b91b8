"""UTC timestamps shown in the viewer's zone (the zone named), or as ISO 8601 for machines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates as babel_dates
from flask import g, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.i18n import babel_locale

TZ_COOKIE = "tz"
# CLDR patterns (Babel): ``04 Dec 2026, 08:05`` in English, ``04 dic 2026, 08:05`` in Spanish.
DATETIME_PATTERN = "dd MMM y, HH:mm"
DATE_PATTERN = "dd MMM y"
# Dates people may enter: far enough back for a challenge that already opened, far enough ahead
# for any real deadline, and far from the ends of ``datetime`` (where zone arithmetic overflows).
WINDOW_PAST = timedelta(days=366)
WINDOW_FUTURE = timedelta(days=10 * 366)


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str | None) -> TypeGuard[str]:
    return bool(name) and name in all_zones()


def viewer_zone() -> ZoneInfo:
    """The signed-in user's zone, else the browser's (cookie set by app.js), else UTC."""
    if "viewer_zone" in g:
        cached: ZoneInfo = g.viewer_zone
        return cached
    name = getattr(current_user, "timezone", None) if current_user.is_authenticated else None
    if not is_valid_zone(name):
        name = request.cookies.get(TZ_COOKIE)
    try:
        zone = ZoneInfo(name) if is_valid_zone(name) else ZoneInfo("UTC")
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("UTC")
    g.viewer_zone = zone
    return zone


def window_error(value: datetime, now: datetime) -> str | None:
    """Why ``value`` (aware) is not a date people may enter, or None when it is."""
    earliest, latest = now - WINDOW_PAST, now + WINDOW_FUTURE
    if earliest <= value <= latest:
        return None
    text: str = _(
        "Choose a date between %(earliest)s and %(latest)s (at most a year back and ten years "
        "ahead).",
        earliest=_babel_format(earliest, DATE_PATTERN),
        latest=_babel_format(latest, DATE_PATTERN),
    )
    return text


def format_datetime(value: datetime | None, pattern: str = DATETIME_PATTERN) -> str:
    """``21 Nov 2026, 22:00 CET (Europe/Berlin)``-style text in the viewer's zone and language
    (``21 nov 2026, 22:00 CET (Europe/Berlin)`` in Spanish); ``pattern`` is a CLDR pattern."""
    if value is None:
        return ""
    zone = viewer_zone()
    local = to_viewer_zone(value)
    label = local.tzname() or zone.key
    suffix = label if local.tzinfo is UTC or zone.key in {"UTC", label} else f"{label} ({zone.key})"
    return f"{_babel_format(local, pattern)} {suffix}"


def _babel_format(local: datetime, pattern: str) -> str:
    return str(babel_dates.format_datetime(local, pattern, locale=babel_locale()))


def to_viewer_zone(value: datetime) -> datetime:
    """``value`` in the viewer's zone; in UTC when that would leave the years ``datetime`` holds
    (a stored year 1 or 9999 must not break a page)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(viewer_zone())
    except OverflowError:
        return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """ISO 8601 for APIs, feeds and exports: ``2026-12-04T08:00:00Z`` for a UTC value (microseconds
    shown when there are any; a value in another zone keeps its offset)."""
    return value.isoformat().replace("+00:00", "Z")


def format_date(value: datetime | None) -> str:
    return _babel_format(to_viewer_zone(value), DATE_PATTERN) if value else ""


def local_to_utc(naive: datetime, zone_name: str) -> datetime:
    """A wall-clock time entered in ``zone_name`` as aware UTC (DST gaps resolve forward)."""
    zone = ZoneInfo(zone_name)
    aware = naive.replace(tzinfo=zone)
    try:
        round_trip = aware.astimezone(UTC).astimezone(zone)
        if round_trip.replace(tzinfo=None) != naive:  # inside a DST gap: take the later offset
            aware = naive.replace(tzinfo=zone, fold=1)
        return aware.astimezone(UTC)
    except OverflowError:  # year 1 or 9999: the nearest UTC instant, which window_error refuses
        return naive.replace(tzinfo=UTC)


def utc_to_local(value: datetime, zone_name: str) -> datetime:
    """Aware UTC to naive wall-clock time in ``zone_name`` (for editing forms)."""
    try:
        return value.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
    except OverflowError:
        return value.astimezone(UTC).replace(tzinfo=None)


def relative(value: datetime, now: datetime | None = None) -> str:
    """``in 3 days`` / ``5 hours ago``: coarse, for cards; the exact time goes in a tooltip."""
    now = now or datetime.now(UTC)
    seconds = (value - now).total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    for unit, size in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return (_FUTURE if future else _PAST)[unit](count)
    text: str = _("in less than a minute") if future else _("less than a minute ago")
    return text


_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)
# Whole phrases, not "in" + a counted noun: word order and agreement differ between languages.
_FUTURE: dict[str, Callable[[int], str]] = {
    "year": lambda n: ngettext("in %(num)d year", "in %(num)d years", n),
    "month": lambda n: ngettext("in %(num)d month", "in %(num)d months", n),
    "day": lambda n: ngettext("in %(num)d day", "in %(num)d days", n),
    "hour": lambda n: ngettext("in %(num)d hour", "in %(num)d hours", n),
    "minute": lambda n: ngettext("in %(num)d minute", "in %(num)d minutes", n),
}
_PAST: dict[str, Callable[[int], str]] = {
    "year": lambda n: ngettext("%(num)d year ago", "%(num)d years ago", n),
    "month": lambda n: ngettext("%(num)d month ago", "%(num)d months ago", n),
    "day": lambda n: ngettext("%(num)d day ago", "%(num)d days ago", n),
    "hour": lambda n: ngettext("%(num)d hour ago", "%(num)d hours ago", n),
    "minute": lambda n: ngettext("%(num)d minute ago", "%(num)d minutes ago", n),
}
