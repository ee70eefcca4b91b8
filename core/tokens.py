"""Signed, expiring tokens for links sent by e-mail."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.errors import ValidationFailed


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"openprize.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    """Return the payload, or raise ``ValidationFailed`` with a message for expired or bad links."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ValidationFailed(_("This link has expired. Please ask for a new one.")) from error
    except BadSignature as error:
        raise ValidationFailed(
            _("This link is not valid. Check that you copied all of it.")
        ) from error
