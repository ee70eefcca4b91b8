"""Forms for the rubric, the panel, invitations and reviews (shape only; rules live in services)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
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
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from core.forms import FlaskForm
from judging.models import (
    MAX_COMMUNITY_WEIGHT,
    MAX_K,
    MAX_WEIGHT,
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
)
from judging.rubric import MAX_CRITERIA, CriterionInput


class CriterionForm(Form):
    name = StringField("Name", validators=[Optional(), Length(max=80)])
    weight = IntegerField("Weight", validators=[Optional(), NumberRange(1, MAX_WEIGHT)])
    guidance = TextAreaField("Guidance for judges", validators=[Optional(), Length(max=5000)])
    anchor_low = StringField("What a 1 means", validators=[Optional(), Length(max=300)])
    anchor_high = StringField("What a 5 means", validators=[Optional(), Length(max=300)])

    def is_blank(self) -> bool:
        return not any(
            (f.data or "").strip() if isinstance(f.data, str) else f.data is not None
            for f in (self.name, self.weight, self.guidance, self.anchor_low, self.anchor_high)
        )


class RubricForm(FlaskForm):
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=MAX_CRITERIA)
    k = IntegerField(
        "Judges per entry",
        default=3,
        validators=[DataRequired(), NumberRange(1, MAX_K)],
        description="Each entry is scored by this many judges (3 is the usual choice).",
    )
    passing_score = FloatField(
        "Passing score (optional)",
        validators=[Optional(), NumberRange(0, 100)],
        description="0–100. An entry scoring below it cannot win.",
    )
    blind_review = BooleanField("Blind review: judges do not see names, team or organization")
    change_note = TextAreaField(
        "Change note for entrants",
        validators=[Optional(), Length(max=2000)],
        description="The challenge is open: a changed rubric is a new rules version.",
    )
    add_row = SubmitField("Add a criterion row")
    save = SubmitField("Save rubric")

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
    email = EmailField("Judge's e-mail", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Invite judge")


class AcceptJudgingForm(FlaskForm):
    conflicts = TextAreaField(
        "People you have a conflict with",
        validators=[Optional(), Length(max=5000)],
        description="Handles or e-mail addresses, separated by commas or new lines: relatives, "
        "co-workers, co-authors, business partners, students.",
    )
    conflict_orgs = SelectMultipleField(
        "Organizations you have a conflict with",
        coerce=int,
        validators=[Optional()],
        description="Employers, clients, funders. Hold Ctrl (⌘ on Mac) to choose several.",
    )
    attest = BooleanField(
        "I attest that I have no conflicts of interest with any entrant other than those "
        "declared above, and that I will declare any I discover."
    )
    accept = SubmitField("Accept and join the panel")


class SwapForm(FlaskForm):
    judge = SelectField("Replace with", coerce=int)
    submit = SubmitField("Swap")


class ConflictForm(FlaskForm):
    reason = TextAreaField(
        "What is the conflict?", validators=[DataRequired(), Length(min=5, max=2000)]
    )
    submit = SubmitField("Declare conflict")


class ReviewForm(FlaskForm):
    feedback_to_solver = TextAreaField(
        "Feedback to the solver",
        validators=[Optional(), Length(max=10_000)],
        description="Shown to the entrants after results, as the openness profile allows.",
    )
    note_to_panel = TextAreaField(
        "Note to the panel",
        validators=[Optional(), Length(max=10_000)],
        description="Seen by the other judges and the sponsor, never by solvers.",
    )
    save_draft = SubmitField("Save draft")
    submit_review = SubmitField("Submit review")


def review_form_for(criteria: list[Criterion], **kwargs: object) -> ReviewForm:
    """A review form with a 1–5 radio group and a comment box for each criterion."""

    class Rubric(ReviewForm):
        pass

    for criterion in criteria:
        setattr(
            Rubric,
            f"score_{criterion.id}",
            RadioField(
                f"Score for {criterion.name}",
                choices=[SelectChoice(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
                coerce=int,
                validators=[Optional()],
            ),
        )
        setattr(
            Rubric,
            f"comment_{criterion.id}",
            TextAreaField(
                f"Comment on {criterion.name}", validators=[Optional(), Length(max=5000)]
            ),
        )
    return Rubric(**kwargs)


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


class ResultsDecisionForm(FlaskForm):
    """The sponsor's mapping of prize tiers to entries (one ``tier_<id>`` select per tier)."""

    reason = TextAreaField(
        "Reason for changing the computed order",
        validators=[Optional(), Length(max=5000)],
        description="Required when the winners differ from the computed order; it is "
        "published with the results.",
    )
    approve = SubmitField("Approve winners")

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
        "Why no prize is awarded",
        validators=[DataRequired(), Length(min=10, max=5000)],
        description="Published with the results.",
    )
    decline = SubmitField("Decline to award")


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
