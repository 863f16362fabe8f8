"""Writing many rows the fastest way each database takes them.

Django's bulk_create builds one large parameterised INSERT per batch, and most of an import's
time went into building and binding it. Here PostgreSQL gets COPY and SQLite a prepared
INSERT run with executemany, inside the caller's transaction; rows are plain tuples in the
order of ``fields`` (already converted to what the column stores).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def db_now() -> Any:
    """The current time as these raw writes store it (Django's form on SQLite)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        return now
    return connection.ops.adapt_datetimefield_value(now)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def fast_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples matching ``fields``); returns how many were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor beneath Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            batch = list(rows)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
            count = len(batch)
    return count


def fast_update(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Update rows by primary key: each row is (pk, *values of ``fields``)."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in _columns(model, fields))
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    batch = [(*values, key) for key, *values in rows]
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", batch)
    return len(batch)
