"""The project's base form (refuses NUL in any text) and glue between domain errors and forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_wtf
from wtforms import Field, FieldList, FormField

from core.errors import DomainError
from core.inputs import NUL, has_nul

NUL_MESSAGE = (
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
            field.errors = [NUL_MESSAGE]
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


def apply_error(form: flask_wtf.FlaskForm, error: DomainError) -> None:
    """Show a service's error on the named field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
