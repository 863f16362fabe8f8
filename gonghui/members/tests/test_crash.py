"""An import killed with SIGKILL in the middle leaves the database as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from gonghui.core.pii import id_number_compose

ROWS = 400_000  # about ten seconds of importing: the kill lands well before the end


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gonghui.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )


def _done(progress: Path) -> int:
    """Rows the import says it has handled, from its last progress line."""
    counts = [p.split(" ")[0] for p in progress.read_text(encoding="utf-8").split("已处理 ")[1:]]
    return max((int(c) for c in counts if c.isdigit()), default=0)  # the last may be half-written


def test_kill_during_import_commits_nothing(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var),
        "GONGHUI_TESTING": "0",
        "DATABASE_URL": f"sqlite:///{var / 'crash.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run(["migrate", "-v", "0"], env)
    run(
        [
            "shell",
            "-c",
            "from gonghui.orgs.models import Union; "
            "Union.objects.add_root({'code': '3305', 'name': '湖州市总工会', 'level': 'township'})",
        ],
        env,
    )
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8") as fh:
        fh.write("姓名,身份证号,入会日期\n")
        for n in range(ROWS):
            # Every row valid and distinct, so only the transaction keeps rows out.
            born = date(1970, 1, 1) + timedelta(days=n % 10_000)
            fh.write(
                f"职工{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉戌亥'[n // 10 % 12]},"
                f"{id_number_compose('330502', born, n // 10_000)},2023-06-01\n"
            )
    progress = tmp_path / "progress.log"
    progress_out = progress.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gonghui.manage",
            "import",
            "members",
            str(roster),
            "--union",
            "3305",
            "--progress",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=progress_out,
    )
    # Kill once the import has handed a quarter of its rows to the writer, going by its own
    # progress rather than the clock: a busy machine only makes the wait longer. The limit
    # is for an import that hangs, not a slow one.
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline and worker.poll() is None and _done(progress) < ROWS // 4:
        time.sleep(0.05)
    assert worker.poll() is None, "the import finished (or stopped) before it could be killed"
    assert _done(progress) >= ROWS // 4, "the import never got a quarter of the way"
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    progress_out.close()
    with sqlite3.connect(var / "crash.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM members_member").fetchone() == (0,)
