"""Where gonghui's secrets come from: the environment, else the key file.

Read by ``config/settings.py`` before Django is set up, so this module imports nothing of
Django's. Production sets every secret in the environment; a development machine or the demo
keeps them in the key file, which is created on first use with mode 0600 in a 0700 folder.

The key file lives outside the project and its database folder by default
(``$XDG_CONFIG_HOME/gonghui/keys.json``, i.e. ``~/.config/gonghui/keys.json``): a copy of
``var/`` (the SQLite database, uploaded files, a backup) then carries no key that opens its
personal data. The file holds a keyring of data keys, the current one first, so that
``gonghui rotate-keys`` can add a key and re-encrypt while the older ones still read::

    {"SECRET_KEY": "…", "GONGHUI_INDEX_KEY": "…",
     "data_keys": [{"id": "k2", "key": "…", "created": "2026-12-03"},
                   {"id": "k1", "key": "…", "created": "2026-06-01"}]}

In the environment the keyring is ``GONGHUI_DATA_KEYS=k2:secret2,k1:secret1`` (current first)
or, for one key, ``GONGHUI_DATA_KEY`` (its id ``GONGHUI_DATA_KEY_ID``, ``k1`` by default).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# The secrets the file may hold besides the data keys.
FILE_SECRETS = ("SECRET_KEY", "GONGHUI_INDEX_KEY")


class KeyFileError(Exception):
    """The key file or the key variables cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Keys:
    secret_key: str
    index_key: str
    # (key id, secret) pairs, the current key first.
    data_keys: tuple[tuple[str, str], ...]
    # Whether the data keys came from the environment (rotate-keys cannot write them then).
    data_keys_from_env: bool
    # Whether all three came from the environment (the deployment check wants that).
    all_from_env: bool
    path: Path


def key_file_default() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "gonghui" / "keys.json"


def key_new() -> str:
    return secrets.token_urlsafe(48)


def key_id_next(existing: list[str]) -> str:
    """k1, k2, …: one more than the highest kN in use."""
    numbers = [int(k[1:]) for k in existing if re.fullmatch(r"k[0-9]+", k)]
    return f"k{max(numbers, default=0) + 1}"


def data_keys_parse(value: str) -> tuple[tuple[str, str], ...]:
    """``id:secret,id:secret`` as (id, secret) pairs; the secret may itself contain ':'."""
    pairs: list[tuple[str, str]] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        if not sep or not KEY_ID.match(key_id) or not secret:
            raise KeyFileError(
                "GONGHUI_DATA_KEYS 应写成 id:密钥,id:密钥（当前密钥在前，id 为字母、数字、-、_）"
            )
        pairs.append((key_id, secret))
    _check_ring(pairs, "GONGHUI_DATA_KEYS")
    return tuple(pairs)


def _check_ring(pairs: list[tuple[str, str]], where: str) -> None:
    if not pairs:
        raise KeyFileError(f"{where} 中没有数据密钥")
    ids = [key_id for key_id, _ in pairs]
    if len(set(ids)) != len(ids):
        raise KeyFileError(f"{where} 中有重复的密钥 id")


def key_file_read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise KeyFileError(f"密钥文件 {path} 不是有效的 JSON") from exc
    if not isinstance(data, dict):
        raise KeyFileError(f"密钥文件 {path} 的格式不对")
    return data


def key_file_write(path: Path, data: Mapping[str, Any]) -> None:
    """Replace the file atomically; it never exists with wider permissions than 0600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(data, indent=2))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def _file_data_keys(data: Mapping[str, Any], path: Path) -> list[tuple[str, str]]:
    ring = data.get("data_keys")
    if not isinstance(ring, list):
        raise KeyFileError(f"密钥文件 {path} 中缺少 data_keys")
    pairs = []
    for entry in ring:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and KEY_ID.match(entry["id"])
            and isinstance(entry.get("key"), str)
            and entry["key"]
        ):
            raise KeyFileError(f"密钥文件 {path} 中的 data_keys 格式不对")
        pairs.append((entry["id"], entry["key"]))
    _check_ring(pairs, str(path))
    return pairs


def _file_create(path: Path, legacy: Path | None) -> dict[str, Any]:
    """A new key file: from the older ``var/secrets.json`` when there is one (so a database
    made with it still opens), else with fresh secrets."""
    today = date.today().isoformat()
    old: dict[str, str] = {}
    if legacy is not None and legacy.exists():
        old = json.loads(legacy.read_text())
    data: dict[str, Any] = {name: old.get(name) or key_new() for name in FILE_SECRETS}
    data["data_keys"] = [
        {"id": "k1", "key": old.get("GONGHUI_DATA_KEY") or key_new(), "created": today}
    ]
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: two processes starting together (test workers, server and task worker) must
    # not each create a different set of keys.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(data, indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(temporary, path)  # fails if another process created the file first
    except FileExistsError:
        return key_file_read(path)
    finally:
        temporary.unlink()
    if legacy is not None and legacy.exists():
        # The keys now live apart from the database; the copy beside it goes.
        legacy.unlink()
    return data


def _legacy_retire(legacy: Path, data: Mapping[str, Any], path: Path) -> None:
    """An older ``var/secrets.json`` beside a key file: gone if the file holds its keys,
    else a clear refusal (the database may be encrypted with either set)."""
    old = json.loads(legacy.read_text())
    ring = dict(_file_data_keys(data, path))
    same = (
        old.get("SECRET_KEY") == data.get("SECRET_KEY")
        and old.get("GONGHUI_INDEX_KEY") == data.get("GONGHUI_INDEX_KEY")
        and old.get("GONGHUI_DATA_KEY") in ring.values()
    )
    if not same:
        raise KeyFileError(
            f"发现两套密钥：{legacy}（旧位置）与 {path}。数据库可能用的是旧的一套："
            f"若是，请删除 {path} 后重新启动（旧密钥会迁入该文件）；否则请删除 {legacy}。"
        )
    legacy.unlink()


def key_file_mode_problem(path: Path) -> str | None:
    """Why the key file's permissions are unsafe, or None."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077:
        return f"密钥文件 {path} 的权限为 {mode:o}，其他用户可读；请执行 chmod 600 {path}"
    return None


def keys_load(environ: Mapping[str, str], *, path: Path, legacy: Path | None = None) -> Keys:
    """The keys from ``environ`` where set, the rest from the key file at ``path`` (created
    on first use, from ``legacy`` if that older file exists)."""
    from_env = {name: environ.get(name, "") for name in FILE_SECRETS}
    env_ring: tuple[tuple[str, str], ...] | None = None
    if environ.get("GONGHUI_DATA_KEYS"):
        env_ring = data_keys_parse(environ["GONGHUI_DATA_KEYS"])
    elif environ.get("GONGHUI_DATA_KEY"):
        key_id = environ.get("GONGHUI_DATA_KEY_ID") or "k1"
        if not KEY_ID.match(key_id):
            raise KeyFileError("GONGHUI_DATA_KEY_ID 只能由字母、数字、-、_ 组成")
        env_ring = ((key_id, environ["GONGHUI_DATA_KEY"]),)
    data: dict[str, Any] = {}
    if env_ring is None or not all(from_env.values()):
        if path.exists():
            data = key_file_read(path)
            if legacy is not None and legacy.exists():
                _legacy_retire(legacy, data, path)
        else:
            data = _file_create(path, legacy)
    values = {name: from_env[name] or data.get(name, "") for name in FILE_SECRETS}
    for name, value in values.items():
        if not value:
            raise KeyFileError(f"密钥文件 {path} 中缺少 {name}")
    ring = env_ring if env_ring is not None else tuple(_file_data_keys(data, path))
    return Keys(
        secret_key=values["SECRET_KEY"],
        index_key=values["GONGHUI_INDEX_KEY"],
        data_keys=ring,
        data_keys_from_env=env_ring is not None,
        all_from_env=env_ring is not None and all(from_env.values()),
        path=path,
    )


def file_data_keys(path: Path) -> tuple[tuple[str, str], ...]:
    """The data keys in the file now (another process may have rotated them)."""
    return tuple(_file_data_keys(key_file_read(path), path))


def file_data_key_add(path: Path) -> str:
    """Add a fresh data key to the file as the current one; returns its id."""
    data = key_file_read(path)
    ring = _file_data_keys(data, path)
    key_id = key_id_next([k for k, _ in ring])
    entry = {"id": key_id, "key": key_new(), "created": date.today().isoformat()}
    data["data_keys"] = [entry, *data["data_keys"]]
    key_file_write(path, data)
    return key_id


def file_data_keys_retire(path: Path, key_ids: set[str]) -> Path:
    """Take these (no longer used) keys out of the file; the current key stays. They are
    written to a file of their own beside it, returned, for the operator to keep offline
    with the backups made before (a restore of those needs them) and then delete here."""
    data = key_file_read(path)
    current = _file_data_keys(data, path)[0][0]
    retired = [e for e in data["data_keys"] if e["id"] != current and e["id"] in key_ids]
    keep = path.with_name(f"{path.stem}-retired-{date.today():%Y%m%d}-{os.getpid()}.json")
    key_file_write(keep, {"retired_data_keys": retired})
    data["data_keys"] = [e for e in data["data_keys"] if e not in retired]
    key_file_write(path, data)
    return keep
