"""Small text helpers: slugs and normalisation."""

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_web_url(url: str) -> str:
    """Return ``url`` stripped if it is empty or an http(s) address; raise otherwise."""
    from core.errors import ValidationFailed

    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed(
            "Enter an address starting with http:// or https://.", field="website"
        )
    return url
