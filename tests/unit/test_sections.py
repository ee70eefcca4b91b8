"""Page slots: a provider fills a slot once, with a partial that exists."""

from __future__ import annotations

import pytest
from flask import Flask

from core import sections


@pytest.fixture
def bare(app: Flask) -> Flask:
    """An app with the project's templates and no slots filled (the shared app stays as is)."""
    return Flask("bare", root_path=app.root_path)


def _provider() -> str:
    return "data"


def test_a_provider_registered_twice_for_a_slot_fails(bare: Flask) -> None:
    with pytest.raises(RuntimeError, match="already registered"):
        sections.register(bare, "account.sidebar", "submissions/_my_submissions.html", _provider)
        sections.register(bare, "account.sidebar", "submissions/_my_submissions.html", _provider)


def test_a_slot_partial_that_does_not_exist_fails_at_registration(bare: Flask) -> None:
    with pytest.raises(RuntimeError, match=r"no template 'submissions/_renamed\.html'"):
        sections.register(bare, "test.slot", "submissions/_renamed.html", _provider)


def test_collect_gives_each_provider_its_partial_and_skips_none(bare: Flask) -> None:
    sections.register(bare, "test.collect", "submissions/_my_submissions.html", _provider)
    sections.register(bare, "test.collect", "challenges/_org_challenges.html", lambda: None)
    with bare.test_request_context():
        found = sections.collect("test.collect")
    assert found == [sections.Section("submissions/_my_submissions.html", "data")]
