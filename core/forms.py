"""The project's base form (refuses NUL in any text) and glue between domain errors and forms."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import flask_wtf
from flask import flash
from flask_babel import lazy_gettext as _l
from wtforms import Field, FieldList, FormField

from core.db import db
from core.errors import DomainError
from core.inputs import NUL, has_nul

NUL_MESSAGE = _l(
    "Remove the invisible NUL character (shown as \ufffd) from this text: it cannot be saved."
)


class FlaskForm(flask_wtf.FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types
    """Every form of the app derives from this one instead of Flask-WTF's.

    A NUL character in any submitted text is refused on its field before any validator (or
    the database, which PostgreSQL refuses it in) sees it; the text is kept for the page, the
    NUL shown as U+FFFD so the writer can find it.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        refused = [field for field in _leaf_fields(self) if any(map(has_nul, field.raw_data or []))]
        if not refused:
            return bool(super().validate(extra_validators))
        for field in refused:
            if isinstance(field.data, str):
                field.data = field.data.replace(NUL, "\ufffd")
            field.errors = [str(NUL_MESSAGE)]
        return False


def _leaf_fields(form: Any) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _leaf_fields([entry])
        else:
            yield field


def apply_error(
    form: flask_wtf.FlaskForm, error: DomainError, *, above: Collection[str] = ()
) -> None:
    """Show a service's error on the named field, or at the top of the form (also when the
    field is one of ``above``: a list of rows whose message belongs over the whole form)."""
    field = getattr(form, error.field, None) if error.field and error.field not in above else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class Refusal:
    """What a ``domain_errors`` block caught: false while the service went through."""

    def __init__(self) -> None:
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The caught error's status, for a page shown again with the form."""
        return self.error.status if self.error is not None else 200


@contextmanager
def domain_errors(
    form: flask_wtf.FlaskForm | None = None,
    *,
    flash_as: str = "danger",
    reraise: Collection[int] = (403,),
    above: Collection[str] = (),
) -> Iterator[Refusal]:
    """Turn a service's refusal into feedback on the page instead of an error page.

    A ``DomainError`` raised in the block rolls the session back and is shown on ``form``
    (see ``apply_error``) or, without a form, flashed under ``flash_as``; the block's
    ``Refusal`` is then true. Errors whose status is in ``reraise`` (by default "not allowed")
    propagate to the error page.
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        if error.status in reraise:
            raise
        db.session.rollback()
        refusal.error = error
        if form is None:
            flash(error.message, flash_as)
        else:
            apply_error(form, error, above=above)
