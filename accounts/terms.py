"""The version of the terms of service and privacy notice, in one place.

Changing ``TERMS_VERSION`` asks every signed-in person to accept the new text once
(accounts.terms_routes); ``TERMS_CHANGES`` is what that page tells them has changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from core.db import utcnow

TERMS_VERSION = "2026-12-04"
TERMS_EFFECTIVE = date(2026, 12, 4)
TERMS_CHANGES = (
    _l("The terms of service and the privacy notice are now written down in full on the site."),
    _l("Accepting them is recorded with your account (the version and the time)."),
    _l(
        "The privacy notice lists what we keep, why, for how long, and how to get a copy or "
        "have your account deleted."
    ),
)


def accepted_now() -> dict[str, Any]:
    """Column values for an account created as having accepted the current terms."""
    return {"terms_version": TERMS_VERSION, "terms_accepted_at": utcnow()}
