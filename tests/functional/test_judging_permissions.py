"""Permission matrix for judging routes: every route against every role, in the judging phase."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, utcnow
from judging import services
from judging.models import Assignment, AssignmentState
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.factories import make_org
from tests.judging_support import (
    RUBRIC,
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)
from tests.permissions import assert_access, request_as

ROLES = [
    "anonymous",
    "solver",
    "teammate",
    "judge",
    "other_judge",
    "conflicted_judge",
    "member",
    "manager",
    "owner",
    "other_owner",
    "admin",
]
SPONSORS = {"owner", "manager"}
SIGNED_IN = set(ROLES) - {"anonymous"}
EMAILS = {"member", "manager", "owner"}  # made by sponsor_world with @example.org addresses


def _email(role: str) -> str:
    return f"{role}@example.org" if role in EMAILS else f"{role}@{role}.example"


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[dict[str, int]]:
    return ModuleWorld.build(app, _build_world)


@pytest.fixture
def world(built_world: ModuleWorld[dict[str, int]]) -> dict[str, int]:
    return built_world.restore()


def _build_world() -> dict[str, int]:
    base: World = sponsor_world()
    make_org("Other", owner=person("other_owner"), slug="other")
    person("admin").is_admin = True
    solver, teammate = person("solver"), person("teammate")
    entry = submit_entry(base.challenge, solver, team=[teammate])
    second = submit_entry(base.challenge, person("solver2"), title="Second")
    seats = {role: seat_judge(base, person(role)) for role in ("judge", "other_judge")}
    seats["conflicted_judge"] = seat_judge(base, person("conflicted_judge"))
    pending = services.invite_judge(
        actor=base.owner, challenge=base.challenge, email="pending@pending.example"
    )
    move(base.challenge, "judging")
    rows = {
        "judge": Assignment(judge_id=seats["judge"].id, submission_id=entry.id),
        "other_judge": Assignment(judge_id=seats["other_judge"].id, submission_id=second.id),
        "conflicted_judge": Assignment(
            judge_id=seats["conflicted_judge"].id,
            submission_id=entry.id,
            state=AssignmentState.VOID,
            voided_for_conflict=True,
            void_reason="Former co-worker.",
            voided_at=utcnow(),
        ),
    }
    for row in rows.values():
        row.blind_label = "Entry #abcdef"
        db.session.add(row)
    db.session.commit()
    return {
        "entry": entry.id,
        "a_judge": rows["judge"].id,
        "a_conflicted": rows["conflicted_judge"].id,
        "seat_judge": seats["judge"].id,
        "other_seat": seats["other_judge"].id,
        "pending": pending.id,
        "criterion": services.criteria_of(base.challenge)[0].id,
    }


def _rubric_form() -> dict[str, str]:
    data = {"k": "3", "blind_review": "y", "change_note": "Wording only.", "save": "Save rubric"}
    for n, c in enumerate(RUBRIC):
        data |= {
            f"criteria-{n}-name": c.name,
            f"criteria-{n}-weight": str(c.weight),
            f"criteria-{n}-guidance": c.guidance,
            f"criteria-{n}-anchor_low": c.anchor_low,
            f"criteria-{n}-anchor_high": c.anchor_high,
        }
    return data


# (method, url, data, roles allowed); others get 403, anonymous is sent to sign in.
MATRIX = [
    ("get", "/challenges/grid/judging", None, SPONSORS | {"admin"}),
    ("get", "/challenges/grid/analytics", None, SPONSORS | {"admin"}),
    ("get", "/challenges/grid/analytics.csv", None, SPONSORS | {"admin"}),
    ("post", "/challenges/grid/judging/rubric", _rubric_form(), SPONSORS),
    ("post", "/challenges/grid/judging/judges", {"email": "new@new.example"}, SPONSORS),
    ("post", "/challenges/grid/judging/judges/{pending}/remove", {}, SPONSORS),
    ("post", "/challenges/grid/judging/assign", {}, SPONSORS),
    (
        "post",
        "/challenges/grid/judging/assignments/{a_judge}/swap",
        {"swap-{a_judge}-judge": "{other_seat}"},
        SPONSORS,
    ),
    ("get", "/judging", None, SIGNED_IN),
    ("get", "/judging/invitations/{seat_judge}", None, {"judge"}),
    ("get", "/judging/seats/{seat_judge}", None, {"judge"}),
    ("post", "/judging/invitations/{pending}/decline", {}, set()),
    ("get", "/judging/assignments/{a_judge}", None, {"judge"}),
    (
        "post",
        "/judging/assignments/{a_judge}",
        {"score_{criterion}": "4", "save_draft": "Save draft"},
        {"judge"},
    ),
    ("get", "/judging/assignments/{a_conflicted}", None, set()),
    (
        "post",
        "/judging/assignments/{a_judge}/conflict",
        {"reason": "We co-founded a company."},
        {"judge"} | SPONSORS,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[f"{m[0]}:{m[1]}" for m in MATRIX]
)
def test_judging_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: dict,
    role: str,
    method: str,
    url: str,
    data,
    allowed,
) -> None:
    payload = {k.format(**world): v.format(**world) for k, v in (data or {}).items()}
    email = None if role == "anonymous" else _email(role)
    response = request_as(client, auth, email, method, url.format(**world), payload)
    assert_access(response, role, allowed)


ENTRY_VIEWERS = {"solver", "teammate", "judge", "member", "manager", "owner", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_assigned_judges_see_the_entry_once_judging_starts_but_conflicted_ones_do_not(
    client: FlaskClient, auth: AuthActions, world: dict, role: str
) -> None:
    if role != "anonymous":
        auth.login(_email(role))
    response = client.get(f"/submissions/{world['entry']}")
    assert response.status_code == (200 if role in ENTRY_VIEWERS else 404)
