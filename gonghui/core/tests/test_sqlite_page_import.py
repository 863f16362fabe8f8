"""The page's import path on a SQLite file database: the task worker in its own process
commits while another process polls the progress, as a browser does, six rosters in a row.

The suite's own database is in memory (or PostgreSQL), where this fault cannot show: the
test builds a file database and runs every part in a process of its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core.pii import id_number_compose

ROSTERS = 6
ROWS = 20_000
LIMIT = 600.0  # seconds a single job may take before the driver gives up: generous


def _env(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var),
        "GONGHUI_TESTING": "0",
        "DATABASE_URL": f"sqlite:///{var / 'page.sqlite3'}",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "GONGHUI_HTTPS": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _roster(path: Path, first: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("姓名,身份证号,入会日期\n")
        for n in range(first, first + ROWS):
            born = date(1970, 1, 1) + timedelta(days=n % 10_000)
            name = (
                "职工" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "子丑寅卯辰巳午未申酉戌亥"[n // 10 % 12]
            )
            fh.write(f"{name},{id_number_compose('330502', born, n // 10_000)},2023-06-01\n")


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a SQLite file database; runs in the SQLite pass"
)
def test_page_import_commits_ten_rosters_while_progress_is_polled(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = _env(var)
    _run(["gonghui.manage", "migrate", "-v", "0"], env)
    _run(["gonghui.testing.page_import", "setup"], env)
    rosters = []
    for k in range(ROSTERS):
        path = tmp_path / f"roster-{k}.csv"
        _roster(path, k * ROWS)
        rosters.append(str(path))
    stop = tmp_path / "stop"
    worker_log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "gonghui.manage", "db_worker", "--interval", "0.2", "--no-reload"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    poller = subprocess.Popen(
        [sys.executable, "-m", "gonghui.testing.page_import", "poll", str(stop)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        driven = _run(["gonghui.testing.page_import", "drive", str(LIMIT), *rosters], env)
    finally:
        stop.touch()
        polled_out, _ = poller.communicate(timeout=120)
        worker.terminate()
        worker.wait(timeout=60)
        worker_log.close()
    outcomes = json.loads(driven.stdout.strip().splitlines()[-1])["outcomes"]
    polled = json.loads(polled_out.strip().splitlines()[-1])
    log = (tmp_path / "worker.log").read_text()
    assert "database is locked" not in log
    assert [o["commit"] for o in outcomes] == ["done"] * ROSTERS, outcomes
    assert [o["created"] for o in outcomes] == [ROWS] * ROSTERS
    assert set(polled["statuses"]) == {"200"}, polled
    assert polled["polls_during_commit"] > 0
    with sqlite3.connect(var / "page.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM members_member").fetchone() == (ROSTERS * ROWS,)
