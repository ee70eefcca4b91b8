"""bench/goals.py holds each page's figures against issue 11's goals (no servers)."""

from __future__ import annotations

import pytest

from bench.goals import ScaleRun, format_goal_table, judge_page
from bench.load import Measurement, Sample
from bench.pages import Page


def _measured(name: str, rps: float, single_ms: float = 20.0, errors: int = 0) -> Measurement:
    sample = Sample(rps, 1.0, 2.0, int(rps), errors, 0)
    return Measurement(name, "/" + name, samples=[sample], single_ms=[single_ms] * 3)


def _runs(page_rps: tuple[float, float], single_ms: float = 20.0) -> list[ScaleRun]:
    return [
        ScaleRun(scale, [_measured("hello", 1000), _measured("page", rps, single_ms)], {1: 90_000})
        for scale, rps in zip((1.0, 2.0), page_rps, strict=True)
    ]


def test_a_list_page_that_keeps_its_ratio_as_the_data_doubles_meets_its_goal() -> None:
    verdict = judge_page(Page("page", "/page", list_page=True), _runs((300, 290)))
    assert verdict.ratios == [0.3, 0.29]
    assert verdict.met


def test_a_list_page_that_loses_a_quarter_of_its_ratio_is_not_met() -> None:
    verdict = judge_page(Page("page", "/page", list_page=True), _runs((400, 300)))
    assert verdict.loss == pytest.approx(0.25)
    assert verdict.failed == ["loss"]


def test_the_same_loss_on_a_page_that_is_no_list_is_no_failure() -> None:
    assert judge_page(Page("page", "/page"), _runs((400, 300))).met


def test_signed_in_pages_need_a_tenth_of_hello_and_anonymous_pages_a_fifth() -> None:
    runs = _runs((150, 150))
    assert judge_page(Page("page", "/page", signed_in_as=lambda s: "a@b.test"), runs).met
    assert judge_page(Page("page", "/page"), runs).failed == ["ratio"]


def test_a_slow_single_request_fails_and_the_table_says_which_goal() -> None:
    runs = _runs((300, 300), single_ms=140.0)
    verdict = judge_page(Page("page", "/page"), runs)
    assert verdict.failed == ["single"]
    table = format_goal_table([verdict], runs)
    assert "NOT met (single)" in table
    assert "0 of 1 pages meet their goal." in table
    assert "max 88 MB (each: 88 MB); goal < 150 MB: met" in table
