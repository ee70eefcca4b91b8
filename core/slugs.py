"""Unique, stable slugs for any model's slug column."""

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from core.db import db
from core.text import slugify


def unique_slug(column: InstrumentedAttribute[str], text: str, max_length: int = 50) -> str:
    """``slugify(text)``, suffixed ``-2``, ``-3``… if the column already holds it."""
    base = slugify(text, max_length=max_length)
    taken = set(
        db.session.scalars(
            sa.select(column).where(sa.or_(column == base, column.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
