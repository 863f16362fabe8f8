"""The timed import methods. Each runs in its own worker process, after django.setup(),
against its own copy of a database that already holds ``existing`` members, and returns
what it measured. Each checks its own result: a run that stored the wrong rows fails.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import time
from pathlib import Path
from typing import Any

from bench import _data


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _check_stored(existing: int, count: int) -> None:
    from gonghui.members.models import Member

    stored = Member.objects.count()
    if stored != existing + count:
        raise AssertionError(f"the table holds {stored} members, expected {existing} + {count}")


def _import_union() -> Any:
    from gonghui.orgs.models import Union

    return Union.objects.get(code=_data.IMPORT_UNION)


def run_gonghui(
    path: Path, count: int, existing: int, *, profile_to: Path | None = None
) -> dict[str, Any]:
    """gonghui.members.services.member_import, end to end (upload checks, read, validation,
    de-duplication against the table, bulk writes, audit), committed."""
    from gonghui.core.actors import SystemActor
    from gonghui.core.indicators.facts import facts_drain
    from gonghui.members.services import member_import

    union = _import_union()
    facts_drain()  # the pre-fill's notes are not the import's
    rss_before = peak_rss_mb()
    profiler = cProfile.Profile() if profile_to else None
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    report = member_import(actor=SystemActor(union), union=union, path=path, dry_run=False)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    rss = peak_rss_mb()
    if not (
        report.committed
        and report.rows == count
        and report.created == count
        and report.invalid == 0
        and report.updated == 0
    ):
        first = [e.as_dict() for e in report.errors[:5]]
        raise AssertionError(
            f"gonghui import: committed={report.committed} rows={report.rows} "
            f"created={report.created} updated={report.updated} invalid={report.invalid} "
            f"(expected {count} created); first errors: {first}"
        )
    _check_stored(existing, count)
    # Keeping the indicator facts: the triggers ran inside the import; taking their notes
    # (the scheduler's work within the minute) is timed apart.
    began = time.perf_counter()
    notes = facts_drain()
    drain = time.perf_counter() - began
    result = {
        "method": "gonghui",
        "facts_drain_s": round(drain, 2),
        "facts_notes": notes,
        "rows": count,
        "existing": existing,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds),
        "peak_rss_mb": rss,
        "rss_before_import_mb": rss_before,
    }
    if profiler and profile_to:
        result["profile"] = str(write_profile(profiler, profile_to, seconds, count))
    return result


def write_profile(profiler: cProfile.Profile, path: Path, seconds: float, count: int) -> Path:
    out = io.StringIO()
    out.write(f"gonghui member_import, {count} rows, {seconds:.1f} s under cProfile\n\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue())
    return path


def run_import_export(path: Path, count: int, existing: int, *, config: str) -> dict[str, Any]:
    """django-import-export 4.x: read through its XLSX format, then import_data in one
    transaction with raise_errors (a bad row fails the run)."""
    from import_export.formats.base_formats import XLSX

    from bench._ie import RESOURCES

    union = _import_union()
    began = time.perf_counter()
    dataset = XLSX().create_dataset(path.read_bytes())
    read = time.perf_counter()
    member_resource = RESOURCES[config](union=union)
    result = member_resource.import_data(
        dataset, dry_run=False, raise_errors=True, use_transactions=True
    )
    seconds = time.perf_counter() - began
    totals = dict(result.totals)
    if result.has_errors() or result.has_validation_errors() or totals.get("new") != count:
        raise AssertionError(f"import-export ({config}): totals {totals}")
    _check_stored(existing, count)
    return {
        "method": f"import_export_{config}",
        "rows": count,
        "existing": existing,
        "seconds": round(seconds, 2),
        "read_seconds": round(read - began, 2),
        "rows_per_s": round(count / seconds),
        "peak_rss_mb": peak_rss_mb(),
    }


def run_floor(path: Path, count: int, existing: int) -> dict[str, Any]:
    """The floor: read the file with calamine and write the raw, unvalidated cells the
    fastest way the database takes them (COPY; one-transaction executemany on SQLite).
    NOT NULL columns without a cell get constants or the raw text (id_hash = the raw ID
    number, unique here). Not a valid import: a bound on what any import can reach."""
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from gonghui.members.models import Member

    union_id = _import_union().pk
    columns = _data.member_columns()
    sqlite = connection.vendor == "sqlite"
    now = timezone.now()
    stamp = now.replace(tzinfo=None).isoformat(" ") if sqlite else now
    today = timezone.localdate()
    birth = "1980-01-01" if sqlite else today.replace(year=1980, month=1, day=1)

    # Calamine alone, as a reference for the read share (the file is in the page cache for
    # both passes, as it is for the timed methods).
    began = time.perf_counter()
    n = sum(1 for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    read_only = time.perf_counter() - began
    if n != count + 1:
        raise AssertionError(f"calamine read {n} rows, expected {count} + header")

    order = {
        "union_id": None,
        "name": 0,
        "id_cipher": None,
        "id_hash": 1,
        "id_masked": 1,
        "sex": None,
        "birth_date": None,
        "home_region_code": None,
        "phone_cipher": None,
        "phone_hash": 2,
        "phone_masked": 2,
        "employment_form": 3,
        "occupation": 4,
        "join_date": 5,
    }
    missing = set(order) - set(columns)
    if missing:
        raise RuntimeError(f"member table lacks columns {missing}")
    constants: dict[str, Any] = {
        "union_id": union_id,
        "sex": "male",
        "birth_date": birth,
        "home_region_code": "330502",
        "created_at": stamp,
        "updated_at": stamp,
    }
    constants.update(_data.column_defaults(columns, [*order, *constants]))
    # One tuple per row straight from the cells: which cell (or constant) fills each column.
    layout = [(order.get(c), constants.get(c)) for c in columns]
    cell_of = [i for i, _ in layout]
    const_of = [v for _, v in layout]
    id_cipher_at = columns.index("id_cipher")
    join_at = columns.index("join_date")

    def tuples() -> Any:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()
        next(rows)  # the header
        for cells in rows:
            row = [cells[i] if i is not None else v for i, v in zip(cell_of, const_of, strict=True)]
            row[id_cipher_at] = str(cells[1]).encode()
            if row[join_at] == "":
                row[join_at] = today
            yield row

    began = time.perf_counter()
    with transaction.atomic():
        _data.bulk_insert(Member._meta.db_table, columns, tuples(), convert=False)
    seconds = time.perf_counter() - began
    _check_stored(existing, count)
    return {
        "method": "floor",
        "rows": count,
        "existing": existing,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds),
        "calamine_read_seconds": round(read_only, 2),
        "calamine_rows_per_s": round(count / read_only),
        "peak_rss_mb": peak_rss_mb(),
    }
