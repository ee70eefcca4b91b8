"""Account deletion's service: its registries, and a second confirmation finding it done."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts import deletion
from accounts.models import User
from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed
from tests.factories import PASSWORD, make_user


def test_a_domain_registers_each_blocker_and_clean_up_once(app: Flask) -> None:
    registered = set(app.extensions["deletion_blockers"]) | set(app.extensions["deletion_cleanups"])
    assert {"payouts", "live_challenges", "entries", "reviews_due", "follows"} <= registered
    with pytest.raises(RuntimeError, match="already registered"):
        deletion.register_blocker(app, "payouts", lambda user: [])
    with pytest.raises(RuntimeError, match="already registered"):
        deletion.register_cleanup(app, "follows", lambda user: None)


def test_a_second_confirmation_finds_the_account_already_deleted() -> None:
    ada = make_user("ada")
    # Another browser's deletion committed after this one loaded the account.
    db.session.execute(
        sa.update(User).where(User.id == ada.id).values(deleted_at=utcnow()),
        execution_options={"synchronize_session": False},
    )

    with pytest.raises(Conflict, match="already deleted"):
        deletion.delete_account(
            actor=ada, handle="ada", password=PASSWORD, show_as_former_member=False
        )


@pytest.mark.parametrize("handle", ["@ada", " ADA "])
def test_the_typed_handle_may_carry_an_at_sign_and_any_case(handle: str) -> None:
    ada = make_user("ada")

    deletion.delete_account(actor=ada, handle=handle, password=PASSWORD, show_as_former_member=True)

    db.session.expire_all()
    assert ada.deleted_at is not None and ada.display_name == deletion.FORMER_MEMBER


def test_a_wrong_handle_is_refused_before_the_password_is_checked() -> None:
    ada = make_user("ada")

    with pytest.raises(ValidationFailed) as refused:
        deletion.delete_account(
            actor=ada, handle="bob", password="wrong", show_as_former_member=False
        )

    assert refused.value.field == "handle"
