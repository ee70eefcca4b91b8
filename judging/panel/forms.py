"""Forms for the rubric, the panel, invitations and reviews (shape only; rules live in services)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
)

from core.forms import FlaskForm
from judging.models import (
    MAX_K,
    MAX_WEIGHT,
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
)
from judging.panel.rubric import MAX_CRITERIA, CriterionInput


class CriterionForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(1, MAX_WEIGHT)])
    guidance = TextAreaField(_l("Guidance for judges"), validators=[Optional(), Length(max=5000)])
    anchor_low = StringField(_l("What a 1 means"), validators=[Optional(), Length(max=300)])
    anchor_high = StringField(_l("What a 5 means"), validators=[Optional(), Length(max=300)])

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() if isinstance(f.data, str) else f.data is not None
            for f in (self.name, self.weight, self.guidance, self.anchor_low, self.anchor_high)
        )


class RubricForm(FlaskForm):
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=MAX_CRITERIA)
    k = IntegerField(
        _l("Judges per entry"),
        default=3,
        validators=[DataRequired(), NumberRange(1, MAX_K)],
        description=_l("Each entry is scored by this many judges (3 is the usual choice)."),
    )
    passing_score = FloatField(
        _l("Passing score (optional)"),
        validators=[Optional(), NumberRange(0, 100)],
        description=_l("0–100. An entry scoring below it cannot win."),
    )
    blind_review = BooleanField(_l("Blind review: judges do not see names, team or organization"))
    change_note = TextAreaField(
        _l("Change note for entrants"),
        validators=[Optional(), Length(max=2000)],
        description=_l("The challenge is open: a changed rubric is a new rules version."),
    )
    add_row = SubmitField(_l("Add a criterion row"))
    save = SubmitField(_l("Save rubric"))

    def criteria_input(self) -> list[CriterionInput]:
        return [
            CriterionInput(
                name=row.form.name.data or "",
                weight=row.form.weight.data or 0,
                guidance=row.form.guidance.data or "",
                anchor_low=row.form.anchor_low.data or "",
                anchor_high=row.form.anchor_high.data or "",
            )
            for row in self.criteria
            if not row.form.is_blank()
        ]


class InviteJudgeForm(FlaskForm):
    email = EmailField(_l("Judge's e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Invite judge"))


class AcceptJudgingForm(FlaskForm):
    conflicts = TextAreaField(
        _l("People you have a conflict with"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Handles or e-mail addresses, separated by commas or new lines: relatives, "
            "co-workers, co-authors, business partners, students."
        ),
    )
    conflict_orgs = SelectMultipleField(
        _l("Organizations you have a conflict with"),
        coerce=int,
        validators=[Optional()],
        description=_l("Employers, clients, funders. Hold Ctrl (⌘ on Mac) to choose several."),
    )
    attest = BooleanField(
        _l(
            "I attest that I have no conflicts of interest with any entrant other than those "
            "declared above, and that I will declare any I discover."
        )
    )
    accept = SubmitField(_l("Accept and join the panel"))


class SwapForm(FlaskForm):
    judge = SelectField(_l("Replace with"), coerce=int)
    submit = SubmitField(_l("Swap"))


class ConflictForm(FlaskForm):
    reason = TextAreaField(
        _l("What is the conflict?"), validators=[DataRequired(), Length(min=5, max=2000)]
    )
    submit = SubmitField(_l("Declare conflict"))


class ReviewForm(FlaskForm):
    feedback_to_solver = TextAreaField(
        _l("Feedback to the solver"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Shown to the entrants after results, as the openness profile allows."),
    )
    note_to_panel = TextAreaField(
        _l("Note to the panel"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Seen by the other judges and the sponsor, never by solvers."),
    )
    save_draft = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit review"))


def review_form_for(criteria: list[Criterion], **kwargs: object) -> ReviewForm:
    """A review form with a 1–5 radio group and a comment box for each criterion."""

    class Rubric(ReviewForm):
        pass

    for criterion in criteria:
        setattr(
            Rubric,
            f"score_{criterion.id}",
            RadioField(
                _("Score for %(criterion)s", criterion=criterion.name),
                choices=[SelectChoice(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
                coerce=int,
                validators=[Optional()],
            ),
        )
        setattr(
            Rubric,
            f"comment_{criterion.id}",
            TextAreaField(
                _("Comment on %(criterion)s", criterion=criterion.name),
                validators=[Optional(), Length(max=5000)],
            ),
        )
    return Rubric(**kwargs)
