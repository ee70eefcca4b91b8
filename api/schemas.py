"""Response pieces every endpoint shares: timestamps, money, sponsors, pages and problems."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import url_for

from core.money import exponent
from core.timefmt import iso_utc

URI = {"format": "uri"}


class UtcDateTime(ma.fields.DateTime):
    """A UTC timestamp as ISO 8601 with ``Z``, the API's one date format."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return iso_utc(value) if value else None


def one_of(values: Iterable[object]) -> ma.fields.String:
    """A required string documented as one of ``values`` (enum members or plain strings)."""
    return ma.fields.String(required=True, metadata={"enum": [str(v) for v in values]})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document, the body of every error."""

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(metadata={"description": "What went wrong and what to send."})


class MoneySchema(ma.Schema):
    amount_minor = ma.fields.Integer(
        required=True, metadata={"description": "Integer minor units (cents)."}
    )
    currency = ma.fields.String(required=True, metadata={"example": "USD"})
    exponent = ma.fields.Integer(
        required=True, metadata={"description": "Decimal places of the currency."}
    )


class PrizeSchema(MoneySchema):
    place = ma.fields.Integer(required=True)
    label = ma.fields.String(required=True)


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount_minor": amount, "currency": currency, "exponent": exponent(currency)}


class SponsorSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class LinksSchema(ma.Schema):
    """Addresses of this page and its neighbours (``null`` at either end)."""

    self_ = ma.fields.String(required=True, attribute="self", data_key="self", metadata=URI)
    next = ma.fields.String(required=True, allow_none=True, metadata=URI)
    prev = ma.fields.String(required=True, allow_none=True, metadata=URI)


class PageSchema(ma.Schema):
    """The envelope of a list; subclasses add ``data``."""

    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    links = ma.fields.Nested(LinksSchema, required=True)


def page_links(endpoint: str, page: int, has_next: bool, /, **args: Any) -> dict[str, str | None]:
    """This page's address and its neighbours', with ``args`` (path, filters, per_page) kept."""

    def link(number: int) -> str:
        return url_for(endpoint, page=number, _external=True, **args)

    return {
        "self": link(page),
        "next": link(page + 1) if has_next else None,
        "prev": link(page - 1) if page > 1 else None,
    }
