"""Request input guards: bounded integer ids in URLs and no NUL character anywhere."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map

# Ids are 32-bit on PostgreSQL (serial); SQLite stores 64 bits but we keep one bound everywhere.
MAX_ID = 2**31 - 1
NUL = "\x00"
NUL_IN_ADDRESS = _l(
    "The address contains a NUL character (%00), which no page accepts. Remove it and try again."
)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: ASCII digits only, 1 to ``MAX_ID``; anything else is a 404.

    Werkzeug's own matches any Unicode digit and any size, which reached the database as an
    out-of-range parameter (a 500 on PostgreSQL past 2**31, on SQLite past 2**63).
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def has_nul(value: object) -> bool:
    return isinstance(value, str) and NUL in value


def register_input_guards(app: Flask) -> None:
    """Install the id converter (before any blueprint registers its rules) and refuse a NUL in
    the path or query string with a 400, the safety net under form and API validation."""
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_nul() -> None:
        args = request.args
        if has_nul(request.path) or any(
            has_nul(key) or any(has_nul(v) for v in args.getlist(key)) for key in args
        ):
            abort(400, str(NUL_IN_ADDRESS))
