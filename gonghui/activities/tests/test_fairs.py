"""春风送岗 job fairs: the fair, its positions sheet, closing it, scope, the indicators."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from gonghui.activities.models import JobFair, JobFairEmployer, JobPosition
from gonghui.activities.selectors import access_fair, fair_choices
from gonghui.activities.services import fair_close, fair_create
from gonghui.activities.sheets.positions import position_import
from gonghui.activities.tests.factories import JobFairFactory, JobPositionFactory
from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.core.models import AuditEvent
from gonghui.core.pii import uscc_compose
from gonghui.orgs.models import Enterprise, Region
from gonghui.reports.narrative import half_year_report

JUNE = datetime.date(2023, 6, 15)
HEADERS = [
    "用人单位",
    "统一社会信用代码",
    "岗位名称",
    "招聘人数",
    "月薪下限（元）",
    "月薪上限（元）",
    "接受新就业形态劳动者",
    "投递人数",
    "录用人数",
]


def registered(world: World) -> Enterprise:
    region, _ = Region.objects.get_or_create(
        code="330502001", defaults={"name": "月河街道", "level": Region.Level.TOWNSHIP}
    )
    return Enterprise.objects.create(
        uscc=uscc_compose("91330502MA2D00001"),
        name="德马科技集团股份有限公司",
        region=region,
        owner_union=world.yuehe,
        employee_count=800,
    )


def fair(world: World, **kwargs: Any) -> JobFair:
    values: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "title": "2023年春风送岗专场招聘会",
        "held_on": JUNE,
        "mode": JobFair.Mode.ONSITE,
        "venue": "月河街道职工服务中心",
    }
    values.update(kwargs)
    return fair_create(**values)


def sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "positions.xlsx"
    book.save(path)
    return path


def test_creating_a_fair_records_an_audit_event(world: World) -> None:
    made = fair(world)
    event = AuditEvent.objects.get(action="activities.jobfair.create")
    assert (event.union_id, event.summary) == (
        world.yuehe.pk,
        "新建招聘会“2023年春风送岗专场招聘会”（2023-06-15）",
    )
    assert made.closed_on is None


def test_a_fair_in_the_future_or_without_a_name_is_refused_with_both_reasons(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        fair(world, title=" ", held_on=datetime.date(2099, 1, 1))
    assert caught.value.message_dict == {
        "title": ["请填写招聘会名称"],
        "held_on": ["举办日期不能晚于今天（招聘会举办后录入）"],
    }


def test_the_same_fair_twice_is_refused(world: World) -> None:
    fair(world)
    with pytest.raises(ValidationError, match="已经录入"):
        fair(world)


def test_a_sibling_county_may_not_create_a_fair_for_wuxing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        fair(world, actor=world.nanxun_staff)


def test_a_sibling_county_does_not_find_the_fair(world: World) -> None:
    made = fair(world)
    with pytest.raises(Http404):
        access_fair(actor=world.nanxun_staff, fair_id=made.pk)


def test_positions_are_imported_and_the_employer_linked_to_the_register(
    world: World, tmp_path: Path
) -> None:
    company = registered(world)
    made = fair(world)
    path = sheet(
        tmp_path,
        [
            [company.name, company.uscc, "数控车床操作工", 5, 6500, 10000, "否", 12, 3],
            [company.name, company.uscc, "质检员", 2, "4800", "6500", "否", "", ""],
            ["杭州智造有限公司", "", "外卖骑手", 20, "", "", "是", 30, 8],
        ],
    )
    report = position_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False, fair=str(made.pk)
    )
    assert (report.committed, report.created) == (True, 3)
    linked = JobFairEmployer.objects.get(fair=made, name=company.name)
    assert linked.enterprise_id == company.pk
    outside = JobFairEmployer.objects.get(fair=made, name="杭州智造有限公司")
    assert outside.enterprise_id is None
    rider = JobPosition.objects.get(title="外卖骑手")
    assert (rider.posts, rider.new_form_open, rider.pay_min, rider.hires) == (20, True, None, 8)
    assert JobPosition.objects.get(title="质检员").pay_max == Decimal("6500.00")


def test_importing_the_same_positions_again_creates_nothing(world: World, tmp_path: Path) -> None:
    made = fair(world)
    path = sheet(tmp_path, [["湖州某厂", "", "普工", 10, "", "", "否", 0, 0]])
    args: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "path": path,
        "fair": str(made.pk),
    }
    position_import(dry_run=False, **args)
    again = position_import(dry_run=False, **args)
    assert (again.created, again.unchanged) == (0, 1)
    assert JobPosition.objects.count() == 1


def test_every_bad_position_row_is_reported_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    made = fair(world)
    path = sheet(
        tmp_path,
        [
            ["甲厂", "", "普工", 0, "", "", "否", 0, 0],
            ["乙厂", "", "电工", 3, 9000, 6000, "否", 0, 0],
            ["丙厂", "", "焊工", 3, "", "", "也许", 2, 5],
            ["丁厂", "", "会计", 1, "", "", "否", 0, 0],
            ["丁厂", "", "会计", 1, "", "", "否", 0, 0],
        ],
    )
    report = position_import(
        actor=world.township_staff,
        union=world.yuehe,
        path=path,
        dry_run=False,
        fair=str(made.pk),
    )
    found = {(e.row, e.column): e.message for e in report.errors}
    assert report.committed is False
    assert found[(2, "招聘人数")] == "招聘人数：应在1到100000之间"
    assert found[(3, "月薪上限（元）")] == "月薪上限（元）：不能低于月薪下限"
    assert (4, "接受新就业形态劳动者") in found
    assert found[(4, "录用人数")] == "录用人数：不能多于投递人数"
    assert 6 in {e.row for e in report.errors}  # the repeated row
    assert not JobPosition.objects.exists()


def test_a_closed_fair_takes_no_positions(world: World, tmp_path: Path) -> None:
    made = fair_close(actor=world.township_staff, fair=fair(world), on=JUNE)
    path = sheet(tmp_path, [["湖州某厂", "", "普工", 10, "", "", "否", 0, 0]])
    report = position_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=True, fair=str(made.pk)
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "岗位名称：招聘会“2023年春风送岗专场招聘会”已于 2023-06-15 结束，不能再导入岗位")
    ]


def test_a_fair_is_closed_once(world: World) -> None:
    made = fair_close(actor=world.township_staff, fair=fair(world), on=JUNE)
    with pytest.raises(ValidationError, match="已于 2023-06-15 结束"):
        fair_close(actor=world.township_staff, fair=made)


def test_closed_fairs_are_not_offered_for_an_import(world: World) -> None:
    open_fair = fair(world)
    fair_close(actor=world.township_staff, fair=fair(world, title="已结束的招聘会"), on=JUNE)
    assert [value for value, _ in fair_choices(world.township_staff)] == [str(open_fair.pk)]


def test_a_sibling_county_cannot_import_into_the_fair(world: World, tmp_path: Path) -> None:
    made = fair(world)
    path = sheet(tmp_path, [["湖州某厂", "", "普工", 10, "", "", "否", 0, 0]])
    with pytest.raises(ValidationError, match="没有编号为"):
        position_import(
            actor=world.nanxun_staff,
            union=world.nanxun,
            path=path,
            dry_run=True,
            fair=str(made.pk),
        )


def test_the_command_imports_the_positions_of_a_fair(world: World, tmp_path: Path) -> None:
    made = fair(world)
    path = sheet(tmp_path, [["湖州某厂", "", "普工", 10, "", "", "否", 0, 0]])
    out = StringIO()
    call_command(
        "import",
        "job-positions",
        str(path),
        "--union",
        world.yuehe.code,
        "--fair",
        str(made.pk),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["created"] == 1
    assert JobPosition.objects.get().fair_id == made.pk


# --- indicators ---------------------------------------------------------------------------


@pytest.fixture
def fairs(world: World) -> World:
    """Fairs: 月河 2023-01-01 (posts 10 + 5), 织里 2023-06-30 (posts 7), 南浔镇 2022-12-31
    (posts 100) and 南浔镇 2023-07-01 (posts 50)."""
    for union, day, posts in (
        (world.yuehe, datetime.date(2023, 1, 1), (10, 5)),
        (world.zhili, datetime.date(2023, 6, 30), (7,)),
        (world.nanxun_town, datetime.date(2022, 12, 31), (100,)),
        (world.nanxun_town, datetime.date(2023, 7, 1), (50,)),
    ):
        made = JobFairFactory.create(union=union, held_on=day)
        for n in posts:
            JobPositionFactory.create(employer__fair=made, posts=n)
    return world


def test_fairs_of_the_half_year_count_its_first_and_last_day(fairs: World) -> None:
    values = indicator_values(indicator_get("job_fairs"), fairs.city, [Period.half(2023, 1)])[0]
    assert values.total == 2
    assert values.by_child == {"330502": 2, "330503": 0}


def test_posts_count_with_their_fair_by_its_date(fairs: World) -> None:
    h1, june, year_2022 = indicator_values(
        indicator_get("job_positions"),
        fairs.city,
        [Period.half(2023, 1), Period.month(2023, 6), Period.year(2022)],
    )
    assert (h1.total, june.total, year_2022.total) == (22, 7, 100)


def test_the_half_year_report_speaks_of_the_fairs_in_the_seeds_words(fairs: World) -> None:
    report = half_year_report(union=fairs.city, year=2023)
    paragraph = next(p for p in report.paragraphs if p.section == "就业帮扶与协作")
    assert paragraph.text == (
        "上半年，全市线上线下举办“春风送岗”就业招聘活动2场次、推出岗位22个，"
        "各区县中吴兴区最多（2场次）。"
    )


# --- pages ----------------------------------------------------------------------------------


def test_the_fair_list_shows_the_subtree_with_totals_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(20):
        JobPositionFactory.create(employer__fair__union=world.yuehe, posts=n + 1)
    JobFairFactory.create(union=world.nanxun, title="南浔的招聘会")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/activities/fairs/").content.decode()
    assert page.count('data-label="招聘会名称"') == 20
    assert "南浔的招聘会" not in page


def test_the_new_fair_page_records_a_fair_and_opens_it(world: World, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/activities/fairs/new/",
        {"title": "春风送岗·月河专场", "held_on": "2023-06-15", "mode": "both", "venue": "广场"},
    )
    made = JobFair.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/activities/fairs/{made.pk}/"
    assert (made.union, made.mode) == (world.yuehe, "both")


def test_the_new_fair_page_gives_the_reason_beside_the_date(world: World, client_as) -> None:
    page = client_as(world.township_staff).post(
        "/activities/fairs/new/",
        {"title": "未来的招聘会", "held_on": "2099-01-01", "mode": "onsite"},
    )
    assert page.status_code == 200
    assert "举办日期不能晚于今天（招聘会举办后录入）" in page.content.decode()
    assert not JobFair.objects.exists()


def test_the_fair_page_lists_positions_and_links_the_import(world: World, client_as) -> None:
    position = JobPositionFactory.create(
        employer__fair__union=world.yuehe, employer__name="湖州某厂", title="焊工", posts=6
    )
    page = client_as(world.township_staff).get(f"/activities/fairs/{position.fair_id}/")
    text = page.content.decode()
    assert "湖州某厂" in text and "焊工" in text
    assert f"/sheets/job-positions/?fair={position.fair_id}" in text


def test_closing_from_the_page_ends_the_fair(world: World, client_as) -> None:
    made = JobFairFactory.create(union=world.yuehe)
    response = client_as(world.township_staff).post(f"/activities/fairs/{made.pk}/close/")
    made.refresh_from_db()
    assert response.status_code == 302
    assert made.closed_on is not None


def test_a_viewer_may_not_close_a_fair(world: World, client_as) -> None:
    from gonghui.core.models import Role
    from gonghui.core.tests.factories import UserFactory

    viewer = UserFactory.create(username="yuehe_viewer", union=world.yuehe, role=Role.VIEWER)
    made = JobFairFactory.create(union=world.yuehe)
    response = client_as(viewer).post(f"/activities/fairs/{made.pk}/close/")
    made.refresh_from_db()
    assert (response.status_code, made.closed_on) == (403, None)


# --- 东西部协作 and 对口支援 ------------------------------------------------------------------


def test_agreements_count_by_signing_day_and_name_their_partners(world: World) -> None:
    from gonghui.activities.models import Partnership

    for partner, kind, day in (
        ("柯坪县", "east_west", datetime.date(2023, 4, 11)),
        ("乌兰县", "paired_support", datetime.date(2023, 6, 30)),
        ("乌兰县", "paired_support", datetime.date(2022, 9, 16)),
        ("白山市", "recuperation_base", datetime.date(2023, 6, 8)),
    ):
        Partnership.objects.create(
            union=world.city, partner=partner, kind=kind, title=f"{partner}协议", signed_on=day
        )
    h1 = indicator_values(
        indicator_get("partnership_agreements"), world.city, [Period.half(2023, 1)]
    )[0]
    assert h1.total == 2  # the base in 白山市 is not an agreement
    report = half_year_report(union=world.city, year=2023)
    paragraph = next(p for p in report.paragraphs if p.section == "就业帮扶与协作")
    assert paragraph.text == (
        "上半年，全市加大东西部协作和对口支援，签订框架合作协议2份（乌兰县1份、柯坪县1份）。"
    )


def test_an_agreement_in_the_future_or_a_base_without_a_name_is_refused(world: World) -> None:
    from gonghui.activities.services import partnership_create

    with pytest.raises(ValidationError) as caught:
        partnership_create(
            actor=world.city_admin,
            union=world.city,
            kind="recuperation_base",
            partner="白山市",
            title="疗休养基地挂牌",
            signed_on=datetime.date(2099, 1, 1),
        )
    assert caught.value.message_dict == {
        "signed_on": ["签订日期不能晚于今天"],
        "base_name": ["疗休养基地须填写基地名称"],
    }


def test_the_partnership_page_records_an_agreement(world: World, client_as) -> None:
    from gonghui.activities.models import Partnership

    response = client_as(world.city_admin).post(
        "/activities/partnerships/new/",
        {
            "kind": "east_west",
            "partner": "柯坪县",
            "title": "东西部协作框架合作协议",
            "signed_on": "2023-04-11",
            "money": "500000",
        },
    )
    agreement = Partnership.objects.get()
    assert response.status_code == 302
    assert (agreement.union, agreement.money) == (world.city, Decimal("500000.00"))
