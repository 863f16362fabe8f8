"""Indicator facts: every stored indicator's value per owning union and month, kept up to
date as records change, and read by the reports instead of counting the records again.

Nothing here is written per indicator. What an indicator reads is found by running its own
query once and noting the tables its SQL names; each of those tables gets database triggers
(PostgreSQL: one per statement, over its transition table; SQLite: one per row) that note,
in the writing transaction, which unions the changed rows belong to: the row's own union
columns, and the rows it points at that lead to a union (a lease payment's lease, a fair
participant's fair), never through a person (a row's owner is an organisation's, not its
member's). So a service's save, an import's COPY, a bulk update and a hand-typed SQL statement
are all noted alike.

``facts_drain`` takes the noted changes and, for each indicator reading a changed table,
runs the indicator's own query again for the noted unions only (``per_period`` narrows to
them; other queries are cut to them afterwards), over the months the facts cover, and
replaces those unions' facts. The cost follows the change: the records of the unions it
touched, not the city's. A flow is kept as its value in each month, a stock as its change
over each month (its value at a month's end is the running sum), a median as the count of
each value in each month; ratios are computed from their parts as before.

Reports read facts when every period asked is whole months inside the covered months and
the indicator's periods add up from months (``Indicator.additive``); otherwise, and with
``live=True`` (the check), they count the records. A report drains pending changes first,
so what a page shows includes the change just made; the scheduler drains every minute too.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.core.dates import report_today
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.queries import ONLY_OWNERS
from gonghui.orgs.models import Union

if TYPE_CHECKING:
    from gonghui.core.indicators.declared import Indicator

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')
EVERY = "*"  # a noted change whose unions cannot be told: every owner of the table's indicators
TRIGGER = "gh_facts_"
# Beyond this share of all unions, one pass over everything is cheaper than a pass per chunk.
WHOLE_SHARE = 0.3
CHUNK = 500


def _first(day: date) -> date:
    return day.replace(day=1)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[Period]:
    months, month = [], first
    while month <= last:
        months.append(Period.month(month.year, month.month))
        month = _next(month)
    return months


def horizon() -> tuple[date, date]:
    """The months the facts cover: from ``GONGHUI_FACTS_FROM`` to the end of next year (a
    stock's later months carry its value without rows; a flow's hold nothing yet)."""
    year, month = (int(p) for p in settings.GONGHUI_FACTS_FROM.split("-"))
    today = max(timezone.localdate(), report_today())
    return date(year, month, 1), date(today.year + 1, 12, 1)


# What each indicator reads -------------------------------------------------------------


def stored(indicator: Indicator) -> bool:
    return indicator.kind != "ratio" and indicator.additive and indicator.query is not None


def stored_indicators() -> list[Indicator]:
    from gonghui.core.indicators.declared import indicators

    return [i for i in indicators() if stored(i)]


_CAPTURED: dict[str, tuple[frozenset[str], str]] = {}
NUMBER = re.compile(r"\d+")


def _capture(indicator: Indicator) -> tuple[frozenset[str], str]:
    """The tables ``indicator``'s query reads, from the SQL it sends for one month of the
    whole tree (the root path joins no union table), and that SQL's fingerprint (numbers
    left out: they are ids and dates of the data, not the declaration)."""
    if indicator.key not in _CAPTURED:
        assert indicator.query is not None
        with contextlib.ExitStack() as stack:
            captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
            indicator.query("0" * Union.steplen, [Period.month(2000, 1)])
        sql = [str(q["sql"]) for c in captured for q in c.captured_queries]
        tables = frozenset(TABLE.findall(" ".join(sql))) - {_log_table()}
        fingerprint = hashlib.sha1(NUMBER.sub("0", "\n".join(sql)).encode()).hexdigest()[:16]
        _CAPTURED[indicator.key] = (tables, fingerprint)
    return _CAPTURED[indicator.key]


def indicator_tables(indicator: Indicator) -> frozenset[str]:
    return _capture(indicator)[0]


def fingerprint(indicator: Indicator) -> str:
    return _capture(indicator)[1]


def _log_table() -> str:
    from gonghui.core.models import FactChange

    return str(FactChange._meta.db_table)


def _models_by_table() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _person(model: type[models.Model]) -> bool:
    return bool(getattr(model, "facts_person", False))


def _integer_key(field: Any) -> bool:
    target = field.target_field.get_internal_type()
    return target in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField")


def _leads_to_union(model: type[models.Model], depth: int) -> bool:
    return bool(_union_lookups(model, depth))


def _union_lookups(model: type[models.Model], depth: int = 3, prefix: str = "") -> list[str]:
    """The lookups from ``model`` to the unions it belongs to (``lease__asset__union``)."""
    if model is Union:
        return [prefix + "id" if not prefix else prefix.removesuffix("__")]
    if depth == 0:
        return []
    found = []
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if not isinstance(target, type) or target is model or _person(target):
            continue
        if target is Union:
            found.append(prefix + field.name)
        else:
            found.extend(_union_lookups(target, depth - 1, f"{prefix}{field.name}__"))
    return found


def _noted(model: type[models.Model]) -> list[tuple[str, str]]:
    """What a changed row of ``model`` notes: (column, the table its value is a row of)."""
    union_table = str(Union._meta.db_table)
    if model is Union:
        return [("id", union_table)]
    noted = []
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if not isinstance(target, type) or target is model or _person(target):
            continue
        if not _integer_key(field):
            continue
        if target is Union:
            noted.append((str(field.column), union_table))
        elif _leads_to_union(target, 2):
            noted.append((str(field.column), str(target._meta.db_table)))
    return noted


# Triggers ------------------------------------------------------------------------------


def _name(table: str, op: str) -> str:
    digest = hashlib.sha1(table.encode()).hexdigest()[:8]
    return f"{TRIGGER}{table[:36]}_{digest}_{op}"


def _pg_sources(table: str, noted: list[tuple[str, str]], rows: str) -> list[str]:
    if not noted:
        return [f"SELECT '{EVERY}' AS tbl, 0::bigint AS ref FROM {rows}"]
    return [f"SELECT '{tbl}' AS tbl, \"{col}\"::bigint AS ref FROM {rows}" for col, tbl in noted]


def _pg_statements(table: str, noted: list[tuple[str, str]]) -> list[str]:
    log = _log_table()
    statements = []
    for op, sides in (
        ("insert", ["new_rows"]),
        ("update", ["old_rows", "new_rows"]),
        ("delete", ["old_rows"]),
    ):
        name = _name(table, op)
        union = " UNION ALL ".join(s for rows in sides for s in _pg_sources(table, noted, rows))
        statements.append(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $f$ '
            f'BEGIN INSERT INTO "{log}" (source, tbl, ref) '
            f"SELECT DISTINCT '{table}', x.tbl, x.ref FROM ({union}) x WHERE x.ref IS NOT NULL; "
            "RETURN NULL; END $f$"
        )
        referencing = " ".join(
            f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows}" for rows in sides
        )
        statements.append(
            f'CREATE TRIGGER "{name}" AFTER {op.upper()} ON "{table}" '
            f'REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION "{name}"()'
        )
    return statements


def _sqlite_statements(table: str, noted: list[tuple[str, str]]) -> list[str]:
    log = _log_table()
    statements = []
    for op, sides in (("insert", ["NEW"]), ("update", ["OLD", "NEW"]), ("delete", ["OLD"])):
        inserts = []
        for side in sides:
            if not noted:
                inserts.append(
                    f"INSERT INTO \"{log}\" (source, tbl, ref) VALUES ('{table}', '{EVERY}', 0);"
                )
            for col, tbl in noted:
                inserts.append(
                    f"INSERT INTO \"{log}\" (source, tbl, ref) SELECT '{table}', '{tbl}', "
                    f'{side}."{col}" WHERE {side}."{col}" IS NOT NULL;'
                )
        statements.append(
            f'CREATE TRIGGER "{_name(table, op)}" AFTER {op.upper()} ON "{table}" '
            f"FOR EACH ROW BEGIN {' '.join(inserts)} END"
        )
    return statements


def watched_tables() -> set[str]:
    tables: set[str] = set()
    for indicator in stored_indicators():
        tables |= indicator_tables(indicator)
    return tables


def triggers_remove(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drops every facts trigger (the benchmarks measure writing without them)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE tgname LIKE %s",
                [TRIGGER + "%"],
            )
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [TRIGGER + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')


def triggers_install(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """(Re)writes the triggers on every table a stored indicator reads; drops those on tables
    no indicator reads any longer. Returns the tables watched."""
    conn = connections[using]
    by_table = _models_by_table()
    tables = sorted(t for t in watched_tables() if t in by_table)
    make = _pg_statements if conn.vendor == "postgresql" else _sqlite_statements
    with transaction.atomic(using=using):
        triggers_remove(using)
        with conn.cursor() as cursor:
            for table in tables:
                for statement in make(table, _noted(by_table[table])):
                    cursor.execute(statement)
    return tables


# Keeping the facts ---------------------------------------------------------------------


def _state(using: str) -> Any:
    from gonghui.core.models import FactsState

    return FactsState.objects.using(using).order_by("pk").first()


def _rows(
    indicator: Indicator, months: Sequence[Period], per_month: list[dict[int, Any]], owners: Any
) -> Iterator[Any]:
    from gonghui.core.models import IndicatorFact

    def keep(owner: int) -> bool:
        return owners is None or owner in owners

    if indicator.combine == "median":
        for period, values in zip(months, per_month, strict=True):
            for owner, listed in values.items():
                if listed and keep(owner):
                    counts = Counter(str(Decimal(str(v))) for v in listed)
                    yield IndicatorFact(
                        indicator=indicator.key,
                        owner=owner,
                        month=period.start,
                        histogram=dict(counts),
                    )
        return
    previous: dict[int, Decimal] = defaultdict(Decimal)
    for period, values in zip(months, per_month, strict=True):
        seen = set(values) | (set(previous) if indicator.kind == "stock" else set())
        for owner in seen:
            if not keep(owner):
                continue
            value = Decimal(str(values.get(owner) or 0))
            if indicator.kind == "stock":
                value, previous[owner] = value - previous[owner], value
            if value:
                yield IndicatorFact(
                    indicator=indicator.key, owner=owner, month=period.start, value=value
                )


def _query(indicator: Indicator, path: str, months: Sequence[Period]) -> list[dict[int, Any]]:
    assert indicator.query is not None
    return indicator.query(path, months)


def _common_path(paths: Sequence[str]) -> str:
    """The deepest union path above all of ``paths`` (sorted, under one root)."""
    step = Union.steplen
    first, last = paths[0], paths[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[: n - n % step]


def _chunks(paths: dict[int, str]) -> Iterator[tuple[frozenset[int], str]]:
    """The owners in chunks of at most CHUNK, each under one root, with their common path."""
    ordered = sorted(paths, key=paths.__getitem__)
    chunk: list[int] = []
    for pk in ordered:
        if chunk and (
            len(chunk) == CHUNK or paths[pk][: Union.steplen] != paths[chunk[0]][: Union.steplen]
        ):
            yield frozenset(chunk), _common_path([paths[c] for c in chunk])
            chunk = []
        chunk.append(pk)
    if chunk:
        yield frozenset(chunk), _common_path([paths[c] for c in chunk])


def _recompute(
    indicator: Indicator, owners: set[int] | None, months: Sequence[Period], using: str
) -> int:
    from gonghui.core.models import IndicatorFact

    facts = IndicatorFact.objects.using(using).filter(indicator=indicator.key)
    if owners is None:
        facts.delete()
        made: list[Any] = []
        for root in Union.objects.using(using).filter(depth=1).values_list("path", flat=True):
            per_month = _query(indicator, root, months)
            made.extend(_rows(indicator, months, per_month, None))
        IndicatorFact.objects.using(using).bulk_create(made, batch_size=5000)
        return len(made)
    written = 0
    paths = dict(Union.objects.using(using).filter(pk__in=owners).values_list("pk", "path"))
    gone = owners - set(paths)
    if gone:  # unions deleted since
        facts.filter(owner__in=gone).delete()
    for chunk, path in _chunks(paths):
        token = ONLY_OWNERS.set(chunk)
        try:
            per_month = _query(indicator, path, months)
        finally:
            ONLY_OWNERS.reset(token)
        facts.filter(owner__in=chunk).delete()
        made = list(_rows(indicator, months, per_month, chunk))
        IndicatorFact.objects.using(using).bulk_create(made, batch_size=5000)
        written += len(made)
    return written


def facts_rebuild(using: str = DEFAULT_DB_ALIAS) -> int:
    """Every stored indicator counted again over the covered months (after an install, or
    when the year moves past the covered months). Returns the facts written."""
    from gonghui.core.models import FactChange, FactsState, IndicatorFact

    first, last = horizon()
    months = months_between(first, last)
    with transaction.atomic(using=using):
        FactChange.objects.using(using).all().delete()
        IndicatorFact.objects.using(using).all().delete()
        FactsState.objects.using(using).all().delete()
        kept = stored_indicators()
        written = sum(_recompute(i, None, months, using) for i in kept)
        FactsState.objects.using(using).create(
            first_month=first,
            last_month=last,
            built_at=timezone.now(),
            indicators={i.key: fingerprint(i) for i in kept},
            tables=sorted(watched_tables()),
        )
    return written


def _catch_up(state: Any, using: str) -> None:
    """Indicators declared (or changed) since the facts were counted get theirs now, and
    tables they read for the first time their triggers; a year past the covered months
    counts everything again."""
    if state.last_month < horizon()[1].replace(month=1):
        facts_rebuild(using)
        return
    months = months_between(state.first_month, state.last_month)
    kept = stored_indicators()
    stale = [i for i in kept if state.indicators.get(i.key) != fingerprint(i)]
    tables = sorted(watched_tables())
    if not stale and tables == state.tables and len(kept) == len(state.indicators):
        return
    if tables != state.tables:
        triggers_install(using)
    for indicator in stale:
        _recompute(indicator, None, months, using)
    gone = set(state.indicators) - {i.key for i in kept}
    if gone:
        from gonghui.core.models import IndicatorFact

        IndicatorFact.objects.using(using).filter(indicator__in=gone).delete()
    state.indicators = {i.key: fingerprint(i) for i in kept}
    state.tables = tables
    state.save(update_fields=["indicators", "tables"])


def _take_changes(using: str) -> list[tuple[str, str, int]]:
    with connections[using].cursor() as cursor:
        cursor.execute(f'DELETE FROM "{_log_table()}" RETURNING source, tbl, ref')
        return [(s, t, int(r)) for s, t, r in cursor.fetchall()]


def _owners_of(changes: list[tuple[str, str, int]], using: str) -> dict[str, set[int] | None]:
    """For each changed table, the unions its changed rows belong to (None: all)."""
    by_table = _models_by_table()
    union_table = str(Union._meta.db_table)
    refs: dict[tuple[str, str], set[int]] = defaultdict(set)
    for source, tbl, ref in changes:
        refs[(source, tbl)].add(ref)
    resolved: dict[tuple[str, set[int]] | Any, Any] = {}
    owners: dict[str, set[int] | None] = {}
    for (source, tbl), ids in refs.items():
        if owners.get(source, set()) is None:
            continue
        if tbl == EVERY or tbl not in by_table:
            owners[source] = None
            continue
        if tbl == union_table:
            found = set(ids)
        else:
            key = (tbl, frozenset(ids))
            if key not in resolved:
                model = by_table[tbl]
                lookups = _union_lookups(model)
                rows = list(
                    model._default_manager.using(using)
                    .filter(pk__in=ids)
                    .values_list("pk", *lookups)
                )
                # A row deleted since (its own triggers, if watched, noted its unions): when
                # it is not watched, its unions are unknown.
                unknown = len(rows) < len(ids) and tbl not in watched_tables()
                resolved[key] = (
                    None if unknown else {u for row in rows for u in row[1:] if u is not None}
                )
            found = resolved[key]
        if found is None:
            owners[source] = None
        else:
            owners.setdefault(source, set())
            current = owners[source]
            assert current is not None
            current |= found
    return owners


def facts_drain(using: str = DEFAULT_DB_ALIAS) -> int:
    """Brings the facts up to the noted changes; returns how many notes it took. The
    records are read where the facts are written (never from a lagging replica, even when
    a report page reading from one drains first)."""
    from gonghui.core.replica import REPLICA_READS

    token = REPLICA_READS.set(False)
    try:
        return _drain(using)
    finally:
        REPLICA_READS.reset(token)


def _drain(using: str) -> int:
    state = _state(using)
    with transaction.atomic(using=using):
        if state is not None:
            _catch_up(state, using)
        changes = _take_changes(using)
        if not changes or state is None:
            return len(changes)
        months = months_between(state.first_month, state.last_month)
        owners = _owners_of(changes, using)
        everyone = Union.objects.using(using).count()
        for indicator in stored_indicators():
            touched = [owners[t] for t in indicator_tables(indicator) if t in owners]
            if not touched:
                continue
            dirty: set[int] | None = set()
            for found in touched:
                if found is None or dirty is None:
                    dirty = None
                else:
                    dirty |= found
            if dirty is not None and len(dirty) > WHOLE_SHARE * everyone:
                dirty = None
            _recompute(indicator, dirty, months, using)
    return len(changes)


def facts_install(using: str = DEFAULT_DB_ALIAS) -> None:
    """After a migration: the triggers for today's indicators, and the facts if none yet."""
    triggers_install(using)
    if _state(using) is None:
        facts_rebuild(using)


# Reading ---------------------------------------------------------------------------------


def _month_aligned(period: Period) -> bool:
    return period.start.day == 1 and _next(_first(period.end)) == _next_day(period.end)


def _next_day(day: date) -> date:
    from datetime import timedelta

    return day + timedelta(days=1)


def facts_ready(using: str | None = None) -> Any:
    """The covered months when facts can be read, after draining what is pending (on the
    primary); None when they were never built."""
    from django.db import router

    from gonghui.core.models import FactsState

    state = _state(using or router.db_for_read(FactsState))
    if state is not None:
        facts_drain(DEFAULT_DB_ALIAS)  # a replica's pending notes are the primary's too
    return state


LIVE: ContextVar[bool] = ContextVar("facts_live", default=False)


@contextlib.contextmanager
def counting_live() -> Iterator[None]:
    """Reports inside count the records, as before the facts (the benchmark's comparison)."""
    token = LIVE.set(True)
    try:
        yield
    finally:
        LIVE.reset(token)


def covers(state: Any, indicator: Indicator, periods: Sequence[Period]) -> bool:
    return (
        state is not None
        and not LIVE.get()
        and stored(indicator)
        and state.indicators.get(indicator.key) == fingerprint(indicator)
        and all(
            _month_aligned(p) and p.start >= state.first_month and _first(p.end) <= state.last_month
            for p in periods
        )
    )


def facts_read(indicator: Indicator, path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    """The indicator's values per owner for each period, from the facts (the shape of an
    indicator query's answer)."""
    from gonghui.core.models import IndicatorFact

    facts = IndicatorFact.objects.filter(indicator=indicator.key)
    if len(path) > Union.steplen:
        facts = facts.filter(owner__in=Union.objects.filter(path__startswith=path).values("pk"))
    ends = [_first(p.end) for p in periods]
    if indicator.combine == "median":
        lo = min(p.start for p in periods)
        rows = facts.filter(month__gte=lo, month__lte=max(ends)).values_list(
            "owner", "month", "histogram"
        )
        median_result: list[dict[int, list[Decimal]]] = [defaultdict(list) for _ in periods]
        for owner, month, histogram in rows:
            for i, period in enumerate(periods):
                if period.start <= month <= period.end:
                    for value, n in (histogram or {}).items():
                        median_result[i][owner].extend([Decimal(value)] * n)
        return [dict(r) for r in median_result]
    if indicator.kind == "stock":
        conditions = [Q(month__lte=end) for end in ends]
        facts = facts.filter(month__lte=max(ends))
    else:
        conditions = [
            Q(month__gte=p.start, month__lte=end) for p, end in zip(periods, ends, strict=True)
        ]
        facts = facts.filter(month__gte=min(p.start for p in periods), month__lte=max(ends))
    sums = {f"p{i}": Sum("value", filter=c) for i, c in enumerate(conditions)}
    result: list[dict[int, Any]] = [{} for _ in periods]
    grouped: Any = facts.order_by().values("owner").annotate(**sums)
    for row in grouped:
        for i in range(len(periods)):
            value = row[f"p{i}"]
            if value:
                result[i][row["owner"]] = value
    return result


def facts_by_child(tree: Any, periods: Sequence[Period]) -> dict[str, list[dict[int, Any]]]:
    """Every stored flow and stock indicator the facts cover, for ``tree``'s union and each
    of its children, for each period, summed in the database by the child's path: two
    queries for the whole report. Values are keyed by the child union's id (the union's own
    for what it owns itself), which the roll-up maps as any owner of that child."""
    from gonghui.core.models import IndicatorFact

    state = tree.facts()
    chosen = [i for i in stored_indicators() if i.combine != "median" and covers(state, i, periods)]
    union = tree.union
    width = len(union.path) + Union.steplen
    key_of = {c.path: c.pk for c in tree.children} | {union.path: union.pk}
    ends = [_first(p.end) for p in periods]
    result: dict[str, list[dict[int, Any]]] = {}
    conn = connections[router_for_read(IndicatorFact)]
    facts, unions = IndicatorFact._meta.db_table, Union._meta.db_table
    for kind in ("flow", "stock"):
        keys = [i.key for i in chosen if i.kind == kind]
        if not keys:
            continue
        sums: list[str] = []
        params: list[Any] = []
        for p, end in zip(periods, ends, strict=True):
            if kind == "stock":
                sums.append("SUM(CASE WHEN f.month <= %s THEN f.value END)")
                params.append(end)
            else:
                sums.append("SUM(CASE WHEN f.month >= %s AND f.month <= %s THEN f.value END)")
                params.extend([p.start, end])
        where = [f"f.indicator IN ({', '.join(['%s'] * len(keys))})", "f.month <= %s"]
        params.extend([*keys, max(ends)])
        if kind == "flow":
            where.append("f.month >= %s")
            params.append(min(p.start for p in periods))
        if len(union.path) > Union.steplen:
            where.append("u.path LIKE %s")
            params.append(union.path + "%")
        sql = (
            f"SELECT f.indicator, SUBSTR(u.path, 1, {width}), {', '.join(sums)} "
            f'FROM "{facts}" f JOIN "{unions}" u ON u.id = f.owner '
            f"WHERE {' AND '.join(where)} GROUP BY f.indicator, SUBSTR(u.path, 1, {width})"
        )
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for key in keys:
            result[key] = [{} for _ in periods]
        for indicator, prefix, *values in rows:
            owner = key_of.get(prefix)
            if owner is None:
                continue
            for i, value in enumerate(values):
                if value:
                    result[indicator][i][owner] = Decimal(str(value))
    return result


def router_for_read(model: Any) -> str:
    from django.db import router

    return str(router.db_for_read(model))
