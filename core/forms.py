"""Glue between domain errors and Flask-WTF forms."""

from flask_wtf import FlaskForm

from core.errors import DomainError


def apply_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error on the named field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
