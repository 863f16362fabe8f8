"""The page's import path, run in processes of its own against a SQLite file database.

Used by ``core/tests/test_sqlite_page_import.py``: ``setup`` builds a small tree and a
township user, ``drive`` uploads rosters, waits for each dry run and commits it through the
same views a browser uses (``upload``, ``wait`` and ``retry`` do one step each), and ``poll`` keeps asking for the progress of every running job
(as the page does every second) until a stop file appears. Each prints one JSON object.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

USERNAME = "township_staff"
PASSWORD = "Gonghui-Test-2026!"
TOWNSHIP = "330502001"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _client() -> Any:
    from django.test import Client

    client = Client()
    response = client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def setup() -> dict[str, Any]:
    from gonghui.core.models import Role, User
    from gonghui.orgs.models import Union

    city = Union.objects.add_root({"code": "3305", "name": "湖州市总工会", "level": "city"})
    county = city.add_child(code="330502", name="吴兴区总工会", level="county")
    township = county.add_child(code=TOWNSHIP, name="月河街道工会", level="township")
    User.objects.create_user(USERNAME, PASSWORD, union=township, role=Role.STAFF)
    return {"township": township.code}


def _wait(client: Any, job_id: int, limit: float) -> str:
    """Poll as the page does until the job ends; its final state."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        html = client.get(f"/jobs/{job_id}/progress/").content.decode()
        state = re.search(r'data-state="(\w+)"', html)
        if state and state.group(1) in ("done", "failed"):
            return state.group(1)
        time.sleep(0.2)
    return "timeout"


def drive(rosters: list[str], limit: float) -> dict[str, Any]:
    from gonghui.core.models import Job

    client = _client()
    outcomes = []
    for roster in rosters:
        with open(roster, "rb") as fh:
            response = client.post("/sheets/members/", {"union": TOWNSHIP, "file": fh})
        check_id = int(response.url.rstrip("/").rsplit("/", 1)[-1])
        check_state = _wait(client, check_id, limit)
        commit = client.post(f"/jobs/{check_id}/commit/")
        if commit.status_code != 302:
            check = Job.objects.get(pk=check_id)
            raise SystemExit(f"dry run {check_state}: {check.result} {check.error}"[:2000])
        commit_id = int(commit.url.rstrip("/").rsplit("/", 1)[-1])
        state = _wait(client, commit_id, limit)
        job = Job.objects.get(pk=commit_id)
        outcomes.append(
            {
                "check": check_state,
                "commit": state,
                "created": job.result.get("created"),
                "committed": job.result.get("committed"),
                "error": job.error[:300],
            }
        )
    return {"outcomes": outcomes}


def upload(roster: str) -> dict[str, Any]:
    """Upload a roster for its dry run, as the page does; the dry run's job number."""
    client = _client()
    with open(roster, "rb") as fh:
        response = client.post("/sheets/members/", {"union": TOWNSHIP, "file": fh})
    return {"job": int(response.url.rstrip("/").rsplit("/", 1)[-1])}


def wait(job_id: int, limit: float) -> dict[str, Any]:
    """Poll a job's progress as the page does until it ends: its state and reason."""
    from gonghui.core.models import Job

    state = _wait(_client(), job_id, limit)
    job = Job.objects.get(pk=job_id)
    return {"state": state, "reason": job.reason, "result": job.result}


def retry(job_id: int) -> dict[str, Any]:
    """Press 重新运行 on a failed job: the new job's number."""
    response = _client().post(f"/jobs/{job_id}/retry/")
    if response.status_code != 302:
        raise SystemExit(f"retry refused: {response.status_code}")
    return {"job": int(response.url.rstrip("/").rsplit("/", 1)[-1])}


def poll(stop: str) -> dict[str, Any]:
    from gonghui.core.models import Job

    client = _client()
    statuses: dict[str, int] = {}
    polls_during_commit = 0
    while not Path(stop).exists():
        running = list(Job.objects.filter(state=Job.State.RUNNING).values_list("pk", "params"))
        for pk, params in running:
            response = client.get(f"/jobs/{pk}/progress/")
            statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
            if not params.get("dry_run"):
                polls_during_commit += 1
        time.sleep(0.1)
    return {"statuses": statuses, "polls_during_commit": polls_during_commit}


def main(argv: list[str]) -> None:
    _django()
    command, *rest = argv
    if command == "setup":
        out = setup()
    elif command == "drive":
        out = drive(rest[1:], float(rest[0]))
    elif command == "poll":
        out = poll(rest[0])
    elif command == "upload":
        out = upload(rest[0])
    elif command == "wait":
        out = wait(int(rest[0]), float(rest[1]))
    elif command == "retry":
        out = retry(int(rest[0]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
