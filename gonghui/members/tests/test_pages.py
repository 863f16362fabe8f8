"""The roster pages: scoped, masked, searchable, paged by keyset; reveal is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.core.pii import id_number_compose
from gonghui.members.models import Member
from gonghui.members.selectors import member_page
from gonghui.members.services import member_join

ID = id_number_compose("330502", date(1985, 3, 8), 42)


@pytest.fixture
def jiang(world: World) -> Member:
    return member_join(
        actor=world.wuxing_staff,
        union=world.wuxing_grassroots,
        name="江艺芬",
        id_number=ID,
        phone="13800138000",
        join_date=date(2023, 4, 16),
    )


def test_list_shows_masked_id_and_phone(world: World, jiang: Member, client_as) -> None:
    body = client_as(world.wuxing_staff).get("/members/").content.decode()
    assert "江艺芬" in body
    assert "330502********" + ID[-4:] in body
    assert "138****8000" in body
    assert ID not in body and "13800138000" not in body


def test_sibling_county_list_is_empty(world: World, jiang: Member, client_as) -> None:
    body = client_as(world.nanxun_staff).get("/members/").content.decode()
    assert "江艺芬" not in body
    assert "没有找到会员" in body


@pytest.mark.parametrize("query", ["江艺", ID, ID.lower(), "138 0013 8000", "+8613800138000"])
def test_search_by_name_prefix_full_id_or_phone(world: World, jiang: Member, query: str) -> None:
    members, _ = member_page(actor=world.wuxing_staff, union=world.wuxing, text=query)
    assert [m.pk for m in members] == [jiang.pk]


def test_partial_id_number_finds_nobody(world: World, jiang: Member) -> None:
    members, _ = member_page(actor=world.wuxing_staff, union=world.wuxing, text=ID[:10])
    assert members == []


def test_pages_follow_the_keyset(world: World) -> None:
    for n in range(5):
        member_join(
            actor=world.wuxing_staff,
            union=world.wuxing_grassroots,
            name=f"会员{'甲乙丙丁戊'[n]}",
            id_number=id_number_compose("330502", date(1990, 1, 1 + n), 10 + n),
        )
    first, after = member_page(actor=world.wuxing_staff, union=world.wuxing, limit=2)
    second, after2 = member_page(
        actor=world.wuxing_staff, union=world.wuxing, limit=2, before=after
    )
    third, after3 = member_page(
        actor=world.wuxing_staff, union=world.wuxing, limit=2, before=after2
    )
    names = [m.name for m in first + second + third]
    assert names == ["会员戊", "会员丁", "会员丙", "会员乙", "会员甲"]
    assert after3 is None


def test_list_page_runs_no_count_query(world: World, jiang: Member, client_as) -> None:
    client = client_as(world.wuxing_staff)
    with CaptureQueriesContext(connection) as queries:
        client.get("/members/")
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_reveal_needs_the_right(world: World, jiang: Member, client_as) -> None:
    response = client_as(world.wuxing_staff).post(f"/members/{jiang.pk}/reveal/id_number/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_reveal_shows_the_full_number_and_is_audited(
    world: World, jiang: Member, client_as
) -> None:
    world.wuxing_staff.pii_access = True
    world.wuxing_staff.save()
    response = client_as(world.wuxing_staff).post(f"/members/{jiang.pk}/reveal/id_number/")
    assert ID in response.content.decode()
    event = AuditEvent.objects.get(action="member.reveal")
    assert event.actor == world.wuxing_staff
    assert ID not in event.summary


def test_detail_offers_reveal_only_to_holders_of_the_right(
    world: World, jiang: Member, client_as
) -> None:
    without = client_as(world.wuxing_staff).get(f"/members/{jiang.pk}/").content.decode()
    world.township_staff.pii_access = True
    world.township_staff.save()
    with_right = client_as(world.township_staff).get(f"/members/{jiang.pk}/").content.decode()
    assert "查看完整" not in without
    assert "查看完整" in with_right


def test_transfer_through_the_page_keeps_history(world: World, jiang: Member, client_as) -> None:
    from gonghui.orgs.tests.factories import UnionFactory

    target = UnionFactory.create(parent=world.zhili, code="3305021000001", name="织里童装联合工会")
    response = client_as(world.wuxing_staff).post(
        f"/members/{jiang.pk}/transfer/",
        {
            "to_union": f"{target.code} {target.name}",
            "on": "2023-06-01",
            "reason": "工作调动",
            "employer_name": "织里童装有限公司",
        },
    )
    assert response.status_code == 302
    jiang.refresh_from_db()
    assert (jiang.union, jiang.employer_name) == (target, "织里童装有限公司")
    event = jiang.events.get()
    assert (event.kind, event.from_union, event.union, event.reason) == (
        "transfer",
        world.wuxing_grassroots,
        target,
        "工作调动",
    )


def test_transfer_to_a_union_out_of_scope_is_refused(
    world: World, jiang: Member, client_as
) -> None:
    client_as(world.wuxing_staff).post(
        f"/members/{jiang.pk}/transfer/", {"to_union": world.nanxun_grassroots.code}
    )
    jiang.refresh_from_db()
    assert jiang.union == world.wuxing_grassroots


def test_leave_through_the_page(world: World, jiang: Member, client_as) -> None:
    client_as(world.wuxing_staff).post(
        f"/members/{jiang.pk}/leave/", {"reason": "retired", "on": "2023-06-30"}
    )
    jiang.refresh_from_db()
    assert (jiang.status, jiang.left_reason, str(jiang.left_on)) == (
        Member.Status.LEFT,
        "retired",
        "2023-06-30",
    )
    assert jiang.events.get().reason == "退休"


def test_leaving_needs_a_reason(world: World, jiang: Member, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        f"/members/{jiang.pk}/leave/", {"on": "2023-06-30"}
    )
    jiang.refresh_from_db()
    assert jiang.status == Member.Status.ACTIVE
    assert response.status_code == 302


def test_leaving_before_joining_is_refused(world: World, jiang: Member) -> None:
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from gonghui.members.services import member_leave

    with pytest.raises(ValidationError, match="不能早于入会日期"):
        member_leave(
            actor=world.wuxing_staff,
            member=jiang,
            on=jiang.join_date - timedelta(days=1),
            reason="resigned",
        )


def test_a_member_is_corrected_and_the_page_keeps_the_history(
    world: World, jiang: Member, client_as
) -> None:
    client = client_as(world.wuxing_staff)
    response = client.post(
        f"/members/{jiang.pk}/edit/",
        {
            "phone": "13957201234",
            "employer_name": "湖州某某快递有限公司",
            "employer_uscc": "",
            "employment_form": "new_form",
            "occupation": "courier",
            "skill_grade": "4",
        },
    )
    assert response.status_code == 302
    jiang.refresh_from_db()
    assert (jiang.phone_masked, jiang.occupation, jiang.skill_grade) == (
        "139****1234",
        "courier",
        4,
    )
    history = (
        client.get(f"/members/{jiang.pk}/")
        .content.decode()
        .split('data-testid="member-history"')[1]
    )
    assert "修改会员信息" in history and "职业：（空） → 快递员" in history
    assert "13957201234" not in history


def test_a_new_form_worker_needs_an_occupation(world: World, jiang: Member, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        f"/members/{jiang.pk}/edit/",
        {"employment_form": "new_form", "occupation": "", "skill_grade": ""},
    )
    assert response.status_code == 400
    assert "新就业形态劳动者须填写职业" in response.content.decode()


def test_api_gives_masked_values_only(world: World, jiang: Member, client_as) -> None:
    data = client_as(world.wuxing_staff).get("/api/v1/members").json()
    assert [m["name"] for m in data["items"]] == ["江艺芬"]
    item = data["items"][0]
    assert item["id_number"] == "330502********" + ID[-4:]
    assert item["phone"] == "138****8000"
    detail = client_as(world.wuxing_staff).get(f"/api/v1/members/{jiang.pk}").content.decode()
    assert ID not in detail and "13800138000" not in detail


def test_api_member_of_a_sibling_county_is_not_found(
    world: World, jiang: Member, client_as
) -> None:
    assert client_as(world.nanxun_staff).get(f"/api/v1/members/{jiang.pk}").status_code == 404


def test_member_counts_follow_join_transfer_and_leave(world: World, jiang: Member) -> None:
    from gonghui.members.services import member_leave, member_transfer
    from gonghui.orgs.models import Union

    def counts() -> tuple[int, int, int]:
        c = dict(Union.objects.values_list("code", "member_count"))
        return c["3305"], c["330502"], c["330503"]

    assert counts() == (1, 1, 0)
    member_transfer(actor=world.city_admin, member=jiang, to_union=world.nanxun_grassroots)
    assert counts() == (1, 0, 1)
    member_leave(actor=world.city_admin, member=jiang)
    assert counts() == (0, 0, 0)


def test_counts_rebuild_matches_the_members(world: World, jiang: Member) -> None:
    from gonghui.orgs.models import Union
    from gonghui.orgs.services import union_counts_refresh

    Union.objects.update(member_count=0)
    union_counts_refresh()
    assert Union.objects.get(code="330502001").member_count == 1
    assert Union.objects.get(code="330503").member_count == 0
