"""Benchmark: the nearest open sites to a point among 10^4 sites, SQLite and PostgreSQL.

    python -m bench.nearest [--sites N] [--queries Q] [--output FILE]

For each database (a temporary SQLite file, and a throw-away PostgreSQL server as `make
test` starts one), a child process migrates a fresh database, makes one township and N
sites scattered over the city's box (a tenth closed, a twentieth suspended), then asks Q
random points inside the city for their 5 nearest open stations, timing each call of
``gonghui.sites.selectors.sites_nearest`` (the box on the position index, then haversine),
and checks every answer against a brute-force ranking of all sites. It prints the median,
p95 and worst milliseconds per database side by side. Results: ``bench/results/nearest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
RESULT_TAG = "BENCH-RESULT "
SEED = 20230630
TARGET_MS = 10.0  # p95 per call


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def worker(sites: int, queries: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.orgs.models import Union
    from gonghui.sites.geo import city_box, haversine_m
    from gonghui.sites.models import Site, SiteKind
    from gonghui.sites.selectors import sites_nearest

    call_command("migrate", verbosity=0)
    city = Union.objects.add_root(
        {"code": "3305", "name": "湖州市总工会", "level": Union.Level.CITY}
    )
    township = Union.objects.add_child(
        city, {"code": "330502001", "name": "月河街道工会", "level": Union.Level.TOWNSHIP}
    )
    box = city_box()
    rng = random.Random(SEED)
    rows = []
    for n in range(sites):
        lng, lat = rng.uniform(box.west, box.east), rng.uniform(box.south, box.north)
        rows.append(
            Site(
                code=f"B{n:06d}",
                name=f"站点{n}",
                kind=SiteKind.OUTDOOR_STATION if n % 3 else SiteKind.WORKERS_HOME,
                union=township,
                lng=round(lng, 6),
                lat=round(lat, 6),
                gcj_lng=lng,
                gcj_lat=lat,
                opened_on=date(2022, 1, 1),
                closed_on=date(2023, 1, 1) if n % 10 == 0 else None,
                suspended=n % 20 == 1,
            )
        )
    Site.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = date.today() + timedelta(days=1)
    open_ = [
        s
        for s in rows
        if s.kind == SiteKind.OUTDOOR_STATION and not s.suspended and s.closed_on is None
    ]
    timings, exact = [], 0
    for _ in range(queries):
        lng, lat = rng.uniform(box.west, box.east), rng.uniform(box.south, box.north)
        began = time.perf_counter()
        found = sites_nearest(lng=lng, lat=lat, kind=SiteKind.OUTDOOR_STATION, limit=5, day=today)
        timings.append((time.perf_counter() - began) * 1000)
        brute = sorted(open_, key=lambda s: (haversine_m(lng, lat, s.gcj_lng, s.gcj_lat), s.code))
        exact += [n.code for n in found] == [s.code for s in brute[:5]]
    timings.sort()
    return {
        "backend": connection.vendor,
        "sites": sites,
        "queries": queries,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "worst_ms": round(timings[-1], 2),
        "exact": exact,
    }


def run_child(env: dict[str, str], sites: int, queries: int) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.nearest",
            "--worker",
            "--sites",
            str(sites),
            "--queries",
            str(queries),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"benchmark worker failed (exit {done.returncode})\n{done.stdout[-3000:]}")
    return dict(json.loads(lines[-1][len(RESULT_TAG) :]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--output", type=Path, default=RESULTS / "nearest.json")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(RESULT_TAG + json.dumps(worker(args.sites, args.queries)))
        return 0
    from bench import pg

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DEBUG": "0"}
        log(f"SQLite: {args.sites} sites, {args.queries} queries")
        results.append(run_child(env, args.sites, args.queries))
    with pg.postgres_server() as url:
        log(f"PostgreSQL: {args.sites} sites, {args.queries} queries")
        results.append(
            run_child({**os.environ, "DATABASE_URL": url, "DEBUG": "0"}, args.sites, args.queries)
        )
    print()
    print(
        f"最近站点查询基准（{args.sites} 个站点，{args.queries} 次随机查询，取 5 个最近的开放站点）"
    )
    print(f"{'':<12}{'中位数 ms':>12}{'p95 ms':>10}{'最慢 ms':>10}{'与穷举一致':>12}")
    for r in results:
        print(
            f"{r['backend']:<12}{r['median_ms']:>12}{r['p95_ms']:>10}{r['worst_ms']:>10}"
            f"{r['exact']:>8}/{r['queries']}"
        )
    print(
        f"目标：p95 ≤ {TARGET_MS} ms；"
        + ("均达到" if all(r["p95_ms"] <= TARGET_MS for r in results) else "未全部达到")
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["exact"] == r["queries"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
