"""Template helpers from the submissions domain (used by account and challenge pages)."""

from typing import Any

from core.db import utcnow
from submissions.gallery import entries_of_user
from submissions.moderation import audit_trail, open_report_of, open_reports
from submissions.services import entry_of, submissions_of
from submissions.visibility import public_can_view

TEMPLATE_HELPERS: dict[str, Any] = {
    "my_submissions": submissions_of,
    "entry_of": entry_of,
    "now_utc": utcnow,
    "visible_entries_of": entries_of_user,
    "is_public_entry": public_can_view,
    "open_report_of": open_report_of,
    "open_reports": open_reports,
    "submission_audit_trail": audit_trail,
}
