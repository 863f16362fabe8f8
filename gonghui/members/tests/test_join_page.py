"""入会登记: the office keys in one person who joins, on the roster's page."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.pii import id_number_compose
from gonghui.members.models import JoinChannel, Member

ID = id_number_compose("330502", date(1988, 3, 4), 21)


def form(world: World, **changes: str) -> dict[str, str]:
    data = {
        "name": "周新会员",
        "id_number": ID,
        "union": world.wuxing_grassroots.code,
        "phone": "13912345678",
        "employment_form": "standard",
        "occupation": "",
        "employer_name": "德马科技",
        "employer_uscc": "",
        "join_date": "2026-03-02",
    }
    return {**data, **changes}


def test_the_roster_offers_the_form_to_editors(world: World, client_as) -> None:
    assert (
        'data-testid="member-new"'
        in client_as(world.township_staff).get("/members/").content.decode()
    )


def test_a_person_keyed_in_joins_on_the_day_given(world: World, client_as) -> None:
    response = client_as(world.township_staff).post("/members/new/", form(world))
    member = Member.objects.get()
    assert response["Location"] == f"/members/{member.pk}/"
    assert (member.union, member.join_date, member.join_channel, member.phone_masked) == (
        world.wuxing_grassroots,
        date(2026, 3, 2),
        JoinChannel.INDIVIDUAL,
        "139****5678",
    )


def test_bad_input_is_told_by_field_and_nothing_saved(world: World, client_as) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_as(world.township_staff).post(
        "/members/new/",
        form(
            world,
            id_number=ID[:-1] + ("1" if ID[-1] != "1" else "2"),
            phone="12",
            join_date=tomorrow,
        ),
    )
    body = response.content.decode()
    assert "身份证号校验码错误" in body
    assert "手机号码应为以1开头的11位数字" in body
    assert "入会日期不能晚于今天。" in body
    assert not Member.objects.exists()


def test_a_union_of_another_county_is_refused(world: World, client_as) -> None:
    response = client_as(world.nanxun_staff).post("/members/new/", form(world))
    assert response.status_code == 200
    assert not Member.objects.exists()


def test_a_member_already_active_is_sent_to_transfer(world: World, client_as) -> None:
    client = client_as(world.township_staff)
    client.post("/members/new/", form(world))
    again = client.post("/members/new/", form(world, union=world.yuehe.code)).content.decode()
    assert "请办理转会" in again
    assert Member.objects.count() == 1
