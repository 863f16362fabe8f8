"""A task worker killed with SIGKILL in the middle of a job: the job does not stay
"running" for ever. Its heartbeat stops, the page polling it sees it fail with a reason,
the task queue's row is failed with it, and 重新运行 runs it to the end on a new worker.

Runs in processes of its own against a SQLite file database (as a deployment does); the
suite's own database is in memory or inside a transaction, where a killed worker cannot
be shown. The waits are bounded and generous: nothing here measures time.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core.pii import id_number_compose

ROWS = 60_000
LIMIT = 300.0


def _env(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var),
        "GONGHUI_TESTING": "0",
        "DATABASE_URL": f"sqlite:///{var / 'worker.sqlite3'}",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "GONGHUI_HTTPS": "0",
        "GONGHUI_JOB_HEARTBEAT_SECONDS": "1",
        "GONGHUI_JOB_STALE_SECONDS": "4",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=LIMIT + 60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gonghui.manage", "db_worker", "--interval", "0.2", "--no-reload"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _roster(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("姓名,身份证号,入会日期\n")
        for n in range(ROWS):
            born = date(1970, 1, 1) + timedelta(days=n % 10_000)
            name = (
                "职工" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "子丑寅卯辰巳午未申酉戌亥"[n // 10 % 12]
            )
            fh.write(f"{name},{id_number_compose('330502', born, n // 10_000)},2023-06-01\n")


def _progress_seen(var: Path, job_id: int) -> bool:
    """The running job's published figures show rows handled (it is mid-way)."""
    try:
        figures = json.loads((var / "jobs" / f"{job_id}.json").read_text())
    except (FileNotFoundError, ValueError):
        return False
    return figures["done"] > 0


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a SQLite file database; runs in the SQLite pass"
)
def test_a_job_whose_worker_was_killed_fails_and_runs_again(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = _env(var)
    _run(["gonghui.manage", "migrate", "-v", "0"], env)
    _run(["gonghui.testing.page_import", "setup"], env)
    roster = tmp_path / "roster.csv"
    _roster(roster)
    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        job = _run(["gonghui.testing.page_import", "upload", str(roster)], env)["job"]
        deadline = time.monotonic() + LIMIT
        while not _progress_seen(var, job) and time.monotonic() < deadline:
            assert first.poll() is None, log.read_text()[-2000:]
            time.sleep(0.05)
        assert _progress_seen(var, job), "the job never got under way"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)

    lost = _run(["gonghui.testing.page_import", "wait", str(job), str(LIMIT)], env)
    assert lost["state"] == "failed"
    assert "后台进程已中断" in lost["reason"]
    with sqlite3.connect(var / "worker.sqlite3") as db:
        statuses = db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
    assert statuses == [("FAILED",)]

    again = _run(["gonghui.testing.page_import", "retry", str(job)], env)["job"]
    second = _worker(env, log)
    try:
        done = _run(["gonghui.testing.page_import", "wait", str(again), str(LIMIT)], env)
    finally:
        second.terminate()
        second.wait(timeout=60)
    assert done["state"] == "done", log.read_text()[-3000:]
    assert done["result"]["valid"] == ROWS, done["result"]
