"""Forms for community voting: the vote buttons and the sponsor's People's Choice settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import AnyOf, InputRequired, NumberRange

from core.forms import FlaskForm
from judging.models import MAX_COMMUNITY_WEIGHT


class VoteForm(FlaskForm):
    """The entry page's vote buttons: +1 up, -1 down, 0 withdraws."""

    value = IntegerField(_l("Vote"), validators=[InputRequired(), AnyOf([-1, 0, 1])])


class CommunitySettingsForm(FlaskForm):
    peoples_choice_tier = SelectField(
        _l("People's Choice prize"),
        coerce=int,
        description=_l("The prize tier the community's favourite entry wins, if any."),
    )
    community_weight = FloatField(
        _l("Weight of the community ranking in the final ranking"),
        default=0.0,
        validators=[InputRequired(), NumberRange(0, MAX_COMMUNITY_WEIGHT)],
        description=_l(
            "From 0 to %(most)s. 0 keeps People's Choice a separate award and leaves the "
            "panel's ranking alone; 0.5 would let the crowd overturn the panel, so at most "
            "%(most)s.",
            most=MAX_COMMUNITY_WEIGHT,
        ),
    )
