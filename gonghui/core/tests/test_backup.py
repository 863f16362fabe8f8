"""The restore drill: a small instance is backed up, restored into a fresh database on the
same engine (SQLite in the SQLite pass, PostgreSQL in the PostgreSQL pass), every table's
count matches, and members still decrypt with the same keys. A tampered backup, a database
that is not empty and other keys are refused.

Everything runs in processes of its own, as an operator runs the commands.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core.pii import id_number_compose

ROWS = 300
KEYS = {
    "SECRET_KEY": "backup-drill-secret-key-0123456789abcdef",
    "GONGHUI_DATA_KEY": "backup-drill-data-key",
    "GONGHUI_INDEX_KEY": "backup-drill-index-key",
}
CHECK = """
from gonghui.core import pii
from gonghui.members.models import Member
cipher, index = pii.column_cipher(Member.id_cipher), pii.id_indexer()
rows = list(Member.objects.values_list("id", "id_cipher", "id_hash"))
ok = sum(index.digest(cipher.decrypt(pk, c)) == h for pk, c, h in rows)
print(len(rows), ok)
"""


def _databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """URLs of a source and an empty target database on the suite's engine."""
    if connection.vendor == "sqlite":
        yield (
            f"sqlite:///{tmp_path / 'source.sqlite3'}",
            f"sqlite:///{tmp_path / 'target.sqlite3'}",
        )
        return
    import psycopg

    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
    names = ("gonghui_drill_source", "gonghui_drill_target")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
    try:
        yield (f"{server}/{names[0]}", f"{server}/{names[1]}")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _env(url: str, var: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **KEYS, "GONGHUI_VAR_DIR": str(var), "GONGHUI_TESTING": "0"}
    env.update(DATABASE_URL=url, **extra)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _gonghui(
    args: list[str], env: dict[str, str], ok: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "gonghui.manage", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _roster(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("姓名,身份证号,手机号码,入会日期\n")
        for n in range(ROWS):
            born = date(1975, 1, 1) + timedelta(days=n)
            fh.write(
                f"职工{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉戌亥'[n // 10 % 12]},"
                f"{id_number_compose('330502', born, 11)},139{n:08d},2023-06-01\n"
            )
    return path


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One instance and its backup for the module (the database is made in other
    processes, so the suite's own per-test database plays no part)."""
    tmp_path = tmp_path_factory.mktemp("drill")
    for source, target in _databases(tmp_path):
        source_env = _env(source, tmp_path / "source-var")
        _gonghui(["migrate", "-v", "0"], source_env)
        subprocess.run(
            [sys.executable, "-m", "gonghui.testing.page_import", "setup"],
            env=source_env,
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
        )
        _gonghui(
            ["import", "members", str(_roster(tmp_path / "roster.csv")), "--union", "330502001"],
            source_env,
        )
        attachment = Path(tmp_path / "source-var" / "private" / "claims" / "发票.pdf")
        attachment.parent.mkdir(parents=True)
        attachment.write_bytes(b"%PDF-1.4 drill")
        backup = tmp_path / "backup"
        out = _gonghui(["backup", "-o", str(backup)], source_env).stdout
        yield {
            "backup": backup,
            "out": out,
            "target": _env(target, tmp_path / "target-var"),
            "source": source_env,
        }


def test_a_backup_restores_into_a_fresh_database_with_every_count(drill) -> None:
    backup, target = drill["backup"], drill["target"]
    assert isinstance(backup, Path) and isinstance(target, dict)
    assert "不含密钥" in str(drill["out"])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["members_member"] == ROWS
    assert manifest["counts"]["core_auditevent"] >= 1
    assert not any("secrets" in name for name in manifest["files"])
    restored = _gonghui(["restore", str(backup)], target)
    assert "行数与清单一致" in restored.stdout
    members, decrypted = _gonghui(["shell", "-c", CHECK], target).stdout.splitlines()[-1].split()
    assert (int(members), int(decrypted)) == (ROWS, ROWS)
    copied = Path(target["GONGHUI_VAR_DIR"]) / "private" / "claims" / "发票.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 drill"


def test_a_tampered_backup_is_refused(drill, tmp_path: Path) -> None:
    target = drill["target"]
    assert isinstance(drill["backup"], Path) and isinstance(target, dict)
    backup = tmp_path / "tampered"
    shutil.copytree(drill["backup"], backup)
    (backup / "files" / "private" / "claims" / "发票.pdf").write_bytes(b"changed")
    refused = _gonghui(["restore", str(backup)], target, ok=False)
    assert refused.returncode != 0
    assert "校验值与清单不符" in refused.stderr


def test_restoring_over_a_database_that_is_not_empty_is_refused(drill) -> None:
    backup, source = drill["backup"], drill["source"]
    assert isinstance(source, dict)
    refused = _gonghui(["restore", str(backup)], source, ok=False)
    assert "目标数据库不是空的" in refused.stderr


def test_other_keys_are_refused_before_anything_is_written(drill) -> None:
    backup, target = drill["backup"], drill["target"]
    assert isinstance(target, dict)
    other = {**target, "GONGHUI_DATA_KEY": "another-key"}
    refused = _gonghui(["restore", str(backup)], other, ok=False)
    assert "缺少备份所用的密钥 k1" in refused.stderr
