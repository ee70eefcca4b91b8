"""core.memo: a stored value serves only its own version, only read-only requests use it, and
the oldest keys go first."""

from __future__ import annotations

from flask import Flask

from core.memo import VersionedMemo

app = Flask(__name__)


def _counting() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_same_version_reuses_and_a_new_version_recomputes() -> None:
    memo: VersionedMemo[int] = VersionedMemo()
    calls, compute = _counting()
    with app.test_request_context("/", method="GET"):
        assert memo.get("c1", 5, compute) == 1
        assert memo.get("c1", 5, compute) == 1
        assert memo.get("c1", 6, compute) == 2
        assert memo.get("c2", 6, compute) == 3  # keys are separate
    assert len(calls) == 3


def test_writes_and_work_outside_requests_always_compute() -> None:
    memo: VersionedMemo[int] = VersionedMemo()
    calls, compute = _counting()
    with app.test_request_context("/", method="POST"):
        memo.get("c1", 5, compute)
        memo.get("c1", 5, compute)
    memo.get("c1", 5, compute)
    with app.test_request_context("/", method="GET"):
        memo.get("c1", None, compute)  # no version: nothing to key on
    assert len(calls) == 4


def test_least_recently_used_goes_first() -> None:
    memo: VersionedMemo[int] = VersionedMemo(maxsize=2)
    calls, compute = _counting()
    with app.test_request_context("/", method="GET"):
        memo.get("a", 1, compute)
        memo.get("b", 1, compute)
        memo.get("a", 1, compute)  # a is now the most recent
        memo.get("c", 1, compute)  # evicts b
        memo.get("a", 1, compute)
        memo.get("b", 1, compute)
    assert len(calls) == 4
