"""Forms for rounds: the sponsor's rounds, a screener's verdict, adding a screener, advancing."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import FlaskForm


class RoundsForm(FlaskForm):
    """The sponsor's rounds: optional screening first, optional finalist round (top N)."""

    screening = BooleanField(
        "Screening round first: one screener per entry passes or fails it with a reason "
        "(a fail goes to a second screener before the entry is out)"
    )
    finalist_count = IntegerField(
        "Finalists (top N after evaluation)",
        validators=[Optional(), NumberRange(2, 10_000, "Choose at least 2 finalists.")],
        description="Leave empty for no finalist round. Every judge scores every finalist.",
    )
    save_rounds = SubmitField("Save rounds")


class ScreeningForm(FlaskForm):
    """A screener's verdict: pass or fail, with the reason (seen by the panel, not solvers)."""

    verdict = RadioField(
        "Verdict",
        choices=[
            SelectChoice("pass", "Pass: the entry qualifies for evaluation"),
            SelectChoice("fail", "Fail: the entry does not qualify"),
        ],
        validators=[InputRequired("Choose pass or fail.")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[InputRequired("Give the reason for your verdict."), Length(max=10_000)],
        description="Seen by the sponsor and the other screener, never by solvers. "
        "A fail needs at least 10 characters.",
    )
    submit_verdict = SubmitField("Submit verdict")


class AddScreenerForm(FlaskForm):
    judge = SelectField("Screener", coerce=int)
    submit = SubmitField("Add screener")


class AdvanceForm(FlaskForm):
    """Confirms an advance; ``entries`` carries the list the sponsor was shown."""

    entries = HiddenField()
    submit = SubmitField("Advance")

    def entry_ids(self) -> list[int] | None:
        try:
            return [int(part) for part in (self.entries.data or "").split(",") if part]
        except ValueError:
            return None
