from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from python_calamine import CalamineWorkbook

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.core.pii import uscc_compose
from gonghui.orgs.formation import formation_close, formation_tasks_open
from gonghui.orgs.models import Enterprise, FormationMode, FormationTask, Region, Union
from gonghui.orgs.selectors import formation_progress
from gonghui.orgs.tests.factories import UnionFactory


@pytest.fixture
def yuehe_region(world: World) -> Region:
    region = Region.objects.create(code="330502001", name="月河街道", level=Region.Level.TOWNSHIP)
    Union.objects.filter(pk=world.yuehe.pk).update(region=region)
    world.yuehe.refresh_from_db()
    return region


def make_enterprise(world: World, region: Region, n: int, **fields: object) -> Enterprise:
    defaults: dict[str, object] = {"name": f"月河测试{n}有限公司", "employee_count": 10}
    defaults.update(fields)
    return Enterprise.objects.create(
        uscc=uscc_compose(f"91330502MA2C{n:05d}"),
        region=region,
        owner_union=world.yuehe,
        **defaults,
    )


def open_tasks(world: World) -> None:
    formation_tasks_open(enterprises=Enterprise.objects.all(), on=date(2023, 1, 5))


def test_worklist_holds_enterprises_that_should_form_a_union(
    world: World, yuehe_region: Region
) -> None:
    big = make_enterprise(world, yuehe_region, 1, employee_count=25)
    above = make_enterprise(world, yuehe_region, 2, employee_count=8, is_above_scale=True)
    lead = make_enterprise(world, yuehe_region, 3, employee_count=3, is_platform_lead=True)
    make_enterprise(world, yuehe_region, 4, employee_count=24)
    covered = make_enterprise(world, yuehe_region, 5, employee_count=300)
    covered.union = world.wuxing_grassroots
    covered.save()
    open_tasks(world)
    listed = set(FormationTask.objects.values_list("enterprise_id", flat=True))
    assert listed == {big.pk, above.pk, lead.pk}
    assert set(FormationTask.objects.values_list("township_union", flat=True)) == {world.yuehe.pk}


@override_settings(GONGHUI_FORMATION_MIN_EMPLOYEES=10)
def test_the_employee_threshold_is_configurable(world: World, yuehe_region: Region) -> None:
    small = make_enterprise(world, yuehe_region, 1, employee_count=10)
    open_tasks(world)
    assert list(FormationTask.objects.values_list("enterprise_id", flat=True)) == [small.pk]


def test_opening_twice_keeps_one_open_task(world: World, yuehe_region: Region) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=40)
    open_tasks(world)
    open_tasks(world)
    assert FormationTask.objects.count() == 1


def test_closing_forms_a_grassroots_union_and_closes_the_task(
    world: World, yuehe_region: Region
) -> None:
    enterprise = make_enterprise(world, yuehe_region, 1, employee_count=60)
    open_tasks(world)
    task = FormationTask.objects.get()
    formation_close(
        actor=world.township_staff,
        task=task,
        mode=FormationMode.STANDALONE,
        formed_on=date(2023, 4, 16),
        chair="江艺芬",
    )
    task.refresh_from_db()
    enterprise.refresh_from_db()
    union = task.formed_union
    assert union is not None
    assert (task.status, task.closed_on) == (FormationTask.Status.CLOSED, date(2023, 4, 16))
    assert (union.name, union.level, union.chair) == (
        "月河测试1有限公司工会委员会",
        "grassroots",
        "江艺芬",
    )
    assert Union.objects.get_parent(union) == world.yuehe
    assert union.code == "3305020010002"  # the next number after the existing grassroots union
    assert enterprise.union == union and enterprise.owner_union == union
    assert AuditEvent.objects.filter(action="formation.close", object_id=str(task.pk)).exists()
    assert Union.objects.get(pk=world.wuxing.pk).grassroots_count == 1  # the factory tree had 0


def test_joint_formation_attaches_to_a_joint_union(world: World, yuehe_region: Region) -> None:
    joint = UnionFactory.create(
        parent=world.yuehe, code="3305020010009", name="月河街道商贸联合工会", kind=Union.Kind.JOINT
    )
    enterprise = make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    formation_close(
        actor=world.township_staff,
        task=FormationTask.objects.get(),
        mode=FormationMode.REGIONAL_JOINT,
        formed_on=date(2023, 5, 1),
        joint_union=joint,
    )
    enterprise.refresh_from_db()
    assert enterprise.union == joint
    assert Union.objects.filter(level="grassroots").count() == 3  # no new union was made


def test_a_joint_union_of_another_township_is_refused(world: World, yuehe_region: Region) -> None:
    foreign = UnionFactory.create(
        parent=world.zhili, code="3305021000009", name="织里联合工会", kind=Union.Kind.JOINT
    )
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    with pytest.raises(ValidationError):
        formation_close(
            actor=world.township_staff,
            task=FormationTask.objects.get(),
            mode=FormationMode.REGIONAL_JOINT,
            formed_on=date(2023, 5, 1),
            joint_union=foreign,
        )
    assert FormationTask.objects.get().status == FormationTask.Status.OPEN


def test_a_task_cannot_be_closed_twice(world: World, yuehe_region: Region) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    task = FormationTask.objects.get()
    formation_close(
        actor=world.township_staff,
        task=task,
        mode=FormationMode.FALLBACK,
        formed_on=date(2023, 5, 1),
    )
    with pytest.raises(ValidationError):
        formation_close(
            actor=world.township_staff,
            task=task,
            mode=FormationMode.FALLBACK,
            formed_on=date(2023, 5, 2),
        )


def test_the_database_refuses_a_closed_task_without_a_union(
    world: World, yuehe_region: Region
) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        FormationTask.objects.update(status=FormationTask.Status.CLOSED, closed_on=date(2023, 5, 1))


def test_progress_counts_closed_this_year_over_open_plus_closed(
    world: World, yuehe_region: Region
) -> None:
    for n in range(1, 5):
        make_enterprise(world, yuehe_region, n, employee_count=30)
    open_tasks(world)
    first, second, *_ = FormationTask.objects.order_by("id")
    this_year = date.today().year
    formation_close(
        actor=world.city_admin,
        task=first,
        mode=FormationMode.STANDALONE,
        formed_on=date(this_year, 1, 2),
    )
    formation_close(
        actor=world.city_admin,
        task=second,
        mode=FormationMode.STANDALONE,
        formed_on=date(this_year - 1, 6, 1),
    )
    total, per_child = formation_progress(
        actor=world.city_admin, union=world.wuxing, year=this_year
    )
    assert (total.open, total.closed, total.percent) == (2, 1, 33)
    by_name = {p.union.name: (p.open, p.closed) for p in per_child}
    assert by_name == {"月河街道工会": (2, 1), "织里镇工会": (0, 0)}


def test_worklist_page_shows_progress_and_open_tasks(
    world: World, yuehe_region: Region, client_as
) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30, name="德清测试机械有限公司")
    open_tasks(world)
    body = client_as(world.wuxing_staff).get("/orgs/formation/").content.decode()
    assert "德清测试机械有限公司" in body
    assert "0 / 1（0%）" in body


def test_closing_through_the_page(world: World, yuehe_region: Region, client_as) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    task = FormationTask.objects.get()
    response = client_as(world.township_staff).post(
        f"/orgs/formation/{task.pk}/close/",
        {"mode": "standalone", "formed_on": "2023-06-01", "union_name": "", "chair": ""},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == FormationTask.Status.CLOSED


def test_joint_mode_without_a_joint_union_is_an_error_on_the_page(
    world: World, yuehe_region: Region, client_as
) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    task = FormationTask.objects.get()
    response = client_as(world.township_staff).post(
        f"/orgs/formation/{task.pk}/close/", {"mode": "regional_joint", "formed_on": "2023-06-01"}
    )
    assert response.status_code == 400
    assert "须选择并入的联合工会" in response.content.decode()


def test_viewer_cannot_close_a_task(world: World, yuehe_region: Region, client_as) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    world.township_staff.role = "viewer"
    world.township_staff.save()
    task = FormationTask.objects.get()
    response = client_as(world.township_staff).post(
        f"/orgs/formation/{task.pk}/close/", {"mode": "standalone", "formed_on": "2023-06-01"}
    )
    assert response.status_code == 403


def test_worklist_export_lists_the_tasks(
    world: World, yuehe_region: Region, client_as, tmp_path
) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30, name="月河导出测试有限公司")
    open_tasks(world)
    response = client_as(world.wuxing_staff).get("/orgs/formation/export/", {"union": "330502"})
    path = tmp_path / "worklist.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    assert rows[0][:3] == ["企业名称", "统一社会信用代码", "所在乡镇（街道）"]
    assert rows[1][0] == "月河导出测试有限公司"
    assert rows[1][7] == "未建会"


def test_close_form_offers_today_as_an_iso_date(
    world: World, yuehe_region: Region, client_as
) -> None:
    from django.utils import timezone

    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    task = FormationTask.objects.get()
    body = client_as(world.township_staff).get(f"/orgs/formation/{task.pk}/close/").content
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body.decode()


def test_a_closed_task_shows_how_it_was_closed_not_the_form(
    world: World, yuehe_region: Region, client_as
) -> None:
    make_enterprise(world, yuehe_region, 1, employee_count=30)
    open_tasks(world)
    task = FormationTask.objects.get()
    formation_close(
        actor=world.township_staff, task=task, mode="standalone", formed_on=date(2023, 6, 1)
    )
    body = client_as(world.township_staff).get(f"/orgs/formation/{task.pk}/close/").content
    html = body.decode()
    assert "已于 2023年6月1日 建会销号" in html
    assert "建会并销号</button>" not in html


def test_worklist_pages_fifty_tasks_at_a_time(
    world: World, yuehe_region: Region, client_as, django_assert_max_num_queries
) -> None:
    for n in range(60):
        make_enterprise(world, yuehe_region, n, employee_count=30, name=f"月河分页{n:02d}有限公司")
    open_tasks(world)
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        first = client.get("/orgs/formation/").content.decode()
    second = client.get("/orgs/formation/?page=2").content.decode()
    assert first.count("月河分页") == 50 and second.count("月河分页") == 10
    assert "共 60 条，第 1 / 2 页" in first


@override_settings(GONGHUI_REPORTS_TODAY="2023-07-01")
def test_worklist_year_is_the_reports_year(world: World, yuehe_region: Region, client_as) -> None:
    body = client_as(world.wuxing_staff).get("/orgs/formation/").content.decode()
    assert "2023年建会销号进度" in body
