"""A throw-away PostgreSQL server for benchmarks, started and stopped from Python.

The same server as ``scripts/with-postgres.sh`` starts for the test suite: Debian's
``/usr/lib/postgresql/<version>/bin`` initdb and pg_ctl, a temporary data directory, a free
loopback port, the socket inside the data directory, durability off (fsync,
synchronous_commit and full_page_writes: the server is deleted afterwards). initdb and
pg_ctl refuse to run as root, so as root they run as the ``postgres`` user (``runuser``) on
a directory that user owns.

    with postgres_server() as url:      # postgres://postgres@127.0.0.1:PORT/gonghui
        create_database(url, "other", template="gonghui")

``python -m bench.pg`` starts a server, prints its version and stops it (a smoke test, and
what `make bench` runs for this module); ``python -m bench.pg CMD ...`` runs CMD with
DATABASE_URL pointing at a fresh server, like scripts/with-postgres.sh.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed, or its server could not be started; the message says why."""


def find_bindir() -> Path:
    """Debian's newest versioned bin folder (initdb and pg_ctl are not on PATH there)."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name))

    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version)
    for bindir in reversed(candidates):
        if os.access(bindir / "initdb", os.X_OK) and os.access(bindir / "pg_ctl", os.X_OK):
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    raise PostgresUnavailable(
        "PostgreSQL server not installed: no /usr/lib/postgresql/*/bin/initdb and no initdb "
        "on PATH (Debian package postgresql; `make system-deps` installs it as root)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(command: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        if log is not None and log.exists():
            detail += "\n--- server log ---\n" + "\n".join(log.read_text().splitlines()[-20:])
        raise PostgresUnavailable(f"{what} failed (exit {done.returncode}): {detail}")


def with_database(url: str, name: str) -> str:
    """The same server URL naming another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def server_version(url: str) -> str:
    with _admin(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def create_database(url: str, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (a copy of ``template`` when given); returns its URL.

    Copies use the FILE_COPY strategy (PostgreSQL 15+): a file copy of the template,
    seconds for a table of 10^6 rows, instead of WAL-logging every block.
    """
    from psycopg import sql

    with _admin(url) as conn:
        if template is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            major = conn.info.server_version // 10000
            strategy = sql.SQL(" STRATEGY FILE_COPY") if major >= 15 else sql.SQL("")
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                    sql.Identifier(name), sql.Identifier(template), strategy
                )
            )
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def postgres_server(
    *, database: str = "gonghui", settings: dict[str, str] | None = None
) -> Iterator[str]:
    """Start a server, create ``database`` on it, yield its DATABASE_URL; stop and delete
    everything on exit. Raises PostgresUnavailable with the reason when it cannot start."""
    bindir = find_bindir()
    as_owner: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="gonghui-pg."))
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(
                "running as root, and initdb refuses root, but there is no `postgres` user "
                "to own the cluster (the Debian package postgresql creates it)"
            ) from exc
        if not shutil.which("runuser"):
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable("running as root and `runuser` (util-linux) is missing")
        shutil.chown(root, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, log = root / "data", root / "server.log"
    pg_ctl = str(bindir / "pg_ctl")
    started = False
    try:
        _run(
            [
                *as_owner,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            "initdb",
        )
        options = {**SERVER_SETTINGS, **(settings or {})}
        # A free port can be taken between choosing it and binding it: try a few.
        for attempt in range(3):
            port = free_port()
            flags = f"-p {port} -k {root} " + " ".join(f"-c {k}={v}" for k, v in options.items())
            try:
                _run(
                    [
                        *as_owner,
                        pg_ctl,
                        "-D",
                        str(data),
                        "-w",
                        "-l",
                        str(log),
                        "-o",
                        flags,
                        "start",
                    ],
                    "pg_ctl start",
                    log,
                )
                started = True
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise
        url = f"postgres://postgres@127.0.0.1:{port}/{database}"
        if database != "postgres":
            create_database(url, database)
        yield url
    finally:
        if started:
            subprocess.run(
                [*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    began = time.perf_counter()
    try:
        with postgres_server() as url:
            version = server_version(url)
            where = urlsplit(url)
            print(f"PostgreSQL {version} on {where.hostname}:{where.port}", flush=True)
            if argv:
                return subprocess.run(argv, env={**os.environ, "DATABASE_URL": url}).returncode
    except PostgresUnavailable as exc:
        print(f"PostgreSQL unavailable: {exc}", file=sys.stderr)
        return 3
    print(f"throw-away server started and stopped in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
