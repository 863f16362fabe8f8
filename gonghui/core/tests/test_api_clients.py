"""Other government systems call the API with a token: scoped to their union's subtree,
per-area read or read-write, every call audited under the client's name, rate-limited;
the token is shown once, stored hashed, rotated and revoked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gonghui.conftest import World
from gonghui.core.api_clients import api_client_create, api_client_revoke, api_client_rotate
from gonghui.core.models import ApiClient, AuditEvent
from gonghui.core.tests.test_scoping_routes import (
    ROUTES,
    WUXING_ENTERPRISE,
    WUXING_MEMBER,
    sample_values,
)
from gonghui.members.tests.factories import MemberFactory


@pytest.fixture
def issued(world: World) -> tuple[ApiClient, str]:
    """吴兴区's 人社 system: members read-only, nothing else."""
    return api_client_create(
        actor=world.city_admin,
        name="吴兴区人社局系统",
        union=world.wuxing,
        permissions={"members": "read"},
    )


def call(token: str, path: str, method: str = "get", **kwargs: Any) -> Any:
    return getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)


def test_a_client_reads_its_subtree_and_nothing_of_a_sibling(issued, world: World) -> None:
    _, token = issued
    ours = MemberFactory.create(union=world.wuxing_grassroots, name="沈建国")
    theirs = MemberFactory.create(union=world.nanxun_town, name="钱南浔")
    listed = call(token, "/api/v1/members")
    assert listed.status_code == 200
    assert [m["name"] for m in listed.json()["items"]] == ["沈建国"]
    assert listed.json()["items"][0]["id_number"] == ours.id_masked
    assert call(token, f"/api/v1/members/{theirs.pk}").status_code == 404


def test_every_call_is_audited_under_the_clients_name(issued, world: World) -> None:
    _, token = issued
    call(token, "/api/v1/members")
    event = AuditEvent.objects.get(action="api.call")
    assert (event.actor_name, event.summary, event.union) == (
        "接口:吴兴区人社局系统",
        "GET /api/v1/members",
        world.wuxing,
    )


def test_an_area_not_opened_is_refused(issued) -> None:
    _, token = issued
    response = call(token, "/api/v1/unions")
    assert response.status_code == 403
    assert response.json()["detail"] == "该接口客户端未开放此范围。"


def test_a_read_only_client_cannot_write(issued) -> None:
    _, token = issued
    response = call(
        token,
        "/api/v1/members/search",
        "post",
        data=json.dumps({"q": "沈"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "写入权限" in response.json()["detail"]


def test_a_read_write_client_posts_without_a_csrf_token(world: World) -> None:
    _, token = api_client_create(
        actor=world.city_admin,
        name="市大数据局",
        union=world.city,
        permissions={"members": "write"},
    )
    response = call(
        token,
        "/api/v1/members/search",
        "post",
        data=json.dumps({"q": "沈"}),
        content_type="application/json",
    )
    assert response.status_code == 200


def test_the_token_is_stored_hashed(issued) -> None:
    client, token = issued
    stored = ApiClient.objects.get(pk=client.pk)
    assert token.startswith("ghk_") and len(token) > 40
    assert token not in (stored.token_hash, stored.prefix) and stored.token_hash != ""


@pytest.mark.parametrize("token", ["", "ghk_", "ghk_00000000_x", "Basic abc"])
def test_a_bad_token_gets_401(token: str, issued) -> None:
    assert call(token, "/api/v1/members").status_code == 401


def test_rotating_stops_the_old_token_and_revoking_stops_the_client(issued, world: World) -> None:
    client, old = issued
    new = api_client_rotate(actor=world.city_admin, client=client)
    assert call(old, "/api/v1/members").status_code == 401
    assert call(new, "/api/v1/members").status_code == 200
    api_client_revoke(actor=world.city_admin, client=ApiClient.objects.get(pk=client.pk))
    refused = call(new, "/api/v1/members")
    assert (refused.status_code, refused.json()["detail"]) == (401, "该接口客户端已停用。")


def test_calls_past_the_minute_allowance_get_429(issued, settings) -> None:
    settings.GONGHUI_API_CALLS_PER_MINUTE = 2
    _, token = issued
    assert [call(token, "/api/v1/members").status_code for _ in range(3)] == [200, 200, 429]


def test_only_an_admin_over_the_union_issues_a_client(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_client_create(
            actor=world.wuxing_staff, name="x", union=world.wuxing, permissions={"members": "read"}
        )
    world.nanxun_staff.role = "admin"
    world.nanxun_staff.save()
    with pytest.raises(PermissionDenied):
        api_client_create(
            actor=world.nanxun_staff, name="x", union=world.wuxing, permissions={"members": "read"}
        )


API_ROUTES = [
    r
    for r in ROUTES
    if r.pattern.startswith("api/v1/") and "docs" not in r.pattern and "openapi" not in r.pattern
]


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.pattern)
def test_a_sibling_countys_client_sees_nothing_of_wuxing(route, world: World) -> None:
    """The scoping walk with a token: 南浔区's client, open to every area, reads every API
    route with 吴兴区's objects as parameters."""
    from gonghui.core.api_clients import API_AREAS

    _, token = api_client_create(
        actor=world.city_admin,
        name="南浔区系统",
        union=world.nanxun,
        permissions=dict.fromkeys(API_AREAS, "read"),
    )
    values, scoped = sample_values(route, world)
    response = call(token, route.url(values))
    if scoped:
        assert response.status_code in (403, 404, 405), (route.pattern, response.status_code)
    else:
        assert response.status_code in (200, 400, 403, 404, 405, 422), response.status_code
        body = response.content.decode()
        for name in [*world.wuxing_only_names, WUXING_MEMBER, WUXING_ENTERPRISE]:
            assert name not in body, (route.pattern, name)


def test_every_area_has_its_read_routes(world: World) -> None:
    """Unions, enterprises and formation tasks, members (masked), aid plans, applications
    and payout batches, jobs: each answers a client open to its area."""
    from gonghui.core.api_clients import API_AREAS

    _, token = api_client_create(
        actor=world.city_admin,
        name="市大数据局",
        union=world.city,
        permissions=dict.fromkeys(API_AREAS, "read"),
    )
    for path in (
        "/api/v1/unions",
        "/api/v1/enterprises",
        "/api/v1/formation/tasks",
        "/api/v1/members",
        "/api/v1/aid/plans",
        "/api/v1/aid/payouts",
        "/api/v1/payouts",
        "/api/v1/workflow/mutual_aid_claim/items",
        "/api/v1/workflow/relief/items",
        "/api/v1/indicators",
        "/api/v1/indicators/members_new/values?year=2023&month=6",
    ):
        assert call(token, path).status_code == 200, path


def test_indicator_values_name_the_union_and_each_child(world: World) -> None:
    _, token = api_client_create(
        actor=world.city_admin,
        name="吴兴区统计系统",
        union=world.wuxing,
        permissions={"reports": "read"},
    )
    body = call(token, "/api/v1/indicators/members_new/values?year=2023&month=6").json()
    assert body["total"]["union_code"] == "330502"
    assert [c["union_code"] for c in body["children"]] == sorted(
        [world.yuehe.code, world.zhili.code]
    )
    assert body["period"] == "2023年1—6月"
    nanxun = call(token, "/api/v1/indicators/members_new/values?year=2023&union=330503")
    assert nanxun.status_code == 404
    assert call(token, "/api/v1/indicators/nothing/values?year=2023").status_code == 404
    assert call(token, "/api/v1/indicators/members_new/values?year=99999").status_code == 422
