"""Signals payments subscribes to: approved awards become payouts, a decline refunds the purse."""

from blinker import Namespace

_signals = Namespace()

# Sent by ``approve_winners`` inside its transaction, just before the commit (sender: the
# challenge; ``awards``: the new Award rows, flushed). A receiver that raises aborts the
# approval: nothing is written.
awards_approved = _signals.signal("awards-approved")

# Sent after the winners' e-mails are written, still inside that transaction (sender: the
# challenge; ``awards``): receivers write follow-up jobs (pay, ask winners to onboard), which
# run once the approval commits.
awards_announced = _signals.signal("awards-announced")

# Sent by ``decline_awards`` inside its transaction, after the sponsor's e-mail (sender: the
# challenge): payments writes the job that refunds the unawarded purse.
awards_declined = _signals.signal("awards-declined")
