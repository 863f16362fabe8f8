"""Benchmark: import a generated member roster into a table already holding as many members.

    python -m bench.import_members [--rows N] [--compare-rows M] [--backends postgresql,sqlite]

For each database (PostgreSQL on a throw-away server this starts, as `make test` does; and
SQLite), in one run:

1. gonghui's import (``member_import``) of an N-row workbook of new people into a table of
   N existing members, end to end: rows/s and the peak RSS of the process doing it;
2. on the same M-row file, each into a fresh copy of a table of M existing members:
   gonghui again; django-import-export 4.x in its fastest configuration (insert-only) and in
   the one with gonghui's semantics (finds and updates existing members); and the floor,
   calamine read + raw unvalidated rows written by COPY / one-transaction executemany.

Every measurement runs in its own child process (Django reads its settings once per
process, and the peak RSS of the gonghui import must not include the data generation or
import-export). Results: ``bench/results/import.json`` (the shape the issue asks for) and
``bench/results/import_detail.json`` (every measurement, the machine, the versions).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import _data, pg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
RESULT_TAG = "BENCH-RESULT "
BACKENDS = ("postgresql", "sqlite")
METHODS = ("gonghui", "gonghui_without_facts", "import_export_fast", "import_export_dedup", "floor")
PACKAGES = (
    "django",
    "django-import-export",
    "tablib",
    "openpyxl",
    "python-calamine",
    "psycopg",
    "xlsxwriter",
)
DEFAULT_MAX_ROWS = 1_100_000  # settings.GONGHUI_IMPORT_MAX_ROWS's default


class BenchFailed(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- databases --------------------------------------------------------------------------------


class SqliteDatabases:
    name = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, db: str) -> Path:
        return self.directory / f"{db}.sqlite3"

    def url(self, db: str) -> str:
        return f"sqlite:///{self._path(db)}"

    def create(self, db: str) -> str:
        self.drop(db)
        return self.url(db)

    def clone(self, source: str, db: str) -> str:
        self.drop(db)
        # The setup worker checkpointed the WAL and closed: the main file is the database.
        shutil.copyfile(self._path(source), self._path(db))
        return self.url(db)

    def drop(self, db: str) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self._path(db)}{suffix}").unlink(missing_ok=True)

    def version(self) -> str:
        return sqlite3.sqlite_version


class PostgresDatabases:
    name = "postgresql"

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url

    def url(self, db: str) -> str:
        return pg.with_database(self.server_url, db)

    def create(self, db: str) -> str:
        pg.drop_database(self.server_url, db)
        return pg.create_database(self.server_url, db)

    def clone(self, source: str, db: str) -> str:
        pg.drop_database(self.server_url, db)
        return pg.create_database(self.server_url, db, template=source)

    def drop(self, db: str) -> None:
        pg.drop_database(self.server_url, db)

    def version(self) -> str:
        return pg.server_version(self.server_url).split()[0]


Databases = SqliteDatabases | PostgresDatabases


# -- workers ------------------------------------------------------------------------------------


def run_worker(task: str, url: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run one task in a child process against ``url``; returns the JSON it printed."""
    command = [sys.executable, "-m", "bench.import_members", "--worker", task, *args]
    began = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env={**env, "DATABASE_URL": url}, stdout=subprocess.PIPE, text=True
    )
    results = [
        json.loads(line[len(RESULT_TAG) :])
        for line in done.stdout.splitlines()
        if line.startswith(RESULT_TAG)
    ]
    if done.returncode != 0 or not results:
        tail = "\n".join(done.stdout.splitlines()[-20:])
        raise BenchFailed(f"worker `{task}` failed (exit {done.returncode}); output:\n{tail}")
    result = results[-1]
    result["wall_s"] = round(time.perf_counter() - began, 1)
    return result


def worker_main(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench import _methods

    path = Path(args.file) if args.file else None
    if args.worker == "setup":
        result = _data.prefill(args.existing, args.seed)
    elif args.worker == "gonghui_without_facts":
        from gonghui.core.indicators.facts import triggers_remove

        assert path is not None
        triggers_remove()
        result = _methods.run_gonghui(path, args.count, args.existing)
        result["method"] = args.worker
    elif args.worker == "gonghui":
        assert path is not None
        profile = Path(args.profile_to) if args.profile_to else None
        result = _methods.run_gonghui(path, args.count, args.existing, profile_to=profile)
    elif args.worker in ("import_export_fast", "import_export_dedup"):
        assert path is not None
        config = args.worker.removeprefix("import_export_")
        result = _methods.run_import_export(path, args.count, args.existing, config=config)
    elif args.worker == "floor":
        assert path is not None
        result = _methods.run_floor(path, args.count, args.existing)
    else:
        raise SystemExit(f"unknown worker task {args.worker}")
    print(RESULT_TAG + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


# -- one backend --------------------------------------------------------------------------------


def bench_backend(
    dbs: Databases, env: dict[str, str], args: argparse.Namespace, files: dict[int, Path]
) -> dict[str, Any]:
    n, m, seed = args.rows, args.compare_rows, str(args.seed)
    out: dict[str, Any] = {"backend": dbs.name, "version": dbs.version()}

    log(f"{dbs.name}: migrating and pre-filling {n:,} existing members")
    out["setup"] = run_worker(
        "setup", dbs.create("main"), env, "--existing", str(n), "--seed", seed
    )
    log(f"{dbs.name}: pre-filled in {out['setup']['prefill_s']} s")
    if m == n:
        dbs.clone("main", "compare")
    if args.floor_at_rows:
        dbs.clone("main", "main_floor")

    log(f"{dbs.name}: gonghui import of {n:,} rows into {n:,} members")
    main_args = ("--file", str(files[n]), "--count", str(n), "--existing", str(n))
    out["gonghui_main"] = run_worker("gonghui", dbs.url("main"), env, *main_args)
    dbs.drop("main")
    log(
        f"{dbs.name}: gonghui {out['gonghui_main']['rows_per_s']:,} rows/s, "
        f"peak RSS {out['gonghui_main']['peak_rss_mb']} MB"
    )
    if args.floor_at_rows:
        out["floor_main"] = run_worker("floor", dbs.url("main_floor"), env, *main_args)
        dbs.drop("main_floor")
        log(f"{dbs.name}: floor at {n:,} rows: {out['floor_main']['rows_per_s']:,} rows/s")

    if m != n:
        log(f"{dbs.name}: pre-filling {m:,} existing members for the comparison")
        out["setup_compare"] = run_worker(
            "setup", dbs.create("compare"), env, "--existing", str(m), "--seed", seed
        )
    compare_args = ("--file", str(files[m]), "--count", str(m), "--existing", str(m))
    out["compare"] = {}
    for method in METHODS:
        log(f"{dbs.name}: {method} on the {m:,}-row file")
        url = dbs.clone("compare", "run")
        out["compare"][method] = run_worker(method, url, env, *compare_args)
        dbs.drop("run")
        log(f"{dbs.name}: {method} {out['compare'][method]['rows_per_s']:,} rows/s")
    if args.profile:
        log(f"{dbs.name}: gonghui under cProfile on the {m:,}-row file")
        target = RESULTS / f"profile-{dbs.name}.txt"
        url = dbs.clone("compare", "run")
        out["profile"] = run_worker("gonghui", url, env, *compare_args, "--profile-to", str(target))
        dbs.drop("run")
    dbs.drop("compare")
    return out


# -- results ------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def summary(detail: dict[str, Any]) -> dict[str, Any]:
    """The object the issue asks for: gonghui at N rows, the comparisons at M rows."""
    gonghui = detail["gonghui_main"]["rows_per_s"]
    compare = detail["compare"]
    fast = compare["import_export_fast"]["rows_per_s"]
    dedup = compare["import_export_dedup"]["rows_per_s"]
    floor = compare["floor"]["rows_per_s"]
    return {
        "backend": detail["backend"],
        "rows": detail["gonghui_main"]["rows"],
        "gonghui_rows_per_s": gonghui,
        "import_export_fast_rows_per_s": fast,
        "import_export_dedup_rows_per_s": dedup,
        "floor_rows_per_s": floor,
        "ratio_vs_import_export_fast": ratio(gonghui, fast),
        "ratio_vs_import_export_dedup": ratio(gonghui, dedup),
        "floor_ratio": ratio(floor, gonghui),
        "peak_rss_mb": detail["gonghui_main"]["peak_rss_mb"],
        "facts_drain_s": compare["gonghui"]["facts_drain_s"],
        "facts_overhead_pct": facts_overhead(detail),
    }


def facts_overhead(detail: dict[str, Any]) -> float:
    """What keeping the indicator facts adds to the M-row import: the triggers inside it and
    the drain after it, against the same import without the triggers."""
    kept = detail["compare"]["gonghui"]
    bare = detail["compare"]["gonghui_without_facts"]
    return round(
        100 * (kept["seconds"] + kept["facts_drain_s"] - bare["seconds"]) / bare["seconds"], 1
    )


def same_file_ratios(detail: dict[str, Any]) -> dict[str, float]:
    c = {k: v["rows_per_s"] for k, v in detail["compare"].items()}
    return {
        "ratio_vs_import_export_fast": ratio(c["gonghui"], c["import_export_fast"]),
        "ratio_vs_import_export_dedup": ratio(c["gonghui"], c["import_export_dedup"]),
        "floor_ratio": ratio(c["floor"], c["gonghui"]),
    }


def source_version() -> dict[str, Any]:
    """The commit measured, and whether the code under test had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else ""

    # Porcelain lines are "XY path": the status letters may be spaces, so never strip them.
    changed = git("status", "--porcelain", "--", "gonghui", "config")
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip() or "unknown",
        "uncommitted_changes": sorted(line[3:] for line in changed.splitlines() if line),
    }


def machine() -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gb = round(int(kib) / 1024 / 1024, 1)
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {p: version(p) for p in PACKAGES},
    }


def print_table(details: list[dict[str, Any]], args: argparse.Namespace) -> None:
    n, m = args.rows, args.compare_rows
    names = [d["backend"] for d in details]
    width = 16

    def line(label: str, values: list[str]) -> None:
        print(f"{label:<46}" + "".join(f"{v:>{width}}" for v in values))

    def rate(entry: dict[str, Any]) -> str:
        return f"{entry['rows_per_s']:,}/s"

    print()
    line("", names)
    line("", [d["version"] for d in details])
    print(f"-- gonghui import, {n:,} rows into a table of {n:,} members")
    line("  gonghui rows/s", [rate(d["gonghui_main"]) for d in details])
    line("  gonghui seconds", [f"{d['gonghui_main']['seconds']:,.1f} s" for d in details])
    line(
        "  peak RSS of the importing process",
        [f"{d['gonghui_main']['peak_rss_mb']:,.0f} MB" for d in details],
    )
    if all("floor_main" in d for d in details):
        line(f"  floor rows/s at {n:,}", [rate(d["floor_main"]) for d in details])
        line(
            "  floor ÷ gonghui",
            [
                f"{ratio(d['floor_main']['rows_per_s'], d['gonghui_main']['rows_per_s']):.2f}"
                for d in details
            ],
        )
    print(f"-- the same {m:,}-row file, each into a fresh table of {m:,} members")
    labels = {
        "gonghui": "  gonghui",
        "gonghui_without_facts": "  gonghui without the facts' triggers",
        "import_export_fast": "  import-export fastest (insert-only)",
        "import_export_dedup": "  import-export with our semantics",
        "floor": "  floor (calamine + COPY / executemany)",
    }
    for method, label in labels.items():
        line(label, [rate(d["compare"][method]) for d in details])
    line(
        "  calamine read alone",
        [f"{d['compare']['floor']['calamine_rows_per_s']:,}/s" for d in details],
    )
    line(
        "  import-export's openpyxl read",
        [f"{d['compare']['import_export_fast']['read_seconds']:.1f} s" for d in details],
    )
    same = [same_file_ratios(d) for d in details]
    line(
        "  gonghui ÷ import-export fastest",
        [f"{s['ratio_vs_import_export_fast']:.2f}" for s in same],
    )
    line(
        "  gonghui ÷ import-export with our semantics",
        [f"{s['ratio_vs_import_export_dedup']:.2f}" for s in same],
    )
    line("  floor ÷ gonghui", [f"{s['floor_ratio']:.2f}" for s in same])
    line(
        "  peak RSS gonghui / ie fast / ie dedup (MB)",
        [
            "/".join(
                f"{d['compare'][k]['peak_rss_mb']:.0f}"
                for k in ("gonghui", "import_export_fast", "import_export_dedup")
            )
            for d in details
        ],
    )
    print(f"-- import.json (gonghui at {n:,} rows; import-export and floor at {m:,})")
    rows = [summary(d) for d in details]
    for key in (
        "ratio_vs_import_export_fast",
        "ratio_vs_import_export_dedup",
        "floor_ratio",
    ):
        line(f"  {key}", [f"{r[key]:.2f}" for r in rows])
    print("-- targets")
    for d, r, s in zip(details, rows, same, strict=True):
        b = d["backend"]
        floor_ok = r["floor_ratio"] <= 2 and s["floor_ratio"] <= 2
        print(
            f"  {b}: within 2x of the floor: {'met' if floor_ok else 'NOT met'} "
            f"(floor ÷ gonghui {r['floor_ratio']:.2f} in import.json, {s['floor_ratio']:.2f} on the same file)"
        )
        if b == "postgresql":
            ok = r["ratio_vs_import_export_fast"] >= 10 and s["ratio_vs_import_export_fast"] >= 10
            print(
                f"  {b}: at least 10x import-export's fastest: {'met' if ok else 'NOT met'} "
                f"({r['ratio_vs_import_export_fast']:.2f}x in import.json, "
                f"{s['ratio_vs_import_export_fast']:.2f}x on the same file)"
            )
        print(
            f"  {b}: keeping the indicator facts adds at most 15% to the import: "
            f"{'met' if r['facts_overhead_pct'] <= 15 else 'NOT met'} "
            f"({r['facts_overhead_pct']}%, of which the drain after it {r['facts_drain_s']} s)"
        )
        rss = r["peak_rss_mb"]
        at = "" if n >= 1_000_000 else f" (measured at {n:,} rows, not 10^6)"
        print(
            f"  {b}: peak memory under 1 GiB: {'met' if rss < 1024 else 'NOT met'} ({rss:.0f} MB){at}"
        )


# -- main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.import_members", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="rows imported, and members already stored (default 1,000,000)",
    )
    parser.add_argument(
        "--compare-rows",
        type=int,
        default=100_000,
        help="rows of the side-by-side comparison (default 100,000)",
    )
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help="comma-separated: postgresql,sqlite"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--cache-dir",
        default=os.environ.get(
            "GONGHUI_BENCH_CACHE", str(Path(tempfile.gettempdir()) / "gonghui-bench-cache")
        ),
        help="where generated workbooks are kept between runs",
    )
    parser.add_argument("--output", default=str(RESULTS / "import.json"))
    parser.add_argument(
        "--no-floor-at-rows",
        dest="floor_at_rows",
        action="store_false",
        help="skip the floor at N rows (it needs a copy of the N-member table)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run gonghui's import of the comparison file under cProfile; writes bench/results/profile-<backend>.txt",
    )
    # Internal: one measurement in a child process.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--existing", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.worker:
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        unknown = set(backends) - set(BACKENDS)
        if unknown or not backends:
            parser.error(f"--backends takes {', '.join(BACKENDS)}; got {args.backends!r}")
        args.backends = backends
        if args.rows < 1 or args.compare_rows < 1:
            parser.error("--rows and --compare-rows must be positive")
    return args


def ensure_workbooks(args: argparse.Namespace) -> dict[int, Path]:
    cache = Path(args.cache_dir)
    files = {}
    for count in sorted({args.rows, args.compare_rows}):
        path = _data.workbook_path(cache, _data.NEW_PEOPLE_FROM, count, args.seed)
        if path.exists():
            log(f"workbook of {count:,} rows: cached {path}")
        else:
            began = time.perf_counter()
            _data.write_workbook(path, _data.NEW_PEOPLE_FROM, count, args.seed)
            log(
                f"workbook of {count:,} rows written in {time.perf_counter() - began:.0f} s: {path}"
            )
        files[count] = path
    return files


@contextlib.contextmanager
def databases(backend: str, run_dir: Path) -> Iterator[Databases]:
    """Where one backend's databases live; PostgreSQL's server runs only for its backend."""
    if backend == "sqlite":
        directory = run_dir / "sqlite"
        directory.mkdir(exist_ok=True)
        yield SqliteDatabases(directory)
        return
    try:
        server = pg.postgres_server(database="postgres")
        url = server.__enter__()
    except pg.PostgresUnavailable as exc:
        raise BenchFailed(f"cannot start PostgreSQL, so no PostgreSQL results: {exc}") from exc
    try:
        yield PostgresDatabases(url)
    finally:
        server.__exit__(None, None, None)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    began = time.perf_counter()
    source = source_version()  # before the run: the code the workers import
    run_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GONGHUI_VAR_DIR": str(run_dir / "var"),
        # Keys for this run only; every worker of the run shares them (the pre-filled hashes
        # must match the import's).
        "SECRET_KEY": secrets.token_urlsafe(48),
        "GONGHUI_DATA_KEY": secrets.token_urlsafe(48),
        "GONGHUI_INDEX_KEY": secrets.token_urlsafe(48),
        "DEBUG": "0",
        "GONGHUI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    if args.rows > DEFAULT_MAX_ROWS and "GONGHUI_IMPORT_MAX_ROWS" not in os.environ:
        env["GONGHUI_IMPORT_MAX_ROWS"] = str(args.rows)
    details = []
    try:
        files = ensure_workbooks(args)
        for backend in args.backends:
            with databases(backend, run_dir) as dbs:
                details.append(bench_backend(dbs, env, args, files))
    except BenchFailed as exc:
        print(f"bench.import_members FAILED: {exc}", file=sys.stderr)
        return 3
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    total = time.perf_counter() - began
    rows = [summary(d) for d in details]
    # Other people commit while a long run goes on: say so if the code changed under it.
    source_after = source_version()
    if source_after != source:
        source["changed_during_run_to"] = source_after
        diff = subprocess.run(
            ["git", "diff", "--name-only", source["commit"], source_after["commit"]],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        source_after["files_changed"] = diff.stdout.split() + source_after["uncommitted_changes"]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    detail_path = output.with_name(output.stem + "_detail.json")
    detail_path.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(["python -m bench.import_members", *argv]),
                "rows": args.rows,
                "compare_rows": args.compare_rows,
                "seed": args.seed,
                "total_seconds": round(total),
                "source": source,
                "machine": machine(),
                "backends": [{**d, "same_file_ratios": same_file_ratios(d)} for d in details],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print_table(details, args)
    dirty = " (with uncommitted changes)" if source["uncommitted_changes"] else ""
    print(f"\ngonghui at commit {source['commit']}{dirty}")
    if "changed_during_run_to" in source:
        print(
            f"WARNING: the code changed during the run (now {source_after['commit']}; "
            f"files {', '.join(source_after['files_changed'])}): workers started after the "
            "change measured it; run again for a clean result if it touches the import"
        )
    print(f"wrote {output} and {detail_path.name}; whole run {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
