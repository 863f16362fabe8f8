"""Benchmark: the whole monthly dispatch table on PostgreSQL, against DuckDB on the same rows.

    python -m bench.dispatch [--union 3305] [--month 2023-06]      # the database configured
    python -m bench.dispatch --fresh-postgres [--scale city]        # what `make bench` runs

The first form measures whatever data set the configured database (DATABASE_URL) holds. The
second starts a throw-away PostgreSQL server (as `make test` does), migrates it, generates the
demo data set of ``--scale`` (city: 10^6 members) and then measures, in a child process.

Measured: the dispatch table of the union (every indicator for it and its children, this
month, year to date, last year's year to date and last month's, targets, completion, ranks),
through ``gonghui.reports.dispatch.dispatch_table``, read from the indicator facts (what the
pages do): once in a fresh process (cold: a new connection, nothing of ours cached) and then
three times (warm: the best is kept). Then the same table counted live from the records
(``counting_live``), which must give the same figures; every SQL statement of that live count
is recorded, the tables they read are copied into an in-memory DuckDB database (a CSV export
through COPY; DuckDB extensions cannot be downloaded here), the same statements run there,
and each statement's rows are compared with PostgreSQL's. The target: the table from the
facts faster than DuckDB counting the raw rows. Then what keeping the facts costs: counting
everything again, and one member's joining to the facts holding it. Results:
``bench/results/dispatch.json`` (the issue's keys and the new ones) and
``dispatch_detail.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
RESULT_TAG = "BENCH-RESULT "
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')
PG_TO_DUCK = {
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "character varying": "VARCHAR",
    "text": "VARCHAR",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "double precision": "DOUBLE",
    "jsonb": "VARCHAR",
    "uuid": "VARCHAR",
    "inet": "VARCHAR",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _normal(value: Any) -> Any:
    """A value as both databases can agree on it (DuckDB gives naive UTC timestamps)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return value


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(_normal(v) for v in row) for row in rows), key=repr)


def _duck_sql(sql: str) -> str:
    # psycopg's placeholders and escaped percent signs, as DuckDB writes them.
    return sql.replace("%s", "?").replace("%%", "%")


def _load_tables(duck: Any, tables: set[str]) -> dict[str, int]:
    """Copy each table (every column but binary ones) from PostgreSQL into DuckDB."""
    from django.db import connection

    counts = {}
    with tempfile.TemporaryDirectory() as tmp, connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(
                "SELECT column_name, data_type, numeric_precision, numeric_scale "
                "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns, exports, types = [], [], []
            for name, kind, precision, scale in cursor.fetchall():
                if kind == "bytea":
                    continue
                if kind == "numeric":
                    duck_type = f"DECIMAL({precision or 38}, {scale or 0})"
                    export = f'"{name}"'
                elif kind.startswith("timestamp"):
                    duck_type = "TIMESTAMP"
                    export = f'("{name}" AT TIME ZONE \'UTC\') AS "{name}"'
                else:
                    duck_type = PG_TO_DUCK.get(kind, "VARCHAR")
                    export = f'"{name}"'
                columns.append(name)
                exports.append(export)
                types.append(f'"{name}" {duck_type}')
            path = Path(tmp) / f"{table}.csv"
            with path.open("wb") as out:
                copy = f'COPY (SELECT {", ".join(exports)} FROM "{table}") TO STDOUT (FORMAT csv)'
                with cursor.cursor.copy(copy) as stream:
                    for chunk in stream:
                        out.write(chunk)
            duck.execute(f'CREATE TABLE "{table}" ({", ".join(types)})')
            if path.stat().st_size:  # DuckDB cannot sniff an empty file
                duck.execute(
                    f"COPY \"{table}\" FROM '{path}' (FORMAT csv, ALLOW_QUOTED_NULLS false)"
                )
            counts[table] = duck.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return counts


def _figures(table: dict[str, Any]) -> Any:
    """The dispatch table's figures (not when it was computed)."""
    return {k: v for k, v in table.items() if k not in ("as_of", "generated_at")}


def _upkeep(union: Any) -> dict[str, Any]:
    """What keeping the facts costs: counting every indicator again (install, new year), and
    the time from one member's joining to the facts holding it (the scheduler's drain; a
    report drains before reading, so a page shows the change at once)."""
    from datetime import date

    from bench import _data
    from gonghui.core.actors import SystemActor
    from gonghui.core.indicators.facts import facts_drain, facts_rebuild
    from gonghui.core.models import IndicatorFact
    from gonghui.members.services import member_join
    from gonghui.orgs.models import Union

    log("counting every indicator again into the facts")
    began = time.perf_counter()
    facts_rebuild()
    rebuild = time.perf_counter() - began
    grassroots = (
        Union.objects.filter(path__startswith=union.path, level=Union.Level.GRASSROOTS)
        .order_by("path")
        .first()
    )
    assert grassroots is not None
    member_join(
        actor=SystemActor(grassroots),
        union=grassroots,
        name="基准测试",
        id_number=_data.id_number(9_000_001),
        join_date=date(2023, 6, 15),
    )
    began = time.perf_counter()
    notes = facts_drain()
    latency = time.perf_counter() - began
    return {
        "facts_rebuild_s": round(rebuild, 1),
        "facts_rows": IndicatorFact.objects.count(),
        "change_to_facts_s": round(latency, 3),
        "change_notes": notes,
    }


def measure(union_code: str, year: int, month: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import duckdb
    from django.db import connection

    from gonghui.core.indicators.facts import counting_live
    from gonghui.core.indicators.registry import indicators
    from gonghui.members.models import Member
    from gonghui.orgs.models import Union
    from gonghui.reports.dispatch import dispatch_json, dispatch_table

    union = Union.objects.get(code=union_code)
    # The product: the table read from the indicator facts (demo-data built them).
    began = time.perf_counter()
    table = dispatch_table(union=union, year=year, month=month)
    cold = time.perf_counter() - began
    warm_runs = []
    for _ in range(3):
        began = time.perf_counter()
        dispatch_table(union=union, year=year, month=month)
        warm_runs.append(time.perf_counter() - began)
    # The same table counted live from the records: the statements DuckDB runs too.
    with counting_live():
        began = time.perf_counter()
        live_table = dispatch_table(union=union, year=year, month=month)
        live_runs = [time.perf_counter() - began]
        began = time.perf_counter()
        dispatch_table(union=union, year=year, month=month)
        live_runs.append(time.perf_counter() - began)
        statements: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            dispatch_table(union=union, year=year, month=month)
    same_as_live = _figures(dispatch_json(table)) == _figures(dispatch_json(live_table))
    # Statements that read the tables the indicators read (not savepoints or settings).
    statements = [(s, p) for s, p in statements if TABLE.search(s)]
    pg_rows = []
    pg_each: list[float] = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            began = time.perf_counter()
            cursor.execute(sql, params)
            pg_rows.append(cursor.fetchall())
            pg_each.append(time.perf_counter() - began)
    pg_sql = sum(pg_each)
    tables = {t for sql, _ in statements for t in TABLE.findall(sql)}
    duck = duckdb.connect()
    log(f"loading {len(tables)} tables into DuckDB")
    loaded = _load_tables(duck, tables)
    duck_rows = []
    duck_each: list[float] = []
    for sql, params in statements:
        began = time.perf_counter()
        duck_rows.append(duck.execute(_duck_sql(sql), list(params or [])).fetchall())
        duck_each.append(time.perf_counter() - began)
    duck_s = sum(duck_each)
    slowest = sorted(range(len(statements)), key=lambda i: pg_each[i], reverse=True)[:8]
    mismatched = [
        i for i, (a, b) in enumerate(zip(pg_rows, duck_rows, strict=True)) if _rows(a) != _rows(b)
    ]
    warm = min(warm_runs)
    upkeep = _upkeep(union)
    return {
        "backend": connection.vendor,
        "members": Member.objects.count(),
        "indicators": len(indicators()),
        "union": union_code,
        "month": f"{year}-{month:02d}",
        "children": len(table.children),
        "pg_cold_s": round(cold, 3),
        "pg_warm_s": round(warm, 3),
        "pg_warm_runs_s": [round(r, 3) for r in warm_runs],
        "pg_sql_only_s": round(pg_sql, 3),
        "duckdb_s": round(duck_s, 3),
        "ratio_vs_duckdb": round(warm / duck_s, 2) if duck_s else None,
        "identical": same_as_live and not mismatched,
        "facts_equal_live": same_as_live,
        "duckdb_identical": not mismatched,
        "live_warm_s": round(min(live_runs), 3),
        "live_cold_s": round(live_runs[0], 3),
        **upkeep,
        "statements": len(statements),
        "mismatched_statements": [statements[i][0][:300] for i in mismatched],
        # Where the time goes: the slowest statements on PostgreSQL, beside DuckDB's time.
        "slowest": [
            {
                "tables": sorted(set(TABLE.findall(statements[i][0]))),
                "pg_s": round(pg_each[i], 3),
                "duckdb_s": round(duck_each[i], 3),
                "sql": statements[i][0][:200],
            }
            for i in slowest
        ],
        "duckdb_tables": loaded,
        "dispatch": dispatch_json(table),
    }


def fresh_postgres(scale: str, argv: list[str]) -> dict[str, Any]:
    from bench import pg

    with pg.postgres_server() as url:
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
        gonghui = [sys.executable, "-m", "gonghui.manage"]
        log(f"migrating and generating the {scale} demo data set on PostgreSQL")
        subprocess.run([*gonghui, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*gonghui, "demo-data", "--scale", scale],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run([*gonghui, "dbshell", "--", "-c", "ANALYZE"], cwd=ROOT, env=env)
        log("measuring")
        done = subprocess.run(
            [sys.executable, "-m", "bench.dispatch", "--worker", *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"benchmark worker failed (exit {done.returncode})\n{done.stdout[-3000:]}")
    return dict(json.loads(lines[-1][len(RESULT_TAG) :]))


def print_table(result: dict[str, Any]) -> None:
    print()
    print(
        f"每月调度表基准（{result['backend']}，会员 {result['members']} 人，"
        f"指标 {result['indicators']} 个，{result['union']} 及下级 {result['children']} 个，"
        f"{result['month']}）"
    )
    print(f"{'':<28}{'秒':>10}")
    print(f"{'读事实表：冷（新进程首次）':<22}{result['pg_cold_s']:>10.3f}")
    print(f"{'读事实表：热（3次取最快）':<22}{result['pg_warm_s']:>10.3f}   目标 ≤ 0.2 秒")
    print(f"{'实时统计：热':<26}{result['live_warm_s']:>10.3f}")
    print(f"{'  其中仅 SQL（同样语句）':<24}{result['pg_sql_only_s']:>10.3f}")
    print(f"{'DuckDB（实时统计的语句、同样数据）':<19}{result['duckdb_s']:>10.3f}")
    ratio = result["ratio_vs_duckdb"]
    print(
        f"读事实表 ÷ DuckDB = {ratio}（目标 < 1：比 DuckDB 直接统计原始记录更快）："
        + ("达到" if ratio is not None and ratio < 1 else "未达到")
    )
    print(
        "事实表与实时统计"
        + ("完全一致" if result["facts_equal_live"] else "不一致！")
        + "；PostgreSQL 与 DuckDB"
        + ("完全一致" if result["duckdb_identical"] else "不一致！")
        + f"（{result['statements']} 条语句）"
    )
    print(
        f"事实表：全部重算 {result['facts_rebuild_s']} 秒（{result['facts_rows']} 行）；"
        f"一名会员入会到事实表更新 {result['change_to_facts_s']} 秒"
        "（定时任务每分钟一次；报表读取前也会先更新）"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--union", default="3305")
    parser.add_argument("--month", default="2023-06")
    parser.add_argument("--fresh-postgres", action="store_true")
    parser.add_argument("--scale", default="city", choices=("tiny", "small", "city"))
    parser.add_argument("--output", default=str(RESULTS / "dispatch.json"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    year, month = (int(x) for x in args.month.split("-"))
    if args.worker:
        result = measure(args.union, year, month)
        print(RESULT_TAG + json.dumps(result, ensure_ascii=False), flush=True)
        return 0
    if args.fresh_postgres:
        result = fresh_postgres(args.scale, ["--union", args.union, "--month", args.month])
    else:
        result = measure(args.union, year, month)
    print_table(result)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    keys = (
        "backend",
        "members",
        "indicators",
        "pg_cold_s",
        "pg_warm_s",
        "duckdb_s",
        "ratio_vs_duckdb",
        "identical",
        "live_warm_s",
        "facts_equal_live",
        "facts_rebuild_s",
        "facts_rows",
        "change_to_facts_s",
    )
    output.write_text(json.dumps({k: result[k] for k in keys}, ensure_ascii=False, indent=2) + "\n")
    output.with_name(output.stem + "_detail.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    )
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
