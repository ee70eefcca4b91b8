"""Forms for rounds: the sponsor's rounds, a screener's verdict, adding a screener, advancing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
        _l(
            "Screening round first: one screener per entry passes or fails it with a reason "
            "(a fail goes to a second screener before the entry is out)"
        )
    )
    finalist_count = IntegerField(
        _l("Finalists (top N after evaluation)"),
        validators=[Optional(), NumberRange(2, 10_000, _l("Choose at least 2 finalists."))],
        description=_l("Leave empty for no finalist round. Every judge scores every finalist."),
    )
    save_rounds = SubmitField(_l("Save rounds"))


class ScreeningForm(FlaskForm):
    """A screener's verdict: pass or fail, with the reason (seen by the panel, not solvers)."""

    verdict = RadioField(
        _l("Verdict"),
        choices=[
            SelectChoice("pass", _l("Pass: the entry qualifies for evaluation")),
            SelectChoice("fail", _l("Fail: the entry does not qualify")),
        ],
        validators=[InputRequired(_l("Choose pass or fail."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Give the reason for your verdict.")), Length(max=10_000)],
        description=_l(
            "Seen by the sponsor and the other screener, never by solvers. "
            "A fail needs at least 10 characters."
        ),
    )
    submit_verdict = SubmitField(_l("Submit verdict"))


class AddScreenerForm(FlaskForm):
    judge = SelectField(_l("Screener"), coerce=int)
    submit = SubmitField(_l("Add screener"))


class AdvanceForm(FlaskForm):
    """Confirms an advance; ``entries`` carries the list the sponsor was shown."""

    entries = HiddenField()
    submit = SubmitField(_l("Advance"))

    def entry_ids(self) -> list[int] | None:
        try:
            return [int(part) for part in (self.entries.data or "").split(",") if part]
        except ValueError:
            return None
