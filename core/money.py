"""Money in integer minor units: currencies, parsing and formatting. No floats anywhere."""

from __future__ import annotations

import re
from copy import copy
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import babel_locale

# code -> (symbol, number of decimals); the short list sponsors may choose from.
CURRENCIES: dict[str, tuple[str, int]] = {
    "USD": ("$", 2),
    "EUR": ("€", 2),
    "GBP": ("£", 2),
    "CAD": ("CA$", 2),
    "AUD": ("A$", 2),
    "CHF": ("CHF ", 2),
    "JPY": ("¥", 0),
}
# The largest purse a challenge may offer (all its prizes together), in major units: far above
# any real prize, and a typo such as one zero too many stays visible as an error.
MAX_PURSE_MAJOR = {"JPY": 10_000_000_000}
DEFAULT_MAX_PURSE_MAJOR = 100_000_000
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
PLAIN_DIGITS = _l("Enter an amount in plain digits, such as 25000 or 25,000.50.")


def exponent(currency: str) -> int:
    return CURRENCIES[currency.upper()][1]


def max_purse(currency: str) -> int:
    """The most a challenge's prizes may add up to, in minor units of ``currency``."""
    major = MAX_PURSE_MAJOR.get(currency.upper(), DEFAULT_MAX_PURSE_MAJOR)
    return int(major * 10 ** exponent(currency))


def too_large_message(currency: str) -> str:
    text: str = _(
        "A challenge's prizes total at most %(amount)s.",
        amount=format_amount(max_purse(currency), currency),
    )
    return text


def parse_amount(text: str, currency: str) -> int:
    """``"50,000.50"`` in USD -> ``5000050``; raises ``ValueError`` with a readable message.

    Only ASCII digits, with an optional decimal point and thousands separators (commas or
    spaces): no exponent ("1e9"), no other scripts' digits, no signs.
    """
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    for symbol, _places in CURRENCIES.values():
        cleaned = cleaned.removeprefix(symbol.strip())
    if cleaned.startswith("-") and _PLAIN.fullmatch(cleaned[1:]):
        raise ValueError(_("Amounts must be greater than zero."))
    if not cleaned:
        raise ValueError(_("Enter an amount such as 25000 or 25000.50."))
    if not cleaned.isascii() or not _PLAIN.fullmatch(cleaned):
        raise ValueError(str(PLAIN_DIGITS))
    value = Decimal(cleaned)
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise ValueError(
            _(
                "%(currency)s amounts have at most %(places)d decimal places.",
                currency=currency,
                places=places,
            )
        )
    if minor <= 0:
        raise ValueError(_("Amounts must be greater than zero."))
    if minor > max_purse(currency):
        raise ValueError(too_large_message(currency))
    return int(minor)


def format_amount(amount_minor: int | None, currency: str = "USD") -> str:
    """``5000050`` USD -> ``$50,000.50`` in English, ``50.000,50 US$`` in Spanish (Babel, in the
    viewer's language); whole amounts drop the cents: ``$50,000``."""
    if amount_minor is None:
        return ""
    currency = currency.upper()
    places = CURRENCIES[currency][1] if currency in CURRENCIES else 2
    value = Decimal(amount_minor).scaleb(-places)
    locale = babel_locale()
    pattern = copy(_currency_pattern(locale.language))
    digits = places if value != value.to_integral_value() else 0
    pattern.frac_prec = (digits, digits)
    text: str = pattern.apply(value, locale, currency=currency, currency_digits=False)
    return text


@lru_cache(maxsize=8)
def _currency_pattern(locale: str) -> NumberPattern:
    standard = Locale.parse(locale).currency_formats["standard"]
    return parse_pattern(standard.pattern)


def input_value(amount_minor: int, currency: str) -> str:
    """The amount as a form shows it for editing: ``50000`` or ``50000.50``."""
    places = exponent(currency)
    if not places:
        return str(amount_minor)
    major, minor = divmod(amount_minor, 10**places)
    return f"{major}" if not minor else f"{major}.{minor:0{places}d}"


def fee_for(amount_minor: int, fee_bps: int) -> int:
    """Platform fee in basis points, rounded half up to the minor unit (integer arithmetic)."""
    return (amount_minor * fee_bps + 5000) // 10000
