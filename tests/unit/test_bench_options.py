"""bench/run.py's size options: --scale multiplies the defaults, an explicit size wins."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bench.run import parse_args
from bench.seed_base import Sizes


def test_scale_two_doubles_every_default_size_and_an_explicit_size_wins() -> None:
    args = parse_args(["--scale", "2", "--users", "7"])
    assert args.users == 7
    for size in fields(Sizes):
        if size.name != "users":
            assert getattr(args, size.name) == 2 * size.default, size.name


def test_without_scale_the_defaults_are_the_documented_sizes() -> None:
    args = parse_args([])
    assert (args.challenges, args.submissions) == (10_000, 200_000)


@pytest.mark.parametrize("scale", ["0", "-1", "101"])
def test_a_scale_out_of_range_is_refused(scale: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--scale", scale])
    assert "--scale must be" in capsys.readouterr().err
