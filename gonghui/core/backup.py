"""Backup and restore: a consistent copy of the database and the kept files, with a manifest
that a restore checks before and after.

``backup_write(DIR)`` writes the database (pg_dump's custom format on PostgreSQL, SQLite's
online backup API on SQLite), the uploaded and private files, and ``manifest.json``: the
row count of every table (taken in the same snapshot as the dump), a SHA-256 of every file,
and fingerprints of the keys (the index key and each data key its tokens use). The keys
themselves are never written: without them a restored database cannot decrypt its personal
data, so they are kept apart (README, "Backup and restore").

``backup_restore(DIR)`` refuses a directory whose files do not match its manifest, a
database that is not empty and a configuration that lacks a key the backup uses; restores;
and compares
every table's count with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.keys import keys_in_use

MANIFEST = "manifest.json"
FORMAT = 2
# Format 1 named one data key by its fingerprint; format 2 names every key its tokens use.
FORMATS_READ = (1, 2)
KEYS_NOTE = (
    "备份中不含密钥。请把密钥文件（默认 ~/.config/gonghui/keys.json，或环境变量中的 SECRET_KEY、"
    "GONGHUI_DATA_KEYS、GONGHUI_INDEX_KEY）另行保管在备份介质之外；没有备份所用的密钥，"
    "恢复后的个人信息无法解密。"
)


class BackupError(Exception):
    """A backup or restore refused, with a Chinese reason."""


def _fingerprint(value: str) -> str:
    return hashlib.sha256(b"gonghui-key-fingerprint:" + value.encode()).hexdigest()[:16]


def key_fingerprints(used: Iterable[str] | None = None) -> dict[str, Any]:
    """Which keys a database was encrypted with, without revealing them: the index key and
    the data keys (those named in ``used``, else the whole ring) by id."""
    ring = dict(settings.GONGHUI_DATA_KEYS)
    wanted = ring if used is None else [k for k in used if k in ring]
    return {
        "data": {key_id: _fingerprint(ring[key_id]) for key_id in wanted},
        "index": _fingerprint(settings.GONGHUI_INDEX_KEY),
    }


def _keys_missing(recorded: dict[str, Any]) -> str | None:
    """Why this configuration cannot read a backup made with ``recorded`` keys, or None."""
    now = key_fingerprints()
    if recorded.get("index") != now["index"]:
        return "当前的索引密钥（GONGHUI_INDEX_KEY）与备份时不同"
    data = recorded.get("data")
    if isinstance(data, str):  # format 1: one key, whatever its id now
        return None if data in now["data"].values() else "当前的数据密钥中没有备份时所用的密钥"
    missing = [k for k, fp in (data or {}).items() if now["data"].get(k) != fp]
    if missing:
        return f"当前的数据密钥中缺少备份所用的密钥 {'、'.join(missing)}（或同名密钥内容不同）"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.GONGHUI_PRIVATE_ROOT)}


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if not t.startswith("sqlite_"))


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
    return int(cursor.fetchone()[0])


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-d", str(db["NAME"])]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-500:]}")


def backup_write(target: Path, *, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Write a backup into ``target`` (created, and empty); returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空的，请指定一个新目录。")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = connection.vendor
    counts: dict[str, int] = {}
    if vendor == "postgresql":
        database = target / "database.dump"
        args, env = _pg_args()
        # The counts and the dump read one snapshot: exported here, held open while
        # pg_dump runs with it.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {t: _count(cursor, t) for t in _tables()}
            used = keys_in_use()
            _run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(database),
                    *args,
                ],
                env,
            )
    elif vendor == "sqlite":
        database = target / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(database)
        try:
            source.backup(copy)
            tables = copy.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            for (table,) in tables:
                counts[table] = int(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
        finally:
            copy.close()
        # Read just after the copy: only a rotation running at this moment could differ.
        used = keys_in_use()
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    os.chmod(database, 0o600)
    for name, root in _roots().items():
        if root.is_dir():
            shutil.copytree(root, target / "files" / name)
    files = {
        str(p.relative_to(target)): _sha256(p)
        for p in sorted(target.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "database": database.name,
        "counts": counts,
        "files": files,
        "keys": key_fingerprints(used),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.chmod(target / MANIFEST, 0o600)
    say(
        f"已备份到 {target}：{len(counts)} 张表，{sum(counts.values())} 行，"
        f"{len(files) - 1} 个文件。"
    )
    say(KEYS_NOTE)
    return manifest


def _manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (FileNotFoundError, ValueError) as exc:
        raise BackupError(f"{source} 中没有可读的备份清单（{MANIFEST}）。") from exc
    if manifest.get("format") not in FORMATS_READ:
        raise BackupError("备份清单的格式不受支持。")
    listed = manifest.get("files", {})
    present = {
        str(p.relative_to(source)) for p in source.rglob("*") if p.is_file() and p.name != MANIFEST
    }
    if set(listed) != present:
        raise BackupError("备份目录中的文件与清单不符（有文件缺失或多出），已拒绝恢复。")
    for name, digest in listed.items():
        if _sha256(source / name) != digest:
            raise BackupError(
                f"文件 {name} 的校验值与清单不符，备份可能已损坏或被改动，已拒绝恢复。"
            )
    return manifest


def backup_restore(source: Path, *, say: Callable[[str], None] = print) -> dict[str, int]:
    """Restore ``source`` into this (empty) database and the (empty) file roots; returns
    the restored counts, which equal the manifest's or BackupError says which differ."""
    manifest = _manifest(source)
    vendor = connection.vendor
    if manifest["engine"] != vendor:
        raise BackupError(f"这是 {manifest['engine']} 的备份，不能恢复到 {vendor}。")
    problem = _keys_missing(manifest["keys"])
    if problem is not None:
        raise BackupError(f"{problem}：恢复后个人信息将无法解密。请先配置备份时所用的密钥。")
    if _tables():
        raise BackupError("目标数据库不是空的：请恢复到一个新建的空数据库。")
    for name, root in _roots().items():
        if (source / "files" / name).is_dir() and root.is_dir() and any(root.iterdir()):
            raise BackupError(f"目标文件目录 {root} 不是空的，请清空或换一个目录后再恢复。")
    database = source / manifest["database"]
    if vendor == "postgresql":
        args, env = _pg_args()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(database),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        backup = sqlite3.connect(database)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    for name, root in _roots().items():
        if (source / "files" / name).is_dir():
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copytree(source / "files" / name, root, dirs_exist_ok=True)
    connection.close()  # the restored schema, read afresh
    with connection.cursor() as cursor:
        restored = {t: _count(cursor, t) for t in _tables()}
    expected = manifest["counts"]
    differ = sorted(t for t in set(expected) | set(restored) if expected.get(t) != restored.get(t))
    if differ:
        raise BackupError(
            "恢复后的行数与清单不符："
            + "、".join(f"{t}（清单 {expected.get(t)}，实际 {restored.get(t)}）" for t in differ)
        )
    say(f"已从 {source} 恢复：{len(restored)} 张表，{sum(restored.values())} 行，行数与清单一致。")
    return restored
