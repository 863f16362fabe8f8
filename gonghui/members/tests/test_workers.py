"""The registry of workers (登记职工): one person, one record, across members and registered
workers; joining turns a registered worker into a member without keying them again."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.actors import SystemActor
from gonghui.core.models import AuditEvent
from gonghui.members.models import EmploymentForm, Member, Occupation, Worker
from gonghui.members.services import member_join
from gonghui.members.tests.factories import MemberFactory, WorkerFactory, id_number_for
from gonghui.members.tests.test_member_import import do_import, person, write_roster
from gonghui.members.workers import worker_import, worker_join, worker_register, worker_update
from gonghui.orgs.models import Union

ID_W = id_number_for(777_001)


def register(world: World, **over: object) -> Worker:
    fields: dict[str, Any] = {
        "actor": world.wuxing_staff,
        "union": world.yuehe,
        "name": "钱骑手",
        "id_number": ID_W,
        "phone": "13912345678",
        "occupation": Occupation.DELIVERY_RIDER,
        "platform": "美团",
        "registered_on": date(2023, 2, 1),
    }
    fields.update(over)
    return worker_register(**fields)


def member_count(union: Union) -> int:
    union.refresh_from_db()
    return union.member_count


# -- registering ---------------------------------------------------------------------------


def test_register_keeps_the_id_number_sealed_and_audits(world: World) -> None:
    worker = register(world)
    assert worker.id_masked == pii.mask_id_number(ID_W)
    assert worker.id_hash == pii.id_indexer().digest(ID_W)
    assert pii.column_cipher(Worker.id_cipher).decrypt(worker.pk, worker.id_cipher) == ID_W
    assert worker.birth_date == pii.id_birth_date(ID_W)
    event = AuditEvent.objects.get(action="worker.register")
    assert event.summary == f"登记职工钱骑手（{worker.id_masked}）"


def test_registering_changes_no_member_count(world: World) -> None:
    register(world)
    assert member_count(world.yuehe) == 0
    assert Member.objects.count() == 0


def test_a_member_is_not_registered_again(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, id_number=ID_W)
    with pytest.raises(ValidationError) as caught:
        register(world)
    assert caught.value.message_dict["id_number"] == [
        f"此人已是“{world.wuxing_grassroots.name}”的会员（或曾入会），不再登记；请在会员名册中查看"
    ]


def test_a_member_elsewhere_is_refused_without_saying_where(world: World) -> None:
    MemberFactory.create(union=world.nanxun_grassroots, id_number=ID_W)
    with pytest.raises(ValidationError) as caught:
        register(world)
    (message,) = caught.value.message_dict["id_number"]
    assert world.nanxun_grassroots.name not in message
    assert message.startswith("此人无法在本工会登记")


def test_a_person_is_registered_once(world: World) -> None:
    register(world)
    with pytest.raises(ValidationError) as caught:
        register(world, name="钱骑手", union=world.zhili)
    assert caught.value.message_dict["id_number"] == ["此人已登记，请在登记职工中查找并修改。"]
    assert Worker.objects.count() == 1


def test_register_gives_every_problem_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        register(world, id_number="330502199001011234", phone="1234", occupation="")
    assert set(caught.value.message_dict) == {"id_number", "phone", "occupation"}
    assert caught.value.message_dict["occupation"] == ["新就业形态劳动者须填写职业。"]


def test_register_outside_the_subtree_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        register(world, union=world.nanxun_town)


def test_a_county_union_does_not_hold_workers(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        register(world, union=world.wuxing)
    assert "union" in caught.value.message_dict


def test_update_corrects_and_keeps_the_change_in_the_log(world: World) -> None:
    worker = register(world)
    worker_update(
        actor=world.wuxing_staff,
        worker=worker,
        phone="",
        employer_name="",
        employer_uscc="",
        employment_form=EmploymentForm.NEW_FORM,
        occupation=Occupation.COURIER,
        platform="顺丰",
    )
    worker.refresh_from_db()
    assert (worker.occupation, worker.platform, worker.phone_masked) == (
        Occupation.COURIER,
        "顺丰",
        "139****5678",
    )
    event = AuditEvent.objects.get(action="worker.update")
    assert "职业：网约送餐员 → 快递员" in event.summary
    assert "平台：美团 → 顺丰" in event.summary


# -- joining -------------------------------------------------------------------------------


def test_joining_makes_the_same_person_a_member(world: World) -> None:
    worker = register(world)
    member = worker_join(
        actor=world.wuxing_staff,
        worker=worker,
        union=world.wuxing_grassroots,
        join_date=date(2023, 6, 1),
    )
    worker.refresh_from_db()
    assert worker.member_id == member.pk
    assert member.id_hash == worker.id_hash
    assert (member.name, member.occupation, member.phone_masked) == (
        "钱骑手",
        Occupation.DELIVERY_RIDER,
        "139****5678",
    )
    assert member.join_date == date(2023, 6, 1)
    assert member_count(world.wuxing_grassroots) == 1


def test_a_joined_worker_cannot_join_again(world: World) -> None:
    worker = register(world)
    worker_join(actor=world.wuxing_staff, worker=worker, union=world.yuehe)
    worker.refresh_from_db()
    with pytest.raises(ValidationError, match="此人已入会"):
        worker_join(actor=world.wuxing_staff, worker=worker, union=world.yuehe)


def test_joining_by_id_number_links_the_registration(world: World) -> None:
    worker = register(world)
    member = member_join(actor=world.wuxing_staff, union=world.zhili, name="钱骑手", id_number=ID_W)
    worker.refresh_from_db()
    assert worker.member_id == member.pk


def test_a_roster_import_links_registered_workers(world: World, tmp_path: Path) -> None:
    worker = WorkerFactory.create(union=world.yuehe, id_number=id_number_for(1))
    report = do_import(world, tmp_path, [person(0), person(1)], union=world.yuehe)
    assert report.committed and report.created == 2
    worker.refresh_from_db()
    assert worker.member == Member.objects.get(id_hash=worker.id_hash)


# -- the workers sheet ---------------------------------------------------------------------


def worker_row(n: int, **cells: object) -> dict[str, object]:
    return {**person(n), "职业": "快递员", "平台": "中通", **cells}


def import_workers(world: World, tmp_path: Path, rows: list, *, dry_run: bool = False):
    path = write_roster(tmp_path / "workers.xlsx", rows)
    return worker_import(actor=world.wuxing_staff, union=world.yuehe, path=path, dry_run=dry_run)


def test_the_sheet_registers_and_a_reimport_creates_nothing(world: World, tmp_path: Path) -> None:
    rows = [worker_row(0), worker_row(1, 就业形态="标准劳动关系", 职业="")]
    first = import_workers(world, tmp_path, rows)
    assert (first.committed, first.created) == (True, 2)
    again = import_workers(world, tmp_path, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    standard = Worker.objects.get(id_hash=pii.id_indexer().digest(id_number_for(1)))
    assert standard.employment_form == EmploymentForm.STANDARD
    assert standard.union == world.yuehe


def test_a_reimport_corrects_a_registered_worker(world: World, tmp_path: Path) -> None:
    import_workers(world, tmp_path, [worker_row(0)])
    report = import_workers(world, tmp_path, [worker_row(0, 平台="圆通")])
    assert (report.updated, report.created) == (1, 0)
    assert Worker.objects.get().platform == "圆通"


def test_the_sheet_refuses_members_and_writes_nothing(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, id_number=id_number_for(1))
    report = import_workers(world, tmp_path, [worker_row(0), worker_row(1)])
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [(4, "身份证号")]
    assert "德马科技集团股份有限公司工会委员会" in report.errors[0].message
    assert Worker.objects.count() == 0


def test_the_sheet_requires_an_occupation_of_new_form_workers(world: World, tmp_path: Path) -> None:
    report = import_workers(world, tmp_path, [worker_row(0, 职业="")], dry_run=True)
    assert [e.message for e in report.errors] == ["职业：新就业形态劳动者须填写职业"]


def test_a_registered_worker_of_another_county_is_not_touched(world: World, tmp_path: Path) -> None:
    WorkerFactory.create(union=world.nanxun_town, id_number=id_number_for(0), platform="滴滴")
    report = import_workers(world, tmp_path, [worker_row(0)])
    assert not report.committed
    assert report.errors[0].message.startswith("身份证号：此人无法在本工会登记")
    assert Worker.objects.get().platform == "滴滴"


def test_a_joined_worker_row_changes_nothing(world: World, tmp_path: Path) -> None:
    import_workers(world, tmp_path, [worker_row(0)])
    worker_join(actor=world.wuxing_staff, worker=Worker.objects.get(), union=world.yuehe)
    report = import_workers(world, tmp_path, [worker_row(0, 平台="圆通")])
    assert (report.committed, report.unchanged, report.updated) == (True, 1, 0)


def test_the_export_is_masked(world: World, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from gonghui.members.workers import worker_export

    WorkerFactory.create(union=world.yuehe, id_number=ID_W, name="孙快递")
    out = tmp_path / "out.xlsx"
    assert worker_export(actor=SystemActor(world.yuehe), union=world.yuehe, path=out) == 1
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    data = [r for r in rows if "孙快递" in r]
    assert data and data[0][1] == pii.mask_id_number(ID_W)


# -- pages ---------------------------------------------------------------------------------


def test_the_registry_page_lists_within_a_query_ceiling(world: World, client_as) -> None:
    for _ in range(5):
        WorkerFactory.create(union=world.yuehe)
    client = client_as(world.wuxing_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/members/workers/")
    assert page.status_code == 200
    assert len(re.findall(r'href="/members/workers/\d+/"', page.content.decode())) == 5
    assert len(queries) <= 12


def test_a_sibling_county_sees_no_registered_worker(world: World, client_as) -> None:
    worker = WorkerFactory.create(union=world.yuehe, name="周外卖")
    client = client_as(world.nanxun_staff)
    assert client.get(f"/members/workers/{worker.pk}/").status_code == 404
    assert "周外卖" not in client.get("/members/workers/").content.decode()


def test_register_and_join_through_the_pages(world: World, client_as) -> None:
    client = client_as(world.township_staff)
    page = client.post(
        "/members/workers/new/",
        {
            "name": "吴护理",
            "id_number": ID_W,
            "union": world.yuehe.code,
            "phone": "",
            "employment_form": "new_form",
            "occupation": "care_worker",
            "platform": "",
            "employer_name": "",
            "employer_uscc": "",
            "registered_on": "2023-03-02",
        },
    )
    worker = Worker.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/members/workers/{worker.pk}/"
    joined = client.post(
        f"/members/workers/{worker.pk}/join/",
        {"union": world.yuehe.code, "join_date": "2023-04-01"},
    )
    member = Member.objects.get()
    assert joined["Location"] == f"/members/{member.pk}/"
    assert member.join_date == date(2023, 4, 1)


def test_the_register_page_shows_the_refusal_beside_the_field(world: World, client_as) -> None:
    client = client_as(world.township_staff)
    page = client.post(
        "/members/workers/new/",
        {
            "name": "吴护理",
            "id_number": ID_W,
            "union": world.nanxun_town.code,
            "employment_form": "new_form",
            "occupation": "",
            "registered_on": "2023-03-02",
        },
    )
    text = page.content.decode()
    assert "在您的管辖范围内找不到基层或乡镇（街道）工会" in text
    assert Worker.objects.count() == 0
