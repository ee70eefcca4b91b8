"""Forms for entering a challenge and writing an entry."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import FlaskForm


class EnterForm(FlaskForm):
    accept_terms = BooleanField(
        _l("I accept the rules (this version), the license of solutions and the IP terms above.")
    )
    attest_eligibility = BooleanField(_l("I am eligible to enter under the eligibility rules."))
    submit = SubmitField(_l("Enter the challenge"))


class EntryForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)])
    summary = StringField(
        _l("Summary"),
        validators=[Optional(), Length(max=300)],
        description=_l("One or two sentences."),
    )
    body_md = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("Markdown. Explain the solution, the evidence and how to reproduce it."),
    )
    links = TextAreaField(
        _l("Links"),
        validators=[Optional(), Length(max=3000)],
        description=_l("One http(s) address per line: code, data, video (at most 10)."),
    )
    base_version = IntegerField(validators=[Optional()])
    save = SubmitField(_l("Save"))
    submit_entry = SubmitField(_l("Submit entry"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=2000)])
    submit = SubmitField(_l("Send"))


class HiddenIdForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
