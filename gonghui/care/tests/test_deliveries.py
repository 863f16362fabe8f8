"""The deliveries ledger: one rule set for the page and the service-deliveries sheet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.care.models import Delivery, Eligibility, Unit
from gonghui.care.services.catalogue import item_create
from gonghui.care.services.deliveries import NOT_FOUND, Served, delivery_record
from gonghui.care.sheets.deliveries import delivery_import
from gonghui.care.tests.factories import standard
from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.members.models import EmploymentForm
from gonghui.members.tests.factories import MemberFactory, WorkerFactory, id_number_for
from gonghui.members.tests.test_member_import import write_roster

DAY = date(2023, 5, 10)


@pytest.fixture
def rider(world: World):
    return WorkerFactory.create(union=world.yuehe, id_number=id_number_for(11), name="李骑手")


def record(world: World, id_number: str, **over):
    fields: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "item": standard("health_checkup"),
        "id_number": id_number,
        "on": DAY,
    }
    fields.update(over)
    return delivery_record(**fields)


def test_a_registered_worker_is_served_and_named_as_written(world: World, rider) -> None:
    delivery = record(world, id_number_for(11), served=Served(cost=Decimal("120.00")))
    assert (delivery.person_hash, delivery.person_name, delivery.person_masked) == (
        rider.id_hash,
        "李骑手",
        rider.id_masked,
    )
    assert delivery.cost == Decimal("120.00")
    assert AuditEvent.objects.filter(action="care.delivery.create").count() == 1


def test_the_same_delivery_twice_is_refused(world: World, rider) -> None:
    record(world, id_number_for(11))
    with pytest.raises(ValidationError) as caught:
        record(world, id_number_for(11))
    assert caught.value.messages == ["李骑手2023-05-10的“健康体检”已经录入。"]


def test_a_reference_tells_two_services_of_a_day_apart(world: World, rider) -> None:
    record(world, id_number_for(11), served=Served(reference="上午"))
    record(world, id_number_for(11), served=Served(reference="下午"))
    assert Delivery.objects.count() == 2


def test_a_person_of_another_county_is_not_found(world: World) -> None:
    WorkerFactory.create(union=world.nanxun_town, id_number=id_number_for(12))
    with pytest.raises(ValidationError) as caught:
        record(world, id_number_for(12))
    assert caught.value.message_dict == {"id_number": [NOT_FOUND]}


def test_a_members_only_item_refuses_a_registered_worker(world: World, rider) -> None:
    with pytest.raises(ValidationError) as caught:
        record(world, id_number_for(11), item=standard("medical_security"))
    assert caught.value.message_dict == {"item": ["“医疗保障”只面向工会会员，此人是登记职工"]}


def test_a_date_outside_the_validity_is_refused(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, id_number=id_number_for(13))
    item = item_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name="惠享日",
        eligibility=Eligibility.EVERYONE,
        unit=Unit.YUAN,
        valid_from=date(2023, 6, 1),
        valid_to=date(2023, 6, 30),
    )
    with pytest.raises(ValidationError) as caught:
        record(world, id_number_for(13), item=item)
    assert caught.value.message_dict == {
        "on": ["服务日期不在“惠享日”的有效期内（2023-06-01至2023-06-30）"]
    }


def test_a_new_form_item_refuses_a_standard_worker(world: World) -> None:
    MemberFactory.create(
        union=world.wuxing_grassroots,
        id_number=id_number_for(14),
        employment_form=EmploymentForm.STANDARD,
    )
    item = item_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name="骑手驿站礼包",
        eligibility=Eligibility.NEW_FORM,
        unit=Unit.PERSON_TIMES,
    )
    with pytest.raises(ValidationError) as caught:
        record(world, id_number_for(14), item=item)
    assert caught.value.message_dict == {"item": ["“骑手驿站礼包”只面向新就业形态劳动者"]}


# -- the sheet -------------------------------------------------------------------------------


def row(n: int, name: str, **cells: object) -> dict[str, object]:
    return {
        "姓名": name,
        "身份证号": id_number_for(n),
        "服务项目": "健康体检",
        "服务日期": DAY,
        **cells,
    }


def import_rows(world: World, tmp_path: Path, rows: list, dry_run: bool = False):
    path = write_roster(tmp_path / "deliveries.xlsx", rows)
    return delivery_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=dry_run
    )


def test_the_sheet_records_and_a_reimport_creates_nothing(
    world: World, tmp_path: Path, rider
) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, id_number=id_number_for(15), name="王会员")
    rows = [row(11, "李骑手", 费用=80), row(15, "王会员", 服务项目="medical_security")]
    first = import_rows(world, tmp_path, rows)
    assert (first.committed, first.created) == (True, 2)
    again = import_rows(world, tmp_path, rows)
    assert (again.created, again.unchanged) == (0, 2)
    assert sorted(Delivery.objects.values_list("item__key", "cost")) == [
        ("health_checkup", Decimal("80.00")),
        ("medical_security", Decimal("0.00")),
    ]


def test_the_sheet_reports_every_bad_row_and_writes_nothing(
    world: World, tmp_path: Path, rider
) -> None:
    WorkerFactory.create(union=world.nanxun_town, id_number=id_number_for(16))
    rows = [
        row(11, "李骑手"),
        row(11, "李骑手"),  # the same row again
        row(16, "外区人"),  # outside the importing union's subtree
        row(11, "李骑手", 服务项目="不存在的项目"),
        row(11, "张冒名", 服务日期=date(2023, 5, 11)),
    ]
    report = import_rows(world, tmp_path, rows)
    assert not report.committed
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(4, "身份证号"), (5, "身份证号"), (6, "服务项目"), (7, "姓名")}
    messages = {e.row: e.message for e in report.errors}
    assert messages[5] == f"身份证号：{NOT_FOUND}"
    assert messages[6] == "服务项目：没有“不存在的项目”这一项目（请用服务项目目录中的名称）"
    assert messages[7].startswith("姓名：与该身份证号登记的姓名")
    assert Delivery.objects.count() == 0


def test_the_ledger_page_lists_the_subtree_in_few_queries(
    world: World,
    rider,
    client_as,
    django_assert_max_num_queries,
) -> None:
    from gonghui.care.tests.factories import DeliveryFactory

    DeliveryFactory.create_batch(30, union=world.yuehe)
    DeliveryFactory.create(union=world.nanxun_town, person_name="南浔人")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(20):
        page = client.get("/care/").content.decode()
    assert page.count('data-label="服务日期"') == 30
    assert "南浔人" not in page


def test_the_new_page_records_one(world: World, rider, client_as) -> None:
    item = standard("employment")
    response = client_as(world.township_staff).post(
        "/care/new/",
        {
            "name": "李骑手",
            "id_number": id_number_for(11),
            "item": item.pk,
            "on": "2023-05-10",
            "quantity": "1",
            "cost": "0",
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().item == item


def test_a_wrong_id_number_is_said_with_the_other_problems(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        record(world, "330502199001011234", on=date(2099, 1, 1), served=Served(cost=Decimal(-1)))
    assert set(caught.value.message_dict) == {"id_number", "on", "cost"}
    assert NOT_FOUND not in caught.value.message_dict["id_number"]
