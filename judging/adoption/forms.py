"""Forms: the sponsor's adoption update and a reader's reuse report (shapes only; the
services parse figures and links and check the rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
        _l("Status"),
        choices=[
            SelectChoice("", _l("Choose a status")),
            *(SelectChoice(str(s), label) for s, label in STATUS_LABELS.items()),
        ],
        validators=[InputRequired(message=_l("Choose a status."))],
    )
    note = TextAreaField(
        _l("What happened"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("Shown publicly on the challenge's Impact section and in the feed."),
    )
    reason = TextAreaField(
        _l("Why it was not adopted"),
        validators=[Length(max=MAX_REASON)],
        description=_l("Required when the status is “Not adopted”."),
    )
    links = TextAreaField(
        _l("Links"),
        validators=[Optional(), Length(max=MAX_LINKS * 501)],
        description=_l(
            "Up to %(count)s http:// or https:// addresses, one a line.", count=MAX_LINKS
        ),
    )
    money_saved = StringField(
        _l("Money saved"),
        validators=[Optional(), Length(max=40)],
        description=_l("Optional, in the challenge's currency, such as 25000 or 25,000.50."),
    )
    people_reached = StringField(
        _l("People reached"),
        validators=[Optional(), Length(max=20)],
        description=_l("Optional, a whole number."),
    )

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    # Every field's problem at once, by the service's own parsers (which check again on save).
    def validate_reason(self, field: Field) -> None:
        if self.status.data == AdoptionStatus.NOT_ADOPTED and not (field.data or "").strip():
            raise ValidationError(_("Say why the solution was not adopted."))

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
        _l("Where is it reused?"),
        validators=[InputRequired(message=_l("Give the address.")), Length(max=500)],
        description=_l("An http:// or https:// address."),
    )
    note = TextAreaField(
        _l("How is it reused?"),
        validators=[
            InputRequired(message=_l("Describe the reuse.")),
            Length(
                min=MIN_REUSE_NOTE,
                max=MAX_REUSE_NOTE,
                message=_l(
                    "Describe the reuse in %(least)s to %(most)s characters.",
                    least=MIN_REUSE_NOTE,
                    most=MAX_REUSE_NOTE,
                ),
            ),
        ],
        description=_l("A short note for the moderators and, once approved, the public."),
    )

    def validate_url(self, field: Field) -> None:
        if message := link_problem_of(field.data or ""):
            raise ValidationError(message)
