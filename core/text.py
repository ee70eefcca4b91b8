"""Small text helpers: slugs, normalisation and counted nouns."""

import re
import unicodedata

from flask_babel import gettext as _

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def mask_email(email: str) -> str:
    """``nina@example.org`` -> ``n***@example.org``: enough to recognise one's own address on a
    page anyone holding a link may open, not enough to learn someone else's."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"


def check_web_url(url: str) -> str:
    """Return ``url`` stripped if it is empty or an http(s) address; raise otherwise."""
    from core.errors import ValidationFailed

    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed(
            _("Enter an address starting with http:// or https://."), field="website"
        )
    return url


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with its noun in the right number: ``1 judge``, ``2 judges``, ``0 entries``.
    ``plural_form`` covers irregular nouns and phrases with a verb (``"entry is"``,
    ``"entries are"``); by default a consonant + y becomes "ies" and anything else takes "s"."""
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "i", "o", "u"):
            plural_form = singular[:-1] + "ies"
        else:
            plural_form = singular + "s"
    return f"{count} {plural_form}"
