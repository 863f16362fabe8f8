"""The API, fuzzed against its own schema (schemathesis): with a session and with a token,
no request the schema allows (or nearly allows) gives a server error, and every status
answered is one the schema documents. Deterministic: the same examples on every run."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from gonghui.api.api import api
from gonghui.conftest import World

CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


def _raw_schema() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


schema = schemathesis.openapi.from_dict(_raw_schema())


def _wsgi() -> Any:
    from config.wsgi import application

    return application


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """The WSGI app closes database connections when a request ends; inside a test that
    would close the test's own transaction (PostgreSQL). Django's test client keeps it open
    the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CSRF = "gonghuifuzzcsrftokengonghuifuzzc"  # 32 characters, as Django's secret is


@pytest.fixture
def session(world: World) -> dict[str, dict[str, str]]:
    """吴兴区 staff's session, with a CSRF cookie and header, so writes reach the views."""
    from gonghui.conftest import login

    client = login(Client(), world.wuxing_staff)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }


@pytest.fixture
def token(world: World) -> dict[str, str]:
    """吴兴区's API client, open to every area for reading and writing."""
    from gonghui.core.api_clients import API_AREAS, api_client_create

    _, value = api_client_create(
        actor=world.city_admin,
        name="吴兴区测试系统",
        union=world.wuxing,
        permissions=dict.fromkeys(API_AREAS, "write"),
    )
    return {"Authorization": f"Bearer {value}"}


FUZZ = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schema.parametrize()
@FUZZ
def test_the_api_with_a_session(case: Any, session: dict[str, dict[str, str]]) -> None:
    response = case.call(app=_wsgi(), cookies=session["cookies"], headers=session["headers"])
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_api_with_a_token(case: Any, token: dict[str, str], settings: Any) -> None:
    settings.GONGHUI_API_CALLS_PER_MINUTE = 100_000  # the fuzzing is one busy client
    response = case.call(app=_wsgi(), headers=token)
    case.validate_response(response, checks=CHECKS)
