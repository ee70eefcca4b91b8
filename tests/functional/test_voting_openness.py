"""Community voting needs entries the public can read: refused otherwise, and switched off on
challenges that already had it with hidden solutions (no one could vote for them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask.testing import FlaskClient

from challenges import services
from challenges.models import Challenge
from core.db import db
from core.errors import ValidationFailed
from judging.models import JudgingSettings
from judging.results.models import Award, AwardKind
from tests.conftest import AuthActions
from tests.factories import challenge_input, make_challenge, make_org, make_user
from tests.functional.challenge_helpers import FORM
from tests.results_support import awarded_challenge

REFUSAL = "Community voting needs solutions the public can read"
MIGRATION = "voting_needs_public_entries.py"


@pytest.mark.parametrize("visibility", ["public_after_close", "sponsor_only"])
def test_the_form_refuses_voting_on_entries_the_public_cannot_read(
    client: FlaskClient, auth: AuthActions, visibility: str
) -> None:
    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    data = {**FORM, "community_voting": "y", "solution_visibility": visibility}
    response = client.post("/challenges/new", data=data)
    assert response.status_code == 422 and REFUSAL in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 0
    opened = client.post(
        "/challenges/new", data={**data, "solution_visibility": "public_on_submit"}
    )
    assert opened.status_code == 302
    assert db.session.scalar(sa.select(Challenge.community_voting)) is True


def test_the_service_refuses_hiding_the_entries_of_a_voting_draft() -> None:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    draft = services.create_challenge(
        actor=owner,
        org=org,
        data=challenge_input(solution_visibility="public_on_submit", community_voting=True),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.update_challenge(
            actor=owner,
            challenge=draft,
            data=challenge_input(solution_visibility="sponsor_only", community_voting=True),
        )
    assert refused.value.field == "community_voting" and REFUSAL in refused.value.message


def _run_migration() -> None:
    path = next(Path("migrations/versions").glob(f"*_{MIGRATION}"))
    spec = importlib.util.spec_from_file_location("voting_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db.session.remove()
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        module.upgrade()


def test_existing_challenges_stop_promising_a_vote_nobody_can_cast() -> None:
    org = make_org("Helios", owner=make_user("owner"))
    hidden = make_challenge(org, slug="hidden", visibility="public_after_close")
    open_ = make_challenge(org, slug="open", visibility="public_on_submit")
    past = make_challenge(org, slug="past", phase="awarded", visibility="sponsor_only")
    solver = make_user("solver")
    chosen = awarded_challenge(org, solver, title="Chosen", entry_title="E", at=past.awarded_at)
    for challenge in (hidden, open_, past, chosen.challenge):
        challenge.community_voting = True
    chosen.challenge.solution_visibility = "sponsor_only"
    chosen.awards[0].kind = AwardKind.PEOPLES_CHOICE  # history: the award stands as given
    db.session.add(
        JudgingSettings(
            challenge_id=hidden.id,
            peoples_choice_tier_id=hidden.prize_tiers[-1].id,
            community_weight=0.2,
        )
    )
    db.session.commit()
    hidden_id, chosen_slug = hidden.id, chosen.challenge.slug
    _run_migration()
    voting = dict(db.session.execute(sa.select(Challenge.slug, Challenge.community_voting)).all())
    assert voting == {"hidden": False, "open": True, "past": False, chosen_slug: True}
    settings = db.session.get(JudgingSettings, hidden_id)
    assert (settings.peoples_choice_tier_id, settings.community_weight) == (None, 0)
    assert db.session.scalar(sa.select(Award.kind)) == AwardKind.PEOPLES_CHOICE


def test_the_demo_offers_votes_only_where_entries_are_public() -> None:
    from accounts import demo as accounts_demo
    from challenges import demo as challenges_demo

    accounts_demo.seed()
    challenges_demo.seed()
    rows = db.session.execute(
        sa.select(Challenge.slug, Challenge.solution_visibility).where(
            Challenge.community_voting.is_(True)
        )
    ).all()
    assert rows and {visibility for _, visibility in rows} == {"public_on_submit"}
