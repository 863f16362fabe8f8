"""The load benchmark's users (locust): staff who sign in once and then read what an office
reads all day. Each user is one of the demo's staff accounts (LOAD_LOGINS, a JSON file)."""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

from locust import HttpUser, between, events, task

LOGINS = json.loads(Path(os.environ["LOAD_LOGINS"]).read_text(encoding="utf-8"))
USERS = itertools.cycle(
    [u for u in ("township_staff", "wuxing_staff", "county_reviewer", "city_admin") if u in LOGINS]
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every page request's time (ms) and outcome, signing in left out (argon2 is slow on
# purpose): written to LOAD_OUT when locust stops, for exact percentiles over all pages.
SAMPLES: list[tuple[str, float, bool]] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception: object, **kwargs: object) -> None:
    if not name.startswith("login"):
        SAMPLES.append((name, response_time, exception is None))


@events.quitting.add_listener
def _write(environment: object, **kwargs: object) -> None:
    Path(os.environ["LOAD_OUT"]).write_text(json.dumps(SAMPLES, ensure_ascii=False))


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.username = next(USERS)
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": LOGINS[self.username],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
        )

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/reports/dashboard/", name="驾驶舱")

    @task(3)
    def roster(self) -> None:
        self.client.get("/members/", name="会员名册")

    @task(2)
    def dispatch(self) -> None:
        self.client.get("/reports/dispatch/", name="每月一调度")

    @task(2)
    def claims(self) -> None:
        self.client.get("/aid/claims/", name="互助金申请")

    @task(2)
    def api_members(self) -> None:
        self.client.get("/api/v1/members", name="API 会员")

    @task(1)
    def api_unions(self) -> None:
        self.client.get("/api/v1/unions", name="API 工会")
