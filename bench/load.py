"""Load benchmark: 20 staff users for 60 s against gunicorn, on PostgreSQL and on SQLite.

    python -m bench.load [--users 20] [--seconds 60] [--backends postgresql,sqlite]
                         [--scale small] [--output FILE]

For each database, a fresh instance (PostgreSQL on a throw-away server, as `make test` starts
one; SQLite in a temporary folder, configured as `config/settings.py` configures it) is
migrated and given the demo data (`demo-setup --scale small`), then served by gunicorn (4
workers, the task worker beside it) with DEBUG off. locust (headless) signs its users in as
the demo's staff and has them read the dashboard, the roster, the dispatch table, the claims
list and two API routes. It reports requests per second, p50/p95/p99 and errors per page and
in total, prints the two databases side by side and writes ``bench/results/load.json``.
Target (README): p95 ≤ 200 ms with 0 errors on PostgreSQL. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import pg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _env(var: Path, url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var),
        "DATABASE_URL": url,
        "GONGHUI_HTTPS": "0",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GONGHUI_REPORTS_TODAY": "2023-07-01",
        "GONGHUI_API_CALLS_PER_MINUTE": "100000",
    }
    env.pop("GONGHUI_TESTING", None)
    return env


def _gonghui(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        subprocess.run(
            [sys.executable, "-m", "gonghui.manage", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )


@contextlib.contextmanager
def _served(env: dict[str, str], work: Path) -> Iterator[str]:
    port = pg.free_port()
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "4",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "gonghui.manage", "db_worker", "--interval", "1", "--no-reload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            time.sleep(0.5)
        yield base
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
        log.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def _figures(samples: list[tuple[str, float, bool]], seconds: int) -> dict[str, Any]:
    times = [t for _, t, _ in samples]
    return {
        "requests": len(samples),
        "failures": sum(1 for _, _, ok in samples if not ok),
        "rps": round(len(samples) / seconds, 1),
        "p50_ms": _percentile(times, 0.50),
        "p95_ms": _percentile(times, 0.95),
        "p99_ms": _percentile(times, 0.99),
    }


def _locust(base: str, logins: Path, users: int, seconds: int, work: Path) -> dict[str, Any]:
    out = work / "samples.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "_locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "-H",
            base,
            "--only-summary",
        ],
        env={**os.environ, "LOAD_LOGINS": str(logins), "LOAD_OUT": str(out)},
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    samples: list[tuple[str, float, bool]] = [
        (str(n), float(t), bool(ok)) for n, t, ok in json.loads(out.read_text())
    ]
    pages = sorted({name for name, _, _ in samples})
    return {
        "total": _figures(samples, seconds),
        "pages": {name: _figures([s for s in samples if s[0] == name], seconds) for name in pages},
    }


def run_backend(backend: str, users: int, seconds: int, scale: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"gonghui-load-{backend}.") as tmp:
        work = Path(tmp)
        var = work / "var"
        with contextlib.ExitStack() as stack:
            if backend == "postgresql":
                url = stack.enter_context(pg.postgres_server(database="gonghui_load"))
            else:
                url = f"sqlite:///{var / 'gonghui.sqlite3'}"
            env = _env(var, url)
            setup_log = work / "setup.log"
            started = time.monotonic()
            _gonghui(["migrate", "--noinput", "-v", "0"], env, setup_log)
            # As `make demo` sets it up (DEBUG for the setup only); served with DEBUG off.
            _gonghui(["demo-setup", "--scale", scale], {**env, "DEBUG": "1"}, setup_log)
            _gonghui(["collectstatic", "--noinput", "-v", "0"], env, setup_log)
            print(f"  {backend}: demo ready in {time.monotonic() - started:.0f} s", flush=True)
            with _served(env, work) as base:
                result = _locust(base, var / "demo-logins.json", users, seconds, work)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--output", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    for backend in args.backends.split(","):
        print(f"load: {backend}, {args.users} users, {args.seconds} s …", flush=True)
        results[backend] = run_backend(backend, args.users, args.seconds, args.scale)
    names = sorted({n for r in results.values() for n in r["pages"]})
    backends = list(results)
    print(f"\n{'page':<14}" + "".join(f"{b:>34}" for b in backends))
    print(f"{'':<14}" + "".join(f"{'req/s  p50   p95   p99  err':>34}" for _ in backends))
    for name in [*names, "全部页面"]:
        cells = []
        for b in backends:
            f = results[b]["total"] if name == "全部页面" else results[b]["pages"].get(name)
            cells.append(
                f"{f['rps']:>9} {f['p50_ms']:>5.0f} {f['p95_ms']:>5.0f} {f['p99_ms']:>5.0f} "
                f"{f['failures']:>4}"
                if f
                else f"{'—':>34}"
            )
        print(f"{name:<14}" + "".join(f"{c:>34}" for c in cells))
    if "postgresql" in results and "sqlite" in results:
        p95 = results["postgresql"]["total"]["p95_ms"], results["sqlite"]["total"]["p95_ms"]
        print(f"\np95 SQLite / PostgreSQL: {p95[1] / max(p95[0], 1):.2f}×")
    if "postgresql" in results:
        total = results["postgresql"]["total"]
        met = total["p95_ms"] <= 200 and total["failures"] == 0
        print(f"target on PostgreSQL (p95 ≤ 200 ms, 0 errors): {'met' if met else 'NOT met'}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {"users": args.users, "seconds": args.seconds, "results": results},
            ensure_ascii=False,
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
