"""Searching by a full ID number or phone: in a POST body, never a URL; counted per user;
every search audited with the number masked (10,000 searches once rebuilt a masked phone)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import MemberFactory

ID = pii.id_number_compose("330502", date(1986, 4, 12), 88)
PHONE = "13957200001"


@pytest.fixture
def shen(world: World):
    return MemberFactory.create(
        union=world.wuxing_grassroots, name="沈建国", id_number=ID, phone=PHONE
    )


def searches() -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(action="pii.search").order_by("pk")
    return list(events.values_list("outcome", "summary"))


def test_a_roster_search_by_id_number_is_posted_and_audited(shen, world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post("/members/", {"q": ID})
    body = response.content.decode()
    assert response.status_code == 200
    assert "沈建国" in body
    assert ID not in body  # not echoed into the search box or a next-page link
    assert searches() == [("success", f"会员名册：按完整身份证号查询 {shen.id_masked}")]


def test_a_roster_search_by_phone_in_the_url_is_refused(shen, world: World, client_as) -> None:
    body = client_as(world.wuxing_staff).get("/members/", {"q": PHONE}).content.decode()
    assert "沈建国" not in body
    assert "不要把号码放在网址里" in body
    assert searches() == []


def test_a_name_search_goes_back_to_a_url(shen, world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post("/members/", {"q": "沈建", "union": "330502"})
    assert response.status_code == 302
    assert response["Location"] == "/members/?union=330502&q=%E6%B2%88%E5%BB%BA"
    assert searches() == []


def test_searches_past_the_hourly_allowance_are_refused_and_recorded(
    shen, world: World, client_as, settings
) -> None:
    settings.GONGHUI_PII_SEARCHES_PER_HOUR = 2
    client = client_as(world.wuxing_staff)
    assert [client.post("/members/", {"q": PHONE}).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    refused = client.post("/members/", {"q": ID})
    assert "每小时最多 2 次" in refused.content.decode()
    assert "沈建国" not in refused.content.decode()
    assert [o for o, _ in searches()] == ["success", "success", "denied", "denied"]
    # Another user has an allowance of their own.
    assert client_as(world.city_admin).post("/members/", {"q": PHONE}).status_code == 200


def test_the_api_takes_a_full_number_only_in_a_post_body(shen, world: World, client_as) -> None:
    client = client_as(world.wuxing_staff)
    assert client.get("/api/v1/members", {"q": PHONE}).status_code == 400
    found = client.post(
        "/api/v1/members/search", json.dumps({"q": ID}), content_type="application/json"
    )
    assert found.status_code == 200
    assert [m["name"] for m in found.json()["items"]] == ["沈建国"]
    assert [m["id_number"] for m in found.json()["items"]] == [shen.id_masked]
    assert searches() == [("success", f"接口：按完整身份证号查询 {shen.id_masked}")]


def test_the_claim_form_lookup_is_posted_and_audited(shen, world: World, client_as) -> None:
    client = client_as(world.township_staff)
    assert client.get("/aid/claims/new/member/", {"id_number": ID}).status_code == 405
    client.post("/aid/claims/new/member/", {"id_number": "33050219"})  # still typing
    client.post("/aid/claims/new/member/", {"id_number": ID})
    assert searches() == [("success", f"互助金申请录入：按完整身份证号查询 {shen.id_masked}")]
