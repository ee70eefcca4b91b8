"""Password policy: length, not a common password, not guessable from the account's own details."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from core.i18n import DEFAULT_LOCALE, current_locale

MIN_LENGTH = 12
MAX_LENGTH = 256


MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" against online attacks


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, user_inputs: list[str] | tuple[str, ...] = ()) -> str | None:
    """Return why ``password`` is refused, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_LENGTH)
    if password.lower() in _common_passwords():
        return _("This is one of the most common passwords. Choose something less predictable.")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[value for value in user_inputs if value])
    if result["score"] < MIN_SCORE:
        # zxcvbn explains in English only: other languages get the general reason.
        english = current_locale() == DEFAULT_LOCALE
        warning = (result["feedback"].get("warning") if english else "") or _(
            "It is too easy to guess."
        )
        return _(
            "This password is too predictable. %(warning)s Try a few unrelated words.",
            warning=warning,
        )
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


_DUMMY_HASH: list[str] = []


def burn_verification_time(password: str) -> None:
    """Spend the same time as a real check, so unknown e-mails are not revealed by timing."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not-a-real-password-0000"))
    check_password_hash(_DUMMY_HASH[0], password)
