"""Adoption tracking after the award: the sponsor's dated updates on each winning solution,
moderated reports of reuse elsewhere, reminders at 3, 6 and 12 months, the Impact section of
each awarded challenge and the platform-wide /impact page with its feed."""
