"""The rubric: validation, free edits before opening, rules versions afterwards."""

from __future__ import annotations

from dataclasses import replace

import pytest

from challenges.models import ChallengeUpdate, Follow, RulesChange
from core.db import db
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.mail import Mail
from judging import services
from judging.models import Criterion, JudgingSettings
from judging.panel.rubric import CriterionInput
from tests.factories import make_challenge, make_org, make_user
from tests.judging_support import RUBRIC, move, sponsor_world


@pytest.fixture
def draft():
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    return owner, make_challenge(org, slug="grid", phase="upcoming")


def _save(owner, challenge, criteria=RUBRIC, passing_score=None, k=3):
    return services.set_rubric(
        actor=owner, challenge=challenge, criteria=criteria, passing_score=passing_score, k=k
    )


def test_owner_sets_a_rubric_with_weights_anchors_and_defaults(draft) -> None:
    owner, challenge = draft
    settings = _save(owner, challenge, passing_score=50)
    rows = services.criteria_of(challenge)
    assert [(c.position, c.name, c.weight) for c in rows] == [
        (1, "Impact", 40),
        (2, "Feasibility", 30),
        (3, "Novelty", 20),
        (4, "Clarity", 10),
    ]
    assert rows[0].anchor_low == "No real effect" and rows[0].anchor_high == "Changes the field"
    assert settings.k == 3 and settings.blind_review is True and settings.passing_score == 50
    assert len(settings.blind_secret) == 64


@pytest.mark.parametrize(
    ("criteria", "passing_score", "k", "message"),
    [
        ([], None, 3, "between 1 and 10 criteria"),
        ([CriterionInput(f"C{n}", 1) for n in range(11)], None, 3, "between 1 and 10"),
        ([CriterionInput("Impact", 1), CriterionInput("impact", 2)], None, 3, "names must differ"),
        ([CriterionInput("  ", 1)], None, 3, "needs a name"),
        ([CriterionInput("Impact", 0)], None, 3, "from 1 to 100"),
        ([CriterionInput("Impact", 101)], None, 3, "from 1 to 100"),
        ([CriterionInput("Impact", 10)], None, 0, "Judges per entry"),
        ([CriterionInput("Impact", 10)], None, 11, "Judges per entry"),
        ([CriterionInput("Impact", 10)], -1, 3, "passing score"),
        ([CriterionInput("Impact", 10)], 100.5, 3, "passing score"),
    ],
)
def test_invalid_rubrics_are_refused_with_a_clear_message(
    draft, criteria, passing_score, k, message
) -> None:
    owner, challenge = draft
    with pytest.raises(ValidationFailed, match=message):
        _save(owner, challenge, criteria, passing_score, k)
    assert db.session.query(Criterion).count() == 0


def test_only_owners_and_managers_set_the_rubric(draft) -> None:
    _, challenge = draft
    with pytest.raises(PermissionDenied):
        _save(make_user("stranger"), challenge)


def test_editing_keeps_criteria_by_name_and_reorders_them(draft) -> None:
    owner, challenge = draft
    _save(owner, challenge)
    before = {c.name: c.id for c in services.criteria_of(challenge)}
    reordered = [RUBRIC[3], RUBRIC[0], CriterionInput("Cost", 5)]
    _save(owner, challenge, reordered)
    after = services.criteria_of(challenge)
    assert [c.name for c in after] == ["Clarity", "Impact", "Cost"]
    assert after[0].id == before["Clarity"] and after[1].id == before["Impact"]


def test_after_opening_set_rubric_refuses_a_changed_rubric(draft) -> None:
    owner, challenge = draft
    _save(owner, challenge)
    move(challenge, "open")
    with pytest.raises(Conflict, match="needs a change note"):
        _save(owner, challenge, [*RUBRIC[:3], replace(RUBRIC[3], weight=15)])
    assert _save(owner, challenge, k=5).k == 5  # judges per entry is logistics, not a rule


def test_after_opening_a_rubric_change_is_a_rules_version_with_a_note(
    draft, mails: list[Mail]
) -> None:
    owner, challenge = draft
    _save(owner, challenge)
    move(challenge, "open")
    db.session.add(Follow(user_id=make_user("fan").id, challenge_id=challenge.id))
    db.session.commit()
    args = {
        "actor": owner,
        "challenge": challenge,
        "criteria": RUBRIC[:3],
        "passing_score": 60.0,
        "k": 3,
    }
    with pytest.raises(ValidationFailed, match="Describe what changed"):
        services.change_rubric_with_note(**args, note=" ")
    services.change_rubric_with_note(**args, note="Clarity is no longer scored.")
    assert challenge.rules_version == 2
    change = db.session.query(RulesChange).one()
    assert change.changed_fields == "judging criteria, passing score"
    assert "Clarity is no longer scored." in db.session.query(ChallengeUpdate).one().body
    assert [m.to for m in mails if "Rules updated" in m.subject] == ["fan@example.org"]
    assert db.session.get(JudgingSettings, challenge.id).passing_score == 60.0


def test_rubric_is_fixed_once_a_review_is_submitted() -> None:
    from tests.judging_support import submitted_review

    world, _ = submitted_review()
    with pytest.raises(Conflict, match="already submitted reviews"):
        services.change_rubric_with_note(
            actor=world.owner,
            challenge=world.challenge,
            criteria=RUBRIC[:2],
            passing_score=None,
            k=2,
            note="Fewer criteria.",
        )


def test_sponsor_world_rubric_is_saved() -> None:
    world = sponsor_world()
    assert len(services.criteria_of(world.challenge)) == 4
