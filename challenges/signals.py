"""Signals later domains subscribe to (payments refunds a cancelled challenge's purse)."""

from blinker import Namespace

_signals = Namespace()

# Sent after the commit that cancels a challenge; receivers get ``challenge_id``.
challenge_cancelled = _signals.signal("challenge-cancelled")
