"""Care visits: campaigns, visits from the page and the care-visits sheet, each a delivery of
暖心慰问, and the figures the reports read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.care.models import CampaignKind, CareVisit, Delivery, Source
from gonghui.care.services.deliveries import NOT_FOUND
from gonghui.care.services.visits import Visit, campaign_create, visit_record
from gonghui.care.sheets.visits import visit_import
from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.members.models import EmploymentForm, Occupation
from gonghui.members.tests.factories import MemberFactory, WorkerFactory, id_number_for
from gonghui.members.tests.test_member_import import write_roster

SPRING = (date(2023, 1, 10), date(2023, 2, 10))


@pytest.fixture
def campaign(world: World):
    return campaign_create(
        actor=world.city_admin,
        union=world.city,
        name="迎新春·送万福·进万家",
        kind=CampaignKind.SPRING_FESTIVAL,
        start=SPRING[0],
        end=SPRING[1],
    )


@pytest.fixture
def rider(world: World):
    return WorkerFactory.create(union=world.yuehe, id_number=id_number_for(31), name="周骑手")


def visit(world: World, **over: Any) -> CareVisit:
    fields: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "id_number": id_number_for(31),
        "name": "周骑手",
        "on": date(2023, 1, 20),
        "visit": Visit(cash=Decimal("500"), goods_value=Decimal("120"), goods="米油"),
    }
    fields.update(over)
    return visit_record(**fields)


def test_a_visit_is_also_a_delivery_of_care_visit(world: World, rider) -> None:
    record = visit(world)
    delivery = Delivery.objects.get()
    assert (delivery.item.key, delivery.source, delivery.cost, delivery.reference) == (
        "care_visit",
        Source.VISIT,
        Decimal("620.00"),
        f"visit:{record.pk}",
    )
    assert record.new_form and delivery.new_form


def test_a_second_visit_the_same_day_is_refused(world: World, rider) -> None:
    visit(world)
    with pytest.raises(ValidationError) as caught:
        visit(world)
    assert caught.value.messages == ["周骑手2023-01-20已由本工会走访慰问，不再重复登记。"]
    assert Delivery.objects.count() == 1


def test_a_visit_outside_its_campaign_is_refused(world: World, rider, campaign) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(world, on=date(2023, 3, 1), visit=Visit(campaign=campaign, cash=Decimal(200)))
    assert caught.value.message_dict == {
        "on": ["走访日期不在“迎新春·送万福·进万家”的活动期间内（2023-01-10至2023-02-10）"]
    }


def test_a_campaign_of_a_sibling_county_cannot_be_used(world: World, rider) -> None:
    theirs = campaign_create(
        actor=world.nanxun_staff,
        union=world.nanxun,
        name="夏送清凉",
        kind=CampaignKind.SUMMER_COOL,
        start=date(2023, 6, 1),
        end=date(2023, 8, 31),
    )
    with pytest.raises(ValidationError) as caught:
        visit(world, on=date(2023, 6, 5), visit=Visit(campaign=theirs, cash=Decimal(100)))
    assert caught.value.message_dict == {"campaign": ["“夏送清凉”不是本工会或上级工会的活动"]}


def test_a_visit_needs_money_or_goods(world: World, rider) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(world, visit=Visit())
    assert caught.value.message_dict == {"cash": ["请填写慰问金、慰问品价值或慰问品"]}


def test_a_person_outside_the_subtree_is_not_found(world: World) -> None:
    WorkerFactory.create(union=world.nanxun_town, id_number=id_number_for(32), name="郑外区")
    with pytest.raises(ValidationError) as caught:
        visit(world, id_number=id_number_for(32), name="郑外区")
    assert caught.value.message_dict == {"id_number": [NOT_FOUND]}


def row(n: int, name: str, **cells: Any) -> dict[str, Any]:
    return {
        "姓名": name,
        "身份证号": id_number_for(n),
        "走访日期": date(2023, 1, 20),
        "慰问金": 300,
        **cells,
    }


def import_rows(world: World, tmp_path: Path, rows: list[dict[str, Any]]):
    path = write_roster(tmp_path / "visits.xlsx", rows)
    return visit_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)


def test_the_sheet_records_visits_with_their_deliveries_once(
    world: World, tmp_path: Path, rider, campaign
) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, id_number=id_number_for(33), name="吴困难")
    rows = [
        row(31, "周骑手", 活动名称="迎新春·送万福·进万家"),
        row(33, "吴困难", 入户慰问家庭="是", 慰问品价值=200, 慰问品="棉被"),
    ]
    first = import_rows(world, tmp_path, rows)
    assert (first.committed, first.created) == (True, 2)
    again = import_rows(world, tmp_path, rows)
    assert (again.created, again.unchanged) == (0, 2)
    assert CareVisit.objects.count() == Delivery.objects.count() == 2
    assert sorted(Delivery.objects.values_list("cost", flat=True)) == [
        Decimal("300.00"),
        Decimal("500.00"),
    ]


def test_the_sheet_names_every_bad_row(world: World, tmp_path: Path, rider) -> None:
    rows = [
        row(31, "周骑手", 活动名称="没有的活动"),
        row(31, "周骑手", 走访日期=date(2023, 1, 21), 慰问金=-5),
        row(34, "无此人"),
    ]
    report = import_rows(world, tmp_path, rows)
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "活动名称"),
        (4, "慰问金"),
        (5, "身份证号"),
    ]
    assert CareVisit.objects.count() == 0


def test_the_figures_count_visits_amounts_and_new_form(world: World, rider) -> None:
    MemberFactory.create(
        union=world.wuxing_grassroots,
        id_number=id_number_for(35),
        name="冯工人",
        employment_form=EmploymentForm.STANDARD,
    )
    visit(world)
    visit(world, id_number=id_number_for(35), name="冯工人", visit=Visit(cash=Decimal("1000")))
    h1 = Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")
    values = {
        key: indicator_values(indicator_get(key), union=world.city, periods=[h1])[0].total
        for key in ("care_visits", "care_visit_amount", "care_visits_new_form")
    }
    assert values == {
        "care_visits": 2,
        "care_visit_amount": Decimal("1620.00"),
        "care_visits_new_form": 1,
    }


def test_the_visit_ledger_shows_the_totals(world: World, rider, client_as) -> None:
    visit(world)
    page = client_as(world.wuxing_staff).get("/care/visits/").content.decode()
    assert "周骑手" in page and "620.00" in page


def test_the_campaign_page_creates_one(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/care/visits/campaigns/",
        {"name": "夏送清凉", "kind": "summer_cool", "start": "2023-06-01", "end": "2023-08-31"},
    )
    assert response.status_code == 302
    assert CareVisit.objects.count() == 0
    page = client_as(world.township_staff).get("/care/visits/campaigns/").content.decode()
    assert "夏送清凉" in page and "吴兴区总工会" in page


def test_a_rider_of_an_occupation_is_visited_as_new_form(world: World) -> None:
    WorkerFactory.create(
        union=world.yuehe,
        id_number=id_number_for(36),
        name="王司机",
        occupation=Occupation.TRUCK_DRIVER,
    )
    record = visit(world, id_number=id_number_for(36), name="王司机")
    assert record.new_form
