"""Imports through the background writer (a second connection in its own thread).

The suite's own transactions are invisible to a second connection, so these tests commit
for real (transactional) and switch the writer on. On PostgreSQL they run through it in
process; SQLite's in-memory test database cannot be shared, so there the writer is run in a
subprocess against a file database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings as django_settings
from django.db import connection

from gonghui.conftest import build_world
from gonghui.core.actors import SystemActor
from gonghui.core.bulk import background_writer_available
from gonghui.core.pii import id_number_compose
from gonghui.members.models import Member
from gonghui.members.services import member_import


def roster(path: Path, rows: int, bad: bool = False, first: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "所属工会"])
    for n in range(rows):
        sheet.write_row(
            1 + n,
            0,
            [
                "职工" + "甲乙丙丁戊己庚辛壬癸"[n % 10] * 2,
                id_number_compose("330502", date(1990, 1, 1), first + n),
                "3305020010001",
            ],
        )
    if bad:
        sheet.write_row(1 + rows, 0, ["坏", "1", "3305020010001"])
    book.close()
    return path


@pytest.mark.django_db(transaction=True)
def test_writer_commits_every_row_or_none(settings, tmp_path: Path) -> None:
    settings.TESTING = False
    settings.GONGHUI_IMPORT_WRITER_THREAD = True
    assert background_writer_available() == (connection.vendor == "postgresql")
    world = build_world()
    good = member_import(
        actor=SystemActor(world.yuehe),
        union=world.yuehe,
        path=roster(tmp_path / "a.xlsx", 50),
        dry_run=False,
    )
    assert (good.committed, good.created, Member.objects.count()) == (True, 50, 50)
    bad = member_import(
        actor=SystemActor(world.yuehe),
        union=world.yuehe,
        path=roster(tmp_path / "b.xlsx", 30, bad=True, first=100),
        dry_run=False,
    )
    assert (bad.committed, bad.created, Member.objects.count()) == (False, 0, 50)
    again = member_import(
        actor=SystemActor(world.yuehe), union=world.yuehe, path=tmp_path / "a.xlsx", dry_run=False
    )
    assert (again.created, again.unchanged) == (0, 50)


def gonghui(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gonghui.manage", *args],
        env=env,
        text=True,
        capture_output=True,
        cwd=django_settings.BASE_DIR,
    )


def test_writer_on_a_sqlite_file(tmp_path: Path) -> None:
    var = tmp_path / "var"
    db = var / "w.sqlite3"
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var),
        "GONGHUI_TESTING": "0",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert gonghui(["migrate", "-v", "0"], env).returncode == 0
    assert (
        gonghui(
            [
                "shell",
                "-c",
                "from gonghui.orgs.models import Union; "
                "c = Union.objects.add_root({'code': '3305', 'name': '湖州市总工会', 'level': 'city'}); "
                "t = Union.objects.add_child(c, {'code': '330502001', 'name': '月河街道工会', 'level': 'township'}); "
                "Union.objects.add_child(t, {'code': '3305020010001', 'name': '德马工会', 'level': 'grassroots'})",
            ],
            env,
        ).returncode
        == 0
    )
    ok = gonghui(
        ["import", "members", str(roster(tmp_path / "a.xlsx", 40)), "--union", "330502001"], env
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = gonghui(
        [
            "import",
            "members",
            str(roster(tmp_path / "b.xlsx", 20, bad=True, first=100)),
            "--union",
            "330502001",
        ],
        env,
    )
    assert failed.returncode == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM members_member").fetchone() == (40,)
