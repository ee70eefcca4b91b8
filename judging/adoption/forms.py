"""Forms: the sponsor's adoption update and a reader's reuse report (shapes only; the
services parse figures and links and check the rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.errors import DomainError
from core.forms import FlaskForm
from judging.adoption.models import STATUS_LABELS, AdoptionStatus
from judging.adoption.services import (
    MAX_LINKS,
    MAX_NOTE,
    MAX_REASON,
    MAX_REUSE_NOTE,
    MIN_REUSE_NOTE,
    link_problem_of,
    parse_links,
    parse_money,
    parse_people,
)


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
        validators=[Length(max=MAX_REASON)],
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

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    # Every field's problem at once, by the service's own parsers (which check again on save).
    def validate_reason(self, field: Field) -> None:
        if self.status.data == AdoptionStatus.NOT_ADOPTED and not (field.data or "").strip():
            raise ValidationError("Say why the solution was not adopted.")

    def validate_links(self, field: Field) -> None:
        _check(parse_links, field.data or "")

    def validate_money_saved(self, field: Field) -> None:
        _check(parse_money, field.data or "", self.currency)

    def validate_people_reached(self, field: Field) -> None:
        _check(parse_people, field.data or "")


def _check(parse: Callable[..., object], *args: str) -> None:
    try:
        parse(*args)
    except DomainError as error:
        raise ValidationError(error.message) from None


class ReuseReportForm(FlaskForm):
    url = StringField(
        "Where is it reused?",
        validators=[InputRequired(message="Give the address."), Length(max=500)],
        description="An http:// or https:// address.",
    )
    note = TextAreaField(
        "How is it reused?",
        validators=[
            InputRequired(message="Describe the reuse."),
            Length(
                min=MIN_REUSE_NOTE,
                max=MAX_REUSE_NOTE,
                message=f"Describe the reuse in {MIN_REUSE_NOTE} to {MAX_REUSE_NOTE} characters.",
            ),
        ],
        description="A short note for the moderators and, once approved, the public.",
    )

    def validate_url(self, field: Field) -> None:
        if message := link_problem_of(field.data or ""):
            raise ValidationError(message)
