"""Writing many rows the fastest way each database takes them.

Django's bulk_create builds one large parameterised INSERT per batch, and most of an import's
time went into building and binding it. Here PostgreSQL gets COPY and SQLite a prepared
INSERT run with executemany; rows are plain tuples in the order of ``fields`` (already
converted to what the column stores).

``BackgroundWriter`` runs those writes on a second connection in a thread of its own, inside
one transaction that commits or rolls back at the end. The database's share of an import
(index maintenance above all) then overlaps with the Python share (parsing, hashing,
encryption) on the other core, instead of following it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


def db_now(using: BaseDatabaseWrapper | None = None) -> Any:
    """The current time as these raw writes store it (Django's form on SQLite)."""
    conn = using or connection
    now = timezone.now()
    if conn.vendor == "postgresql":
        return now
    return conn.ops.adapt_datetimefield_value(now)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def fast_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    using: BaseDatabaseWrapper | None = None,
) -> int:
    """Insert ``rows`` (tuples matching ``fields``); returns how many were written."""
    conn = using or connection
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
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
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    using: BaseDatabaseWrapper | None = None,
) -> int:
    """Update rows by primary key: each row is (pk, *values of ``fields``)."""
    conn = using or connection
    table = conn.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{conn.ops.quote_name(c)} = %s" for c in _columns(model, fields))
    pk = conn.ops.quote_name(str(model._meta.pk.column))
    batch = [(*values, key) for key, *values in rows]
    if batch:
        with conn.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", batch)
    return len(batch)


def ids_reserve(
    model: type[models.Model], count: int, using: BaseDatabaseWrapper | None = None
) -> list[int]:
    """``count`` primary keys that no other insert will take, for rows whose encrypted
    columns are sealed to their row before the row is written.

    PostgreSQL draws them from the column's sequence. SQLite's AUTOINCREMENT never hands out
    a key at or below the table's ``sqlite_sequence`` entry, so one statement raises that
    entry by ``count`` (taking the write lock, so on the connection that writes the rows).
    """
    if count <= 0:
        return []
    conn = using or connection
    table = model._meta.db_table
    pk = str(model._meta.pk.column)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [conn.ops.quote_name(table), pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        highest = f"(SELECT coalesce(max({conn.ops.quote_name(pk)}), 0) FROM {conn.ops.quote_name(table)})"
        cursor.execute(
            f"UPDATE sqlite_sequence SET seq = max(seq, {highest}) + %s WHERE name = %s "
            "RETURNING seq",
            [count, table],
        )
        row = cursor.fetchone()
        if row is None:  # the table has never had a row
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) VALUES (%s, {highest} + %s) "
                "RETURNING seq",
                [table, count],
            )
            row = cursor.fetchone()
    last = int(row[0])
    return list(range(last - count + 1, last + 1))


def background_writer_available(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """A second connection sees the same database only if it is not in memory; the test
    suite's transactions are invisible to another connection, so it writes in line."""
    if not settings.GONGHUI_IMPORT_WRITER_THREAD or settings.TESTING:
        return False
    conn = connections[alias]
    return conn.vendor == "postgresql" or (
        conn.vendor == "sqlite" and not conn.is_in_memory_db()  # type: ignore[attr-defined]
    )


class _Reserve:
    """A request for primary keys answered by the writer thread."""

    def __init__(self, model: type[models.Model], count: int) -> None:
        self.model = model
        self.count = count
        self.done = threading.Event()
        self.ids: list[int] = []
        self.error: BaseException | None = None

    def answer(self, conn: BaseDatabaseWrapper, failed: BaseException | None) -> None:
        try:
            if failed is not None:
                raise failed
            self.ids = ids_reserve(self.model, self.count, using=conn)
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()

    def result(self, writer: threading.Thread) -> list[int]:
        # A writer that has failed and stopped answers nothing more: do not wait for it.
        while not self.done.wait(0.2):
            if not writer.is_alive():
                raise RuntimeError("the background writer stopped")
        if self.error is not None:
            raise self.error
        return self.ids


class BackgroundWriter:
    """Writes queued by the caller, done in order on a connection of the writer's own thread,
    all in one transaction. ``close(commit=...)`` ends it; an error raised by a write is
    raised again by the next ``insert``/``update`` or by ``close``."""

    _STOP = object()

    def __init__(self, alias: str = DEFAULT_DB_ALIAS, depth: int = 4) -> None:
        self.alias = alias
        self.jobs: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.committed = False
        self._key_pools: dict[type[models.Model], list[int]] = {}
        self._commit = False
        self.thread = threading.Thread(target=self._run, name="gonghui-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn = connections.create_connection(self.alias)
        try:
            conn.ensure_connection()
            conn.set_autocommit(False)
            if conn.vendor == "sqlite":
                # Random-order index keys (hashes) touch pages all over the index.
                with conn.cursor() as cursor:
                    cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB
            while True:
                job = self.jobs.get()
                if job is self._STOP:
                    break
                if isinstance(job, _Reserve):
                    job.answer(conn, self.error)
                    continue
                if self.error is None:
                    kind, model, fields, rows = job
                    (fast_insert if kind == "insert" else fast_update)(
                        model, fields, rows, using=conn
                    )
            if self.error is None and self._commit:
                conn.commit()
                self.committed = True
            else:
                conn.rollback()
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
            with contextlib.suppress(Exception):  # the first error is the one to report
                conn.rollback()
            self._drain()
        finally:
            conn.close()

    def _drain(self) -> None:
        """Unblock a caller waiting on a full queue after the writer failed."""
        while True:
            try:
                if self.jobs.get_nowait() is self._STOP:
                    return
            except queue.Empty:
                return

    def _put(self, job: Any) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put(job)

    def insert(
        self, model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        self._put(("insert", model, fields, rows))

    def update(
        self, model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        self._put(("update", model, fields, rows))

    # On SQLite, keys drawn ahead per request to the writer: each request waits for the
    # writes queued before it, so asking once per batch would undo the overlap of parsing
    # and writing. The keys left over when an import ends are simply never used.
    SQLITE_KEYS_AHEAD = 20_000

    def ids_reserve(self, model: type[models.Model], count: int) -> list[int]:
        """Keys for ``count`` new rows. PostgreSQL's sequence answers on the caller's own
        connection at once. SQLite's write lock is the writer's, so there the writer draws
        them, after the writes queued so far, SQLITE_KEYS_AHEAD at a time."""
        if self.error is not None:
            raise self.error
        if connections[self.alias].vendor == "postgresql":
            return ids_reserve(model, count, using=connections[self.alias])
        pool = self._key_pools.setdefault(model, [])
        if len(pool) < count:
            request = _Reserve(model, max(count - len(pool), self.SQLITE_KEYS_AHEAD))
            self._put(request)
            try:
                pool.extend(request.result(self.thread))
            except RuntimeError:
                if self.error is not None:
                    raise self.error from None
                raise
        taken = pool[:count]
        del pool[:count]
        return taken

    def now(self) -> Any:
        return db_now(connections[self.alias])

    def close(self, *, commit: bool) -> None:
        self._commit = commit
        if self.thread.is_alive():
            self.jobs.put(self._STOP)
        self.thread.join()
        if self.error is not None:
            raise self.error
