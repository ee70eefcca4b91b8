"""The challenge form as a sponsor posts it (valid as it stands), and that signed-in sponsor."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.factories import make_org, make_user

FORM = {
    "title": "Cheap Grid Storage",
    "summary": "Store solar power cheaply.",
    "category": "Energy & climate",
    "tags": "Storage, grid, storage",
    "description_md": "The **problem**.",
    "rules_md": "The rules.",
    "eligibility_md": "Everyone.",
    "timezone": "Europe/Berlin",
    "opens_at": "2031-01-10T09:00",
    "closes_at": "2031-03-10T17:00",
    "judging_ends_at": "2031-04-10T17:00",
    "currency": "USD",
    "tiers-0-label": "First prize",
    "tiers-0-amount": "50,000",
    "tiers-1-label": "Second prize",
    "tiers-1-amount": "20000.50",
    "max_team_size": "4",
    "solution_visibility": "public_after_close",
    "submission_license": "CC-BY-4.0",
    "ip_on_award": "solver_retains",
    "judging_transparency": "scores_public",
}


@pytest.fixture
def sponsor(auth: AuthActions):
    """The signed-in owner of "Helios", with the organization."""
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    return owner, org
