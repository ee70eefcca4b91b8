"""Forms for entering a challenge and writing an entry."""

from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import FlaskForm


class EnterForm(FlaskForm):
    accept_terms = BooleanField(
        "I accept the rules (this version), the license of solutions and the IP terms above."
    )
    attest_eligibility = BooleanField("I am eligible to enter under the eligibility rules.")
    submit = SubmitField("Enter the challenge")


class EntryForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=160)])
    summary = StringField(
        "Summary", validators=[Optional(), Length(max=300)], description="One or two sentences."
    )
    body_md = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=100_000)],
        description="Markdown. Explain the solution, the evidence and how to reproduce it.",
    )
    links = TextAreaField(
        "Links",
        validators=[Optional(), Length(max=3000)],
        description="One http(s) address per line: code, data, video (at most 10).",
    )
    base_version = IntegerField(validators=[Optional()])
    save = SubmitField("Save")
    submit_entry = SubmitField("Submit entry")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(min=5, max=2000)])
    submit = SubmitField("Send")


class HiddenIdForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
