"""Template helpers from the submissions domain (used by account and challenge pages)."""

from typing import Any

from core.db import utcnow
from submissions.moderation import audit_trail, open_report_of, open_reports
from submissions.visibility import public_can_view

TEMPLATE_HELPERS: dict[str, Any] = {
    "now_utc": utcnow,
    "is_public_entry": public_can_view,
    "open_report_of": open_report_of,
    "open_reports": open_reports,
    "submission_audit_trail": audit_trail,
}
