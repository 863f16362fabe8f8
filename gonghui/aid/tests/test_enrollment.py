"""参保: the enrollment sheet, enrolling a whole union as a job, and the fee table."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.aid.models import MutualAidEnrollment, MutualAidPlan
from gonghui.aid.selectors import enrollment_fees, enrollments_of, member_enrolled_q
from gonghui.aid.services.plans import enrollment_export, enrollment_import
from gonghui.aid.tests.factories import EnrollmentFactory, PlanFactory
from gonghui.conftest import World
from gonghui.core.models import AuditEvent, Job, Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory, id_number_for

HEADER = "姓名,身份证号,参保日期"


@dataclass
class People:
    plan: MutualAidPlan
    zhang: Member  # 德马科技 (grassroots under 月河街道)
    li: Member  # 月河街道 itself
    wang: Member  # 织里镇
    zhao: Member  # 南浔: outside 吴兴


@pytest.fixture
def people(world: World) -> People:
    return People(
        plan=PlanFactory.create(union=world.city),
        zhang=MemberFactory.create(
            union=world.wuxing_grassroots, name="张三丰", id_number=id_number_for(1)
        ),
        li=MemberFactory.create(union=world.yuehe, name="李四光", id_number=id_number_for(2)),
        wang=MemberFactory.create(union=world.zhili, name="王五", id_number=id_number_for(3)),
        zhao=MemberFactory.create(
            union=world.nanxun_grassroots, name="赵六", id_number=id_number_for(4, "330503")
        ),
    )


def sheet(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "参保名单.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(world: World, path: Path, *, dry_run: bool = False, plan: str = "HZ-2023", union=None):
    return enrollment_import(
        actor=world.wuxing_staff,
        union=union or world.wuxing,
        path=path,
        dry_run=dry_run,
        plan=plan,
    )


def enrolled(plan: MutualAidPlan) -> dict[str, tuple[str, date]]:
    return {
        e.member.name: (e.union.code, e.enrolled_on)
        for e in MutualAidEnrollment.objects.filter(plan=plan).select_related("member", "union")
    }


# -- the sheet ---------------------------------------------------------------------------


def test_sheet_enrolls_members_in_their_own_union(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(
        world,
        sheet(
            tmp_path,
            f"张三丰,{id_number_for(1)},2023-02-01",
            f"李四光,{id_number_for(2)},2023年3月5日",
        ),
    )
    assert (report.committed, report.created, report.errors) == (True, 2, [])
    assert enrolled(people.plan) == {
        "张三丰": ("3305020010001", date(2023, 2, 1)),
        "李四光": ("330502001", date(2023, 3, 5)),
    }


def test_blank_date_means_today(world: World, tmp_path: Path) -> None:
    today = timezone.localdate()
    plan = PlanFactory.create(union=world.city, year_=today.year)
    MemberFactory.create(union=world.yuehe, name="李四光", id_number=id_number_for(2))
    report = run(world, sheet(tmp_path, f"李四光,{id_number_for(2)},"), plan=plan.code)
    assert report.created == 1
    assert MutualAidEnrollment.objects.get().enrolled_on == today


def test_id_number_headers_and_spelling_follow_the_member_sheet(
    world: World, people: People, tmp_path: Path
) -> None:
    id_lower = id_number_for(1).lower()  # the check character may be x
    path = sheet(tmp_path, f"张三丰, {id_lower} ,2023-02-01", header="姓名,公民身份号码,参保日期")
    assert run(world, path).created == 1


def test_a_name_that_does_not_match_is_an_error_on_its_row_and_column(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(
        world,
        sheet(
            tmp_path, f"李四光,{id_number_for(2)},2023-02-01", f"张三,{id_number_for(1)},2023-02-01"
        ),
    )
    assert [e.as_dict() for e in report.errors] == [
        {"row": 3, "column": "姓名", "message": "姓名：与会员档案中的姓名（张**）不一致"}
    ]
    assert not report.committed
    assert not MutualAidEnrollment.objects.exists()  # all or nothing


def test_a_person_who_is_not_a_member_is_an_error(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(world, sheet(tmp_path, f"钱七,{id_number_for(99)},2023-02-01"))
    assert [e.as_dict() for e in report.errors] == [
        {"row": 2, "column": "身份证号", "message": "身份证号：查无此在会会员，请先办理入会"}
    ]


def test_a_member_who_left_is_an_error(world: World, people: People, tmp_path: Path) -> None:
    Member.objects.filter(pk=people.wang.pk).update(status=Member.Status.LEFT)
    report = run(world, sheet(tmp_path, f"王五,{id_number_for(3)},2023-02-01"))
    assert [e.message for e in report.errors] == ["身份证号：查无此在会会员，请先办理入会"]


def test_a_member_outside_the_union_subtree_is_an_error(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(world, sheet(tmp_path, f"赵六,{id_number_for(4, '330503')},2023-02-01"))
    assert [e.as_dict() for e in report.errors] == [
        {
            "row": 2,
            "column": "身份证号",
            "message": "身份证号：此人不是吴兴区总工会及其下级工会的会员",
        }
    ]


def test_a_member_of_a_sibling_township_is_outside_a_township_import(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(world, sheet(tmp_path, f"王五,{id_number_for(3)},2023-02-01"), union=world.yuehe)
    assert [e.message for e in report.errors] == [
        "身份证号：此人不是月河街道工会及其下级工会的会员"
    ]


def test_a_date_outside_the_enrollment_window_is_an_error(
    world: World, people: People, tmp_path: Path
) -> None:
    report = run(world, sheet(tmp_path, f"张三丰,{id_number_for(1)},2024-01-01"))
    assert [e.as_dict() for e in report.errors] == [
        {
            "row": 2,
            "column": "参保日期",
            "message": "参保日期：应在方案参保期 2023-01-01 至 2023-12-31 之内",
        }
    ]


def test_enrolling_twice_is_counted_unchanged(world: World, people: People, tmp_path: Path) -> None:
    EnrollmentFactory.create(plan=people.plan, member=people.zhang, enrolled_on=date(2023, 1, 5))
    report = run(
        world,
        sheet(
            tmp_path,
            f"张三丰,{id_number_for(1)},2023-02-01",
            f"李四光,{id_number_for(2)},2023-02-01",
        ),
    )
    assert (report.created, report.unchanged) == (1, 1)
    assert enrolled(people.plan)["张三丰"] == ("3305020010001", date(2023, 1, 5))
    assert MutualAidEnrollment.objects.count() == 2


def test_a_person_twice_in_one_file_is_an_error(
    world: World, people: People, tmp_path: Path
) -> None:
    row = f"张三丰,{id_number_for(1)},2023-02-01"
    report = run(world, sheet(tmp_path, row, row))
    assert [e.as_dict() for e in report.errors] == [
        {"row": 3, "column": "身份证号", "message": "与第 2 行重复"}
    ]


def test_dry_run_writes_nothing(world: World, people: People, tmp_path: Path) -> None:
    report = run(world, sheet(tmp_path, f"张三丰,{id_number_for(1)},2023-02-01"), dry_run=True)
    assert (report.created, report.committed) == (1, False)
    assert not MutualAidEnrollment.objects.exists()
    assert not AuditEvent.objects.filter(action="aid.enrollment.import").exists()


def test_a_committed_import_is_audited_without_id_numbers(
    world: World, people: People, tmp_path: Path
) -> None:
    run(world, sheet(tmp_path, f"张三丰,{id_number_for(1)},2023-02-01"))
    event = AuditEvent.objects.get(action="aid.enrollment.import")
    assert event.summary.startswith("导入医疗互助参保名单（HZ-2023） 参保名单.csv：1 行，新增 1")
    assert id_number_for(1) not in event.summary


def test_a_plan_the_actor_cannot_see_is_refused(
    world: World, people: People, tmp_path: Path
) -> None:
    PlanFactory.create(code="NX-2023", union=world.nanxun)
    with pytest.raises(ValidationError) as caught:
        run(world, sheet(tmp_path, f"张三丰,{id_number_for(1)},2023-02-01"), plan="NX-2023")
    assert caught.value.messages == ["找不到互助方案 NX-2023，或您无权使用该方案。"]


def test_a_union_outside_the_plan_union_is_refused(
    world: World, people: People, tmp_path: Path
) -> None:
    PlanFactory.create(code="WX-2023", union=world.wuxing)
    with pytest.raises(ValidationError) as caught:
        enrollment_import(
            actor=world.city_admin,
            union=world.nanxun,
            path=sheet(tmp_path, f"赵六,{id_number_for(4, '330503')},2023-02-01"),
            dry_run=False,
            plan="WX-2023",
        )
    assert caught.value.messages == ["南浔区总工会不在吴兴区总工会的范围内，不能参加此方案。"]


def test_command_line_import(world: World, people: People, tmp_path: Path) -> None:
    path = sheet(
        tmp_path, f"张三丰,{id_number_for(1)},2023-02-01", f"王五,{id_number_for(3)},2023-02-02"
    )
    out = StringIO()
    call_command(
        "import",
        "mutual-aid-enrollments",
        str(path),
        "--plan",
        "HZ-2023",
        "--union",
        "330502",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert (result["rows"], result["created"], result["errors"]) == (2, 2, [])
    assert set(enrolled(people.plan)) == {"张三丰", "王五"}


def test_export_lists_the_enrollments_masked(world: World, people: People, tmp_path: Path) -> None:
    EnrollmentFactory.create(plan=people.plan, member=people.zhang, enrolled_on=date(2023, 2, 1))
    EnrollmentFactory.create(plan=people.plan, member=people.zhao, enrolled_on=date(2023, 2, 1))
    path = tmp_path / "out.xlsx"
    count = enrollment_export(actor=world.wuxing_staff, union=world.wuxing, path=path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert count == 1
    assert rows[0] == ["姓名", "身份证号", "参保日期", "方案代码", "所属工会"]
    assert rows[1][:2] == ["张三丰", people.zhang.id_masked]
    assert rows[1][3:] == ["HZ-2023", "德马科技集团股份有限公司工会委员会"]


# -- enrolling a whole union -------------------------------------------------------------


def enroll_all(client, plan: MutualAidPlan, union: str = "330502", on: str = "2023-03-01"):
    return client.post(
        f"/aid/plans/{plan.pk}/enrollment/enroll/", {"union": union, "enrolled_on": on}
    )


def test_enroll_all_adds_exactly_the_active_members_not_yet_enrolled(
    world: World, people: People, client_as, django_capture_on_commit_callbacks
) -> None:
    EnrollmentFactory.create(plan=people.plan, member=people.zhang, enrolled_on=date(2023, 1, 5))
    MemberFactory.create(union=world.yuehe, name="孙退会", status=Member.Status.LEFT)
    with django_capture_on_commit_callbacks(execute=True):
        response = enroll_all(client_as(world.wuxing_staff), people.plan)
    job = Job.objects.get(kind="aid_enroll_union")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.result) == (Job.State.DONE, {"新增参保人数": 2})
    assert enrolled(people.plan) == {
        "张三丰": ("3305020010001", date(2023, 1, 5)),
        "李四光": ("330502001", date(2023, 3, 1)),
        "王五": ("330502100", date(2023, 3, 1)),
    }


def test_enroll_all_progress_reaches_its_total(
    world: World, people: People, client_as, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enroll_all(client_as(world.wuxing_staff), people.plan)
    job = Job.objects.get(kind="aid_enroll_union")
    assert (job.total, job.done, job.percent) == (3, 3, 100)


def test_enroll_all_a_second_time_adds_none(
    world: World, people: People, client_as, django_capture_on_commit_callbacks
) -> None:
    client = client_as(world.wuxing_staff)
    with django_capture_on_commit_callbacks(execute=True):
        enroll_all(client, people.plan)
    with django_capture_on_commit_callbacks(execute=True):
        enroll_all(client, people.plan, on="2023-04-01")
    second = Job.objects.filter(kind="aid_enroll_union").order_by("pk").last()
    assert second is not None
    assert (second.result, second.total) == ({"新增参保人数": 0}, 0)
    assert MutualAidEnrollment.objects.count() == 3
    assert not MutualAidEnrollment.objects.filter(enrolled_on=date(2023, 4, 1)).exists()


def test_enroll_all_audits_the_count(
    world: World, people: People, client_as, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enroll_all(client_as(world.wuxing_staff), people.plan)
    event = AuditEvent.objects.get(action="aid.enrollment.enroll_union")
    assert event.summary == "吴兴区总工会会员参加HZ-2023：新增 3 人，参保日期 2023-03-01"
    assert event.union == world.wuxing


def test_enroll_all_outside_the_window_starts_no_job(
    world: World, people: People, client_as
) -> None:
    client = client_as(world.wuxing_staff)
    response = enroll_all(client, people.plan, on="2024-02-01")
    assert response.status_code == 302
    assert not Job.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "参保日期应在方案参保期 2023-01-01 至 2023-12-31 之内。" in page


def test_enroll_all_needs_an_editing_role(world: World, people: People, client_as) -> None:
    viewer = UserFactory.create(username="wuxing_viewer", union=world.wuxing, role=Role.VIEWER)
    assert enroll_all(client_as(viewer), people.plan).status_code == 403
    assert not Job.objects.exists()


def test_enroll_all_of_another_county_is_not_found(world: World, people: People, client_as) -> None:
    assert enroll_all(client_as(world.nanxun_staff), people.plan).status_code == 404
    assert not Job.objects.exists()


# -- the fee table -----------------------------------------------------------------------


@pytest.fixture
def fees(world: World, people: People) -> MutualAidPlan:
    """吴兴: 月河街道 3 (two of them in 德马科技), 织里镇 1; 南浔 1; at 24.50 yuan each."""
    MutualAidPlan.objects.filter(pk=people.plan.pk).update(fee_per_member=Decimal("24.50"))
    plan = MutualAidPlan.objects.get(pk=people.plan.pk)
    second = MemberFactory.create(union=world.wuxing_grassroots, name="周八")
    for member in (people.zhang, second, people.li, people.wang, people.zhao):
        EnrollmentFactory.create(plan=plan, member=member)
    return plan


def figures(table) -> list[tuple[str, int, Decimal, bool]]:
    return [(row.union.code, row.enrolled, row.fee, row.own) for row in table.rows]


def test_fee_table_counts_and_charges_each_child(
    world: World, fees: MutualAidPlan, django_assert_num_queries
) -> None:
    with django_assert_num_queries(2):  # the grouped counts and the children
        table = enrollment_fees(actor=world.wuxing_staff, plan=fees, union=world.wuxing)
    assert figures(table) == [
        ("330502001", 3, Decimal("73.50"), False),
        ("330502100", 1, Decimal("24.50"), False),
    ]
    assert (table.enrolled, table.fee) == (4, Decimal("98.00"))


def test_fee_table_of_the_city_has_a_row_per_county(world: World, fees: MutualAidPlan) -> None:
    table = enrollment_fees(actor=world.city_admin, plan=fees, union=world.city)
    assert figures(table) == [
        ("330502", 4, Decimal("98.00"), False),
        ("330503", 1, Decimal("24.50"), False),
    ]
    assert (table.enrolled, table.fee) == (5, Decimal("122.50"))


def test_fee_table_shows_a_township_own_members_first(world: World, fees: MutualAidPlan) -> None:
    table = enrollment_fees(actor=world.wuxing_staff, plan=fees, union=world.yuehe)
    assert figures(table) == [
        ("330502001", 1, Decimal("24.50"), True),
        ("3305020010001", 2, Decimal("49.00"), False),
    ]
    assert table.fee == Decimal("73.50")


def test_fee_page_shows_the_figures(world: World, fees: MutualAidPlan, client_as) -> None:
    response = client_as(world.wuxing_staff).get(f"/aid/plans/{fees.pk}/enrollment/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "月河街道工会" in body and "织里镇工会" in body
    for figure in ("73.50", "24.50", "98.00"):
        assert figure in body
    assert f'action="/aid/plans/{fees.pk}/enrollment/enroll/"' in body


def test_the_sibling_county_cannot_open_wuxing_fee_table(
    world: World, fees: MutualAidPlan, client_as
) -> None:
    client = client_as(world.nanxun_staff)
    assert client.get(f"/aid/plans/{fees.pk}/enrollment/?union=330502").status_code == 404
    assert client.get(f"/aid/plans/{fees.pk}/enrollment/export/?union=330502").status_code == 404


def test_the_sibling_county_sees_only_its_own_children(
    world: World, fees: MutualAidPlan, client_as
) -> None:
    body = client_as(world.nanxun_staff).get(f"/aid/plans/{fees.pk}/enrollment/").content.decode()
    assert "南浔镇工会" in body
    for name in world.wuxing_only_names:
        assert name not in body
    assert 'data-testid="total-fee">24.50<' in body


def test_fee_export_has_the_same_figures(world: World, fees: MutualAidPlan, client_as) -> None:
    response = client_as(world.wuxing_staff).get(
        f"/aid/plans/{fees.pk}/enrollment/export/?union=330502"
    )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(b"".join(response.streaming_content))
        fh.flush()
        rows = CalamineWorkbook.from_path(fh.name).get_sheet_by_index(0).to_python()
    assert rows == [
        ["工会代码", "工会名称", "参保人数", "参保费标准（元/人）", "参保费（元）"],
        ["330502001", "月河街道工会", 3, "24.50", "73.50"],
        ["330502100", "织里镇工会", 1, "24.50", "24.50"],
        ["", "合计", 4, "24.50", "98.00"],
    ]


# -- selectors for the member pages --------------------------------------------------------


def test_enrollments_of_a_member_newest_plan_first(world: World, people: People) -> None:
    older = people.plan
    newer = PlanFactory.create(union=world.city, year_=2024)
    EnrollmentFactory.create(plan=older, member=people.zhang)
    EnrollmentFactory.create(plan=newer, member=people.zhang)
    assert [e.plan.code for e in enrollments_of(people.zhang)] == ["HZ-2024", "HZ-2023"]


def test_member_enrolled_q_filters_by_plan(world: World, people: People) -> None:
    other = PlanFactory.create(union=world.city, year_=2024)
    EnrollmentFactory.create(plan=people.plan, member=people.zhang)
    EnrollmentFactory.create(plan=other, member=people.li)
    members = Member.objects.visible_to(world.wuxing_staff)
    assert {m.name for m in members.filter(member_enrolled_q(people.plan))} == {"张三丰"}
    assert {m.name for m in members.filter(~member_enrolled_q(people.plan))} == {"李四光", "王五"}
    assert {m.name for m in members.filter(member_enrolled_q())} == {"张三丰", "李四光"}


def test_upload_page_offers_the_visible_plans_newest_first(world: World, client_as) -> None:
    PlanFactory.create(union=world.city, year_=2023)
    PlanFactory.create(union=world.city, year_=2024)
    PlanFactory.create(code="NX-2025", name="南浔区2025年度互助", union=world.nanxun, year_=2025)
    body = client_as(world.wuxing_staff).get("/sheets/mutual-aid-enrollments/").content.decode()
    assert '<option value="HZ-2024">2024年度湖州市职工医疗互助（HZ-2024）</option>' in body
    assert body.index("HZ-2024") < body.index("HZ-2023")
    assert "NX-2025" not in body


def test_template_has_the_three_columns(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/sheets/mutual-aid-enrollments/template/")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(b"".join(response.streaming_content))
        fh.flush()
        rows = CalamineWorkbook.from_path(fh.name).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["姓名 *", "身份证号 *", "参保日期"]
