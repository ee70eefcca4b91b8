"""Pages of whole result rows (several entities per row): payments lists, the sponsor's entries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination

from core.db import db


class RowPagination(SelectPagination):
    """A page of whole rows (a payout with its challenge and user…), not only the first
    entity, still one query for the page and one for the count."""

    def _query_items(self) -> list[tuple[Any, ...]]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return [tuple(row) for row in self._query_args["session"].execute(select).all()]


def page_of_rows(select: sa.Select[Any], page: int, per_page: int) -> RowPagination:
    """Page ``page`` of ``select``'s rows; a page past the end is empty, not an error."""
    return RowPagination(
        select=select, session=db.session, page=page, per_page=per_page, error_out=False
    )
