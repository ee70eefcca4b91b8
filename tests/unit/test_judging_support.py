"""The judging builders the tests share (tests/judging_support.py) build what they promise."""

from __future__ import annotations

from challenges.models import Phase
from tests.judging_support import judging_world


def test_judging_world_has_submitted_entries_and_attested_judges() -> None:
    world = judging_world()
    assert [e.status for e in world.entries] == ["submitted"] * 4
    assert all(judge.is_active for judge in world.judges)
    assert world.challenge.phase() == Phase.JUDGING
