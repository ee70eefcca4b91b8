"""bench/run.py's options: the scales it seeds and measures (each multiplies the default sizes,
an explicit size wins), --seed-only, and the pages it signs in for."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bench.pages import select_pages
from bench.run import parse_args
from bench.seed_base import Sizes


def test_without_options_the_bench_measures_the_documented_sizes_and_twice_them() -> None:
    args = parse_args([])
    assert args.scales == [1.0, 2.0]
    assert [(s.challenges, s.submissions) for s in args.sizes] == [
        (10_000, 200_000),
        (20_000, 400_000),
    ]
    assert not args.seed_only


def test_scale_two_doubles_every_default_size_and_an_explicit_size_wins() -> None:
    args = parse_args(["--scale", "2", "--users", "7"])
    assert args.scales == [2.0]
    (sizes,) = args.sizes
    assert sizes.users == 7
    for size in fields(Sizes):
        if size.name != "users":
            assert getattr(sizes, size.name) == 2 * size.default, size.name


def test_scales_are_measured_smallest_first_and_an_explicit_size_holds_at_each() -> None:
    args = parse_args(["--scales", "10,1, 2,1", "--challenges", "50"])
    assert args.scales == [1.0, 2.0, 10.0]
    assert [s.submissions for s in args.sizes] == [200_000, 400_000, 2_000_000]
    assert [s.challenges for s in args.sizes] == [50, 50, 50]


def test_seed_only_at_ten_times_the_data() -> None:
    args = parse_args(["--scales", "10", "--seed-only"])
    assert args.seed_only
    assert (args.sizes[0].challenges, args.sizes[0].submissions) == (100_000, 2_000_000)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scale", "0"], "--scale(s) must be"),
        (["--scale", "-1"], "--scale(s) must be"),
        (["--scale", "101"], "--scale(s) must be"),
        (["--scales", "1,200"], "--scale(s) must be"),
        (["--scales", "1,x"], "--scales must be numbers"),
        (["--scales", ","], "--scale(s) must be"),
        (["--scale", "1", "--scales", "1,2"], "not both"),
    ],
)
def test_bad_scales_are_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err


def test_the_signed_in_pages_are_the_account_the_sponsor_dashboard_and_the_judges_list() -> None:
    signed_in = {page.name: page.path for page in select_pages([]) if page.signed_in_as}
    assert signed_in == {
        "account": "/account",
        "dashboard": "/challenges/bench-judged-challenge/judging",
        "judge": "/judging",
    }
