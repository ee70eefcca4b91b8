"""Forms for community voting: the vote buttons and the sponsor's People's Choice settings."""

from __future__ import annotations

from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import AnyOf, InputRequired, NumberRange

from core.forms import FlaskForm
from judging.models import MAX_COMMUNITY_WEIGHT


class VoteForm(FlaskForm):
    """The entry page's vote buttons: +1 up, -1 down, 0 withdraws."""

    value = IntegerField("Vote", validators=[InputRequired(), AnyOf([-1, 0, 1])])


class CommunitySettingsForm(FlaskForm):
    peoples_choice_tier = SelectField(
        "People's Choice prize",
        coerce=int,
        description="The prize tier the community's favourite entry wins, if any.",
    )
    community_weight = FloatField(
        "Weight of the community ranking in the final ranking",
        default=0.0,
        validators=[InputRequired(), NumberRange(0, MAX_COMMUNITY_WEIGHT)],
        description=f"From 0 to {MAX_COMMUNITY_WEIGHT}. 0 keeps People's Choice a separate "
        "award and leaves the panel's ranking alone; 0.5 would let the crowd overturn the "
        f"panel, so at most {MAX_COMMUNITY_WEIGHT}.",
    )
