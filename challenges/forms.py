"""Forms for drafting challenges, reviewing them, Q&A, updates and cancellation."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from challenges.drafts import MAX_TIERS, ChallengeInput, TierInput, normalize_tags
from challenges.models import CATEGORIES, CATEGORY_LABELS, Challenge
from challenges.openness import DIMENSIONS, EXPLANATIONS
from core.forms import FlaskForm
from core.money import CURRENCIES, input_value, parse_amount
from core.timefmt import all_zones, local_to_utc, utc_to_local

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _openness_choices(enum_cls: type) -> list[SelectChoice]:
    return [
        SelectChoice(
            member.value,
            _(
                "%(label)s: %(explanation)s",
                label=EXPLANATIONS[member][0],
                explanation=EXPLANATIONS[member][1],
            ),
        )
        for member in enum_cls
    ]


class PrizeTierForm(Form):
    label = StringField(_l("Prize label"), validators=[Optional(), Length(max=80)])
    amount = StringField(_l("Amount"), validators=[Optional(), Length(max=20)])


class ChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=120)])
    summary = StringField(
        _l("One-line summary"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Shown on cards and in search results."),
    )
    category = SelectField(
        _l("Category"), choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=300)],
        description=_l("Comma-separated, up to 8."),
    )
    description_md = TextAreaField(
        _l("Problem statement"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Markdown. What is the problem, why it matters, what a good solution does."),
    )
    rules_md = TextAreaField(
        _l("Rules"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Markdown. Deliverables, judging criteria, what disqualifies an entry."),
    )
    eligibility_md = TextAreaField(
        _l("Eligibility"),
        validators=[DataRequired(), Length(max=20_000)],
        description=_l("Markdown. Who may enter (age, countries, employees of the sponsor…)."),
    )
    timezone = SelectField(
        _l("Time zone of the dates below"),
        validators=[DataRequired()],
        description=_l("Dates are stored in UTC and shown to each visitor in their own zone."),
    )
    opens_at = DateTimeLocalField(_l("Opens"), format=DATETIME_FORMAT, validators=[InputRequired()])
    closes_at = DateTimeLocalField(
        _l("Closes (submission deadline)"), format=DATETIME_FORMAT, validators=[InputRequired()]
    )
    judging_ends_at = DateTimeLocalField(
        _l("Judging ends"), format=DATETIME_FORMAT, validators=[InputRequired()]
    )
    currency = SelectField(_l("Currency"), choices=[SelectChoice(c, c) for c in CURRENCIES])
    tiers = FieldList(FormField(PrizeTierForm), min_entries=3, max_entries=MAX_TIERS)
    max_team_size = IntegerField(
        _l("Maximum team size"),
        default=1,
        validators=[DataRequired(), NumberRange(min=1, max=20)],
        description=_l("1 means individuals only."),
    )
    community_voting = BooleanField(
        _l("Let the community vote (People's Choice)"),
        description=_l(
            "Only with solutions that are Open (public on submission): the public "
            "votes on entries it can read."
        ),
    )
    solution_visibility = RadioField(
        _l("Who sees solutions"), default="public_after_close", validators=[DataRequired()]
    )
    submission_license = RadioField(
        _l("License of solutions"), default="CC-BY-4.0", validators=[DataRequired()]
    )
    ip_on_award = RadioField(
        _l("What the sponsor gets on award"), default="solver_retains", validators=[DataRequired()]
    )
    judging_transparency = RadioField(
        _l("Judging transparency"), default="scores_to_solver", validators=[DataRequired()]
    )
    change_note = TextAreaField(
        _l("Change note for entrants"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Required when a published challenge's rules, deadlines or prizes change."),
    )
    submit = SubmitField(_l("Save draft"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone, zone) for zone in sorted(all_zones())]
        for name, _heading, enum_cls in DIMENSIONS:
            getattr(self, name).choices = _openness_choices(enum_cls)


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment to the sponsor"), validators=[Optional(), Length(max=5000)])
    approve = SubmitField(_l("Approve"))
    request_changes = SubmitField(_l("Request changes"))


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown on the challenge page)"),
        validators=[DataRequired(), Length(min=10, max=2000)],
    )
    submit = SubmitField(_l("Cancel challenge and refund the purse"))


class QuestionForm(FlaskForm):
    body = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Ask publicly"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Publish answer"))


class UpdateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Update"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Post update"))


def form_to_input(form: ChallengeForm) -> ChallengeInput | None:
    """Build the service input; on bad prize rows, attach messages to them and return None."""
    currency = form.currency.data
    tiers: list[TierInput] = []
    ok = True
    for row in form.tiers:
        label = (row.form.label.data or "").strip()
        amount_text = (row.form.amount.data or "").strip()
        if not label and not amount_text:
            continue
        if not amount_text:
            row.form.amount.errors = [*row.form.amount.errors, _("Enter the amount of this prize.")]
            ok = False
            continue
        try:
            amount = parse_amount(amount_text, currency)
        except ValueError as error:
            row.form.amount.errors = [*row.form.amount.errors, str(error)]
            ok = False
            continue
        # The default label is stored: written in the sponsor's language.
        default_label = _("Prize %(num)s", num=len(tiers) + 1)
        tiers.append(TierInput(label=label or default_label, amount=amount))
    if not ok:
        return None
    zone = form.timezone.data
    return ChallengeInput(
        title=form.title.data,
        summary=form.summary.data,
        category=form.category.data,
        tags=normalize_tags(form.tags.data or ""),
        description_md=form.description_md.data,
        rules_md=form.rules_md.data,
        eligibility_md=form.eligibility_md.data,
        currency=currency,
        timezone=zone,
        opens_at=local_to_utc(form.opens_at.data, zone),
        closes_at=local_to_utc(form.closes_at.data, zone),
        judging_ends_at=local_to_utc(form.judging_ends_at.data, zone),
        max_team_size=form.max_team_size.data,
        community_voting=bool(form.community_voting.data),
        solution_visibility=form.solution_visibility.data,
        submission_license=form.submission_license.data,
        ip_on_award=form.ip_on_award.data,
        judging_transparency=form.judging_transparency.data,
        tiers=tiers,
        change_note=form.change_note.data or "",
    )


def form_data_for(challenge: Challenge) -> dict[str, object]:
    """The edit form's initial data, dates in the challenge's entry zone."""
    zone = challenge.timezone
    tiers = [
        {"label": tier.label, "amount": input_value(tier.amount, challenge.currency)}
        for tier in challenge.prize_tiers
    ]
    tiers += [{"label": "", "amount": ""}] * max(0, min(2, MAX_TIERS - len(tiers)))
    return {
        "title": challenge.title,
        "summary": challenge.summary,
        "category": challenge.category,
        "tags": ", ".join(challenge.tag_list),
        "description_md": challenge.description_md,
        "rules_md": challenge.rules_md,
        "eligibility_md": challenge.eligibility_md,
        "timezone": zone,
        "opens_at": utc_to_local(challenge.opens_at, zone),
        "closes_at": utc_to_local(challenge.closes_at, zone),
        "judging_ends_at": utc_to_local(challenge.judging_ends_at, zone),
        "currency": challenge.currency,
        "tiers": tiers,
        "max_team_size": challenge.max_team_size,
        "community_voting": challenge.community_voting,
        "solution_visibility": challenge.solution_visibility,
        "submission_license": challenge.submission_license,
        "ip_on_award": challenge.ip_on_award,
        "judging_transparency": challenge.judging_transparency,
    }
