"""Pagination of the API's lists, and the keyset pages of the ledgers."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

M = TypeVar("M", bound=Model)


class BoundedLimitOffset(LimitOffsetPagination):
    """limit/offset pages whose offset is bounded too (ninja bounds only the limit), so an
    offset past the database's integer range is a 422, not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)


def keyset_page(rows: QuerySet[M], *, before: int | None, size: int) -> tuple[list[M], int | None]:
    """One page of a ledger listed newest first (``rows`` ordered by ``-id``): the rows
    before ``before``, and the id to ask for the next page with (None on the last)."""
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)
