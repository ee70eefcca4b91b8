"""Jinja filters and globals shared by every template."""

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from core.markdown import render_stored_markdown
from core.money import format_amount
from core.text import plural
from core.timefmt import format_date, format_datetime, relative


def percent_from_bps(bps: int) -> str:
    """500 -> ``5 %``, 250 -> ``2.5 %``, 125 -> ``1.25 %``."""
    whole, rest = divmod(int(bps), 100)
    return f"{whole} %" if not rest else f"{whole}.{rest:02d}".rstrip("0") + " %"


def register_template_helpers(app: Flask, policies: Mapping[str, Callable[..., Any]]) -> None:
    app.jinja_env.filters["markdown"] = render_stored_markdown
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["money"] = format_amount
    app.jinja_env.filters["relative"] = relative
    app.jinja_env.filters["bps_percent"] = percent_from_bps
    app.jinja_env.filters["plural"] = plural  # {{ n|plural("entry") }} -> "1 entry"
    app.jinja_env.globals.update(policies)
