"""The panel: rubric, judges and their invitations, conflicts, assignment, reviews, reminders."""
