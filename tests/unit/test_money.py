"""Money is integer minor units: parsing, formatting and fees never use floats."""

import pytest

from core.money import fee_for, format_amount, input_value, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("50000", "USD", 5_000_000),
        ("50,000.50", "USD", 5_000_050),
        ("$1,234.56", "USD", 123_456),
        ("0.01", "EUR", 1),
        ("5000", "JPY", 5000),
        (" 12 ", "GBP", 1200),
    ],
)
def test_amounts_parse_to_exact_minor_units(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("10.001", "at most 2 decimal places"),
        ("abc", "Enter an amount"),
        ("", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("Infinity", "Enter an amount"),
        ("1e30", "plain digits"),
        ("1e9", "plain digits"),
        ("1E3", "plain digits"),
        ("\uff11\uff10\uff10\uff10", "plain digits"),  # full-width 1000
        ("\u0665\u0660", "plain digits"),  # Arabic-Indic 50
        ("0x10", "plain digits"),
        ("1.", "plain digits"),
        (".5", "plain digits"),
        ("1 000 000 000 000", r"at most \$100,000,000"),
        ("100000000.01", r"at most \$100,000,000"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(text, "USD")


def test_the_largest_prize_is_the_per_challenge_maximum() -> None:
    assert parse_amount("100,000,000", "USD") == 10_000_000_000
    assert parse_amount("10,000,000,000", "JPY") == 10_000_000_000
    with pytest.raises(ValueError, match="at most ¥10,000,000,000"):
        parse_amount("10,000,000,001", "JPY")


def test_yen_has_no_decimals() -> None:
    with pytest.raises(ValueError, match="at most 0 decimal places"):
        parse_amount("10.5", "JPY")


def test_formatting_and_form_values_round_trip() -> None:
    assert format_amount(5_000_000, "USD") == "$50,000"
    assert format_amount(5_000_050, "USD") == "$50,000.50"
    assert format_amount(123, "EUR") == "€1.23"
    assert format_amount(5000, "JPY") == "¥5,000"
    assert format_amount(-250, "GBP") == "-£2.50"
    for minor in (1, 99, 100, 5_000_050):
        assert parse_amount(input_value(minor, "USD"), "USD") == minor


def test_fee_is_basis_points_rounded_half_up() -> None:
    assert fee_for(7_000_000, 500) == 350_000
    assert fee_for(10, 500) == 1  # 0.5 cent rounds up
    assert fee_for(9, 500) == 0  # 0.45 cent rounds down
    assert fee_for(1_000_001, 250) == 25_000


def test_fee_rates_read_as_plain_percentages() -> None:
    from core.templating import percent_from_bps

    assert [percent_from_bps(b) for b in (500, 250, 125, 1000, 1)] == [
        "5 %",
        "2.5 %",
        "1.25 %",
        "10 %",
        "0.01 %",
    ]


def test_relative_times_use_months_and_years() -> None:
    from datetime import UTC, datetime, timedelta

    from core.timefmt import relative

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert relative(now + timedelta(days=1136), now) == "in 3 years"
    assert relative(now + timedelta(days=45), now) == "in 1 month"
    assert relative(now - timedelta(hours=5), now) == "5 hours ago"
    assert relative(now + timedelta(seconds=20), now) == "in less than a minute"


def test_iso_utc_ends_utc_times_with_z_and_keeps_other_offsets() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from core.timefmt import iso_utc

    assert iso_utc(datetime(2026, 12, 4, 8, tzinfo=UTC)) == "2026-12-04T08:00:00Z"
    assert iso_utc(datetime(2026, 12, 4, 8, 0, 0, 5, tzinfo=UTC)) == "2026-12-04T08:00:00.000005Z"
    berlin = timezone(timedelta(hours=1))
    assert iso_utc(datetime(2026, 12, 4, 9, tzinfo=berlin)) == "2026-12-04T09:00:00+01:00"
