"""Forms: the sponsor's adoption update and a reader's reuse report (shapes only; the
services parse figures and links and check the rules)."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from core.forms import FlaskForm
from judging.adoption.models import STATUS_LABELS
from judging.adoption.services import MAX_LINKS, MAX_NOTE, MAX_REASON, MAX_REUSE_NOTE


class AdoptionUpdateForm(FlaskForm):
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Choose a status"),
            *(SelectChoice(str(s), label) for s, label in STATUS_LABELS.items()),
        ],
        validators=[InputRequired(message="Choose a status.")],
    )
    note = TextAreaField(
        "What happened",
        validators=[Optional(), Length(max=MAX_NOTE)],
        description="Shown publicly on the challenge's Impact section and in the feed.",
    )
    reason = TextAreaField(
        "Why it was not adopted",
        validators=[Optional(), Length(max=MAX_REASON)],
        description="Required when the status is “Not adopted”.",
    )
    links = TextAreaField(
        "Links",
        validators=[Optional(), Length(max=MAX_LINKS * 501)],
        description=f"Up to {MAX_LINKS} http:// or https:// addresses, one a line.",
    )
    money_saved = StringField(
        "Money saved",
        validators=[Optional(), Length(max=40)],
        description="Optional, in the challenge's currency, such as 25000 or 25,000.50.",
    )
    people_reached = StringField(
        "People reached",
        validators=[Optional(), Length(max=20)],
        description="Optional, a whole number.",
    )


class ReuseReportForm(FlaskForm):
    url = StringField(
        "Where is it reused?",
        validators=[InputRequired(message="Give the address."), Length(max=500)],
        description="An http:// or https:// address.",
    )
    note = TextAreaField(
        "How is it reused?",
        validators=[InputRequired(message="Describe the reuse."), Length(max=MAX_REUSE_NOTE)],
        description="A short note for the moderators and, once approved, the public.",
    )
