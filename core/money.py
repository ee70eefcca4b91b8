"""Money in integer minor units: currencies, parsing and formatting. No floats anywhere."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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
MAX_AMOUNT_MINOR = 10**12  # 10 billion major units: far above any prize, far below 2**63


def exponent(currency: str) -> int:
    return CURRENCIES[currency.upper()][1]


def parse_amount(text: str, currency: str) -> int:
    """``"50,000.50"`` in USD -> ``5000050``; raises ``ValueError`` with a readable message."""
    cleaned = (text or "").strip().replace(",", "").replace("_", "").replace(" ", "")
    for symbol, _ in CURRENCIES.values():
        cleaned = cleaned.removeprefix(symbol.strip())
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError("Enter an amount such as 25000 or 25000.50.") from error
    if not value.is_finite():
        raise ValueError("Enter an amount such as 25000 or 25000.50.")
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise ValueError(f"{currency} amounts have at most {places} decimal places.")
    if minor <= 0:
        raise ValueError("Amounts must be greater than zero.")
    if minor > MAX_AMOUNT_MINOR:
        raise ValueError("That amount is too large.")
    return int(minor)


def format_amount(amount_minor: int | None, currency: str = "USD") -> str:
    """``5000050`` USD -> ``$50,000.50``; whole amounts drop the cents: ``$50,000``."""
    if amount_minor is None:
        return ""
    currency = currency.upper()
    symbol, places = CURRENCIES.get(currency, (f"{currency} ", 2))
    sign = "-" if amount_minor < 0 else ""
    major, minor = divmod(abs(amount_minor), 10**places) if places else (abs(amount_minor), 0)
    text = f"{major:,}"
    if places and minor:
        text += f".{minor:0{places}d}"
    return f"{sign}{symbol}{text}"


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
