"""The one parser of API query parameters: a marshmallow schema per endpoint, read by webargs.

One policy for every endpoint: a parameter the endpoint does not take, a parameter given twice
or a value outside its documented range is a 400 problem document whose detail names the
parameter and what to send instead. An empty choice (a blank form field) is the same as none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

import marshmallow as ma
from flask import Request, abort, current_app
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser

from core.paging import MAX_PAGE, MAX_PER_PAGE, parse_bounded


class QueryParser(FlaskParser):
    """webargs' Flask parser with the API's policy: unknown and repeated parameters refused,
    every refusal a 400 whose description is one sentence (``core.errors`` makes it a problem
    document)."""

    DEFAULT_VALIDATION_STATUS = 400

    def __init__(self) -> None:
        super().__init__(unknown=ma.RAISE)

    def pre_load(
        self, location_data: Mapping[str, Any], *, schema: ma.Schema, req: Request, location: str
    ) -> Mapping[str, Any]:
        for name, values in req.args.lists():
            if len(values) > 1:  # webargs would silently keep the first
                raise ma.ValidationError(_("Give %(name)s once.", name=name))
        return location_data

    def handle_error(
        self,
        error: ma.ValidationError,
        req: Request,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> NoReturn:
        abort(error_status_code or self.DEFAULT_VALIDATION_STATUS, refusal(error, schema))


def refusal(error: ma.ValidationError, schema: ma.Schema) -> str:
    """The first of ``error``'s messages as a sentence that names the parameter."""
    messages: Any = error.messages
    if isinstance(messages, dict):
        messages = messages.get("query", messages)  # webargs nests them under the location
    if not isinstance(messages, dict):
        return _first(messages)
    name, problems = next(iter(messages.items()))
    taken = sorted(field.data_key or key for key, field in schema.load_fields.items())
    if name not in taken:
        return _(
            "Unknown parameter %(name)s; use: %(taken)s.", name=repr(name), taken=", ".join(taken)
        )
    message = _first(problems)  # ours name the parameter; marshmallow's own may not
    return message if re.search(rf"\b{re.escape(name)}\b", message) else f"{name}: {message}"


def _first(messages: Any) -> str:
    while isinstance(messages, list | dict):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages))
    return str(messages)


class WholeNumber(ma.fields.Integer):
    """A whole number from ``minimum`` to ``maximum`` in ASCII digits: ``int()`` would take
    any script's digits and a number of any length."""

    def __init__(self, minimum: int, maximum: int, **kwargs: Any) -> None:
        metadata = {"minimum": minimum, "maximum": maximum, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        number = parse_bounded(
            value if isinstance(value, str) else None, self.maximum, self.minimum
        )
        if number is None:
            raise ma.ValidationError(
                _(
                    "%(name)s must be a whole number from %(minimum)s to %(maximum)s.",
                    name=self.name,
                    minimum=self.minimum,
                    maximum=self.maximum,
                )
            )
        return number


class Choice(ma.fields.String):
    """One of ``choices``; empty is the same as absent."""

    def __init__(self, choices: Iterable[object], **kwargs: Any) -> None:
        self.choices = sorted(str(choice) for choice in choices)
        metadata = {"enum": self.choices, **kwargs.pop("metadata", {})}
        # A callable default is left out of the document: "" is no choice, not one to offer.
        super().__init__(load_default=str, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        choice = super()._deserialize(value, attr, data, **kwargs)
        if choice and choice not in self.choices:
            raise ma.ValidationError(
                _(
                    "Unknown %(name)s %(choice)s; use one of: %(choices)s.",
                    name=self.name,
                    choice=repr(choice),
                    choices=", ".join(self.choices),
                )
            )
        return choice


class Text(ma.fields.String):
    """Free text of at most ``max_length`` characters, counted after stripping if ``strip``."""

    def __init__(self, max_length: int, *, strip: bool = False, **kwargs: Any) -> None:
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        super().__init__(load_default="", metadata=metadata, **kwargs)
        self.max_length = max_length
        self.strip = strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = text.strip() if self.strip else text
        if len(text) > self.max_length:
            raise ma.ValidationError(
                _(
                    "%(name)s must be at most %(max)s characters.",
                    name=self.name,
                    max=self.max_length,
                )
            )
        return text


def _default_per_page() -> int:
    return current_app.config["PER_PAGE"]


class PageQuery(ma.Schema):
    """``page`` and ``per_page``, the only parameters of a list without filters."""

    page = WholeNumber(
        1,
        MAX_PAGE,
        load_default=1,
        metadata={"description": "Page number; a page past the last one is empty."},
    )
    per_page = WholeNumber(
        1, MAX_PER_PAGE, load_default=_default_per_page, metadata={"description": "Items per page."}
    )
