"""Jinja filters and globals shared by every template."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol, get_minus_sign_symbol
from flask import Flask, request
from werkzeug.routing import BuildError

from core.i18n import babel_locale
from core.markdown import render_stored_markdown
from core.money import format_amount
from core.text import mask_email
from core.timefmt import format_date, format_datetime, relative
from core.urls import external_url


def percent_from_bps(bps: int) -> str:
    """500 -> ``5 %``, 250 -> ``2.5 %`` (``2,5 %`` in Spanish), 125 -> ``1.25 %``."""
    number = format_decimal(Decimal(int(bps)) / 100, format="0.##", locale=babel_locale())
    return f"{number} %"


def format_number(value: int) -> str:
    """``1200`` -> ``1,200`` in English, ``1.200`` in Spanish: Babel, in the viewer's language."""
    text: str = format_decimal(value, locale=babel_locale())
    return text


def format_fixed(value: float, places: int = 2, signed: bool = False) -> str:
    """A score with ``places`` decimals, the digits exactly as ``'%.2f'`` gives them and the
    viewer's decimal sign: ``88.25`` / ``88,25``; ``signed`` adds ``+`` to positive values."""
    text = f"{value:+.{places}f}" if signed else f"{value:.{places}f}"
    locale = babel_locale()
    if locale.language == "en":
        return text
    return text.replace(".", get_decimal_symbol(locale)).replace("-", get_minus_sign_symbol(locale))


def canonical_url() -> str:
    """The page's own address without its query string (under BASE_URL when set), for
    ``og:url`` and ``rel=canonical``; empty on error pages, which have no route."""
    if request.endpoint is None or request.url_rule is None or request.routing_exception:
        return ""
    try:
        return external_url(request.endpoint, **(request.view_args or {}))
    except BuildError:
        return ""


def register_template_helpers(app: Flask, policies: Mapping[str, Callable[..., Any]]) -> None:
    app.jinja_env.filters["markdown"] = render_stored_markdown
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["money"] = format_amount
    app.jinja_env.filters["fixed"] = format_fixed  # {{ score|fixed(2) }}: 88.25 / 88,25
    app.jinja_env.filters["number"] = format_number  # 1,200 / 1.200 in the viewer's language
    app.jinja_env.filters["relative"] = relative
    app.jinja_env.filters["bps_percent"] = percent_from_bps
    app.jinja_env.filters["mask_email"] = mask_email
    app.jinja_env.globals["canonical_url"] = canonical_url
    app.jinja_env.globals.update(policies)
