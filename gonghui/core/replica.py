"""Reports on a read replica: with ``DATABASE_REPLICA_URL`` set, the report pages and their
exports read from the replica (a streaming standby of the production database) and leave
the primary to the offices' writes. Writes never go there, whatever the page.

A view opts in with ``@reads_from_replica``; while it runs, the router sends the ORM's reads
to the replica alias that ``GONGHUI_REPORT_REPLICA`` names ("" keeps everything on the
primary), and the page says how fresh the replica is (``replica_context``)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_READS: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)
# The database `migrate` is migrating: the data migrations' queries (which name no
# database, as most never do) go to it, not to the primary. The test runner migrates its
# second database with this.
MIGRATING: contextvars.ContextVar[str] = contextvars.ContextVar("migrating", default="")


def migration_started(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    MIGRATING.set(using)


def migration_ended(sender: Any, **kwargs: Any) -> None:
    MIGRATING.set("")


def replica_alias() -> str:
    """The alias reports read from now ("" when they read from the primary)."""
    alias = getattr(settings, "GONGHUI_REPORT_REPLICA", "")
    return alias if alias and REPLICA_READS.get() and alias in connections else ""


@contextlib.contextmanager
def on_replica() -> Iterator[None]:
    token = REPLICA_READS.set(True)
    try:
        yield
    finally:
        REPLICA_READS.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """A report view whose reads may go to the replica."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with on_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads of a report view to the replica; every write, and every other read, to the
    primary. Objects of both aliases are one database's rows, so relations between them
    are allowed."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return MIGRATING.get() or replica_alias() or None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        # A row read from the replica is saved to the primary; rows of another alias (the
        # job progress connection) stay on theirs.
        migrating = MIGRATING.get()
        if migrating:
            return migrating
        instance = hints.get("instance")
        alias = getattr(getattr(instance, "_state", None), "db", None)
        replica = getattr(settings, "GONGHUI_REPORT_REPLICA", "")
        if alias is None or (replica and alias == replica):
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True


def replica_lag() -> timedelta | None:
    """How far the replica is behind the primary (None when it cannot say: not a standby
    in recovery, or not PostgreSQL)."""
    alias = replica_alias()
    if not alias:
        return None
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), "
            "COALESCE(now() - pg_last_xact_replay_timestamp(), interval '0')"
        )
        in_recovery, lag = cursor.fetchone()
    return lag if in_recovery else None


def replica_context(request: Any) -> dict[str, Any]:
    """For templates: a sentence on the replica a report was read from (nothing otherwise)."""
    if not replica_alias():
        return {}
    lag = replica_lag()
    if lag is None:
        note = "本页数据读自只读副本（无法读取复制延迟）。"
    else:
        note = f"本页数据读自只读副本，比主库晚约{max(int(lag.total_seconds()), 0)}秒。"
    return {"replica_note": note}
