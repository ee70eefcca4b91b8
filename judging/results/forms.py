"""Forms for the sponsor's decision: prize tiers mapped to entries, or no award with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import FlaskForm


class ResultsDecisionForm(FlaskForm):
    """The sponsor's mapping of prize tiers to entries (one ``tier_<id>`` select per tier)."""

    reason = TextAreaField(
        _l("Reason for changing the computed order"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Required when the winners differ from the computed order; it is published with "
            "the results."
        ),
    )
    approve = SubmitField(_l("Approve winners"))

    def picks(self) -> dict[int, int]:
        return {
            int(name.removeprefix("tier_")): field.data
            for name, field in self._fields.items()
            if name.startswith("tier_") and field.data
        }


def results_form_for(
    tiers: list[tuple[int, str, list[SelectChoice]]], **kwargs: object
) -> ResultsDecisionForm:
    """A decision form with a select per (tier id, label, choices); value 0 = not awarded."""

    class Decision(ResultsDecisionForm):
        pass

    for tier_id, label, choices in tiers:
        setattr(
            Decision,
            f"tier_{tier_id}",
            # The service checks every pick (ranked, passing, once), so a pick from outside
            # the offered top entries gets its real reason rather than "not a valid choice".
            SelectField(
                label, choices=choices, coerce=int, validate_choice=False, validators=[Optional()]
            ),
        )
    return Decision(**kwargs)


class DeclineAwardsForm(FlaskForm):
    reason = TextAreaField(
        _l("Why no prize is awarded"),
        validators=[DataRequired(), Length(min=10, max=5000)],
        description=_l("Published with the results."),
    )
    decline = SubmitField(_l("Decline to award"))
