"""Community voting services: cast, change and withdraw votes; tally; scan and quarantine."""

from __future__ import annotations


def scan_votes(challenge_id: int) -> int:
    """Quarantine the challenge's suspicious votes (JUDGING §5); flushes, returns how many."""
    return 0
