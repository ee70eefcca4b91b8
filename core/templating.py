"""Jinja filters and globals shared by every template."""

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from core.markdown import render_markdown
from core.timefmt import format_date, format_datetime


def money(amount_minor: int | None, currency: str = "USD") -> str:
    """Integer minor units as ``$1,234.50``-style text (zero-decimal currencies aware)."""
    if amount_minor is None:
        return ""
    currency = currency.upper()
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
    zero_decimal = currency in {"JPY", "KRW"}
    value = amount_minor if zero_decimal else amount_minor / 100
    text = f"{value:,.0f}" if zero_decimal or amount_minor % 100 == 0 else f"{value:,.2f}"
    symbol = symbols.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def register_template_helpers(app: Flask, policies: Mapping[str, Callable[..., Any]]) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals.update(policies)
