"""The activity ledger: kinds and their rules, scope, the pages, the sheet, the API (its
indicators are in test_indicators.py)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.activities.kinds import kind_by_label, kinds
from gonghui.activities.models import Activity
from gonghui.activities.selectors import access_activity
from gonghui.activities.services import activity_create
from gonghui.activities.sheets.activities import activity_import
from gonghui.activities.tests.factories import ActivityFactory
from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.core.pii import uscc_compose
from gonghui.orgs.models import Enterprise, Region

JUNE = datetime.date(2023, 6, 15)


def enterprise(world: World, n: int, **flags: Any) -> Enterprise:
    region, _ = Region.objects.get_or_create(
        code="330502001", defaults={"name": "月河街道", "level": Region.Level.TOWNSHIP}
    )
    return Enterprise.objects.create(
        uscc=uscc_compose(f"91330502MA2D{n:05d}"),
        name=f"月河测试{n}有限公司",
        region=region,
        owner_union=world.yuehe,
        employee_count=100,
        **flags,
    )


def create(world: World, **kwargs: Any) -> Activity:
    values: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "kind": "lecture",
        "title": "劳模宣讲进车间",
        "held_on": JUNE,
        "attendance": 60,
        "extra": {"speaker_type": "劳模"},
    }
    values.update(kwargs)
    return activity_create(**values)


def test_the_seven_kinds_are_declared_with_their_chinese_names() -> None:
    assert {k.key: k.label for k in kinds().values()} == {
        "pre_shift_talk": "班前十分钟",
        "lecture": "宣讲",
        "culture_sports": "文体活动",
        "livestream": "直播",
        "campus_visit": "劳模工匠进校园",
        "teacher_enterprise_visit": "思政教师进企业",
        "forum": "座谈会",
    }
    kind = kind_by_label("班前十分钟")
    assert kind is not None and kind.needs_enterprise


def test_creating_an_activity_records_an_audit_event(world: World) -> None:
    activity = create(world)
    event = AuditEvent.objects.get(action="activities.activity.create")
    assert (event.object_id, event.union, activity.created_by, activity.extra) == (
        str(activity.pk),
        world.yuehe,
        world.township_staff,
        {"speaker_type": "劳模"},
    )


def test_a_talk_in_an_enterprise_neither_above_scale_nor_a_pilot_is_refused(world: World) -> None:
    small = enterprise(world, 1)
    with pytest.raises(ValidationError) as refused:
        create(world, kind="pre_shift_talk", enterprise=small, extra={})
    assert refused.value.message_dict == {
        "enterprise": ["班前十分钟须在规上企业或产改试点企业开展，“月河测试1有限公司”两者都不是"]
    }


def test_a_talk_in_a_reform_pilot_is_recorded(world: World) -> None:
    pilot = enterprise(world, 2, is_reform_pilot=True)
    activity = create(world, kind="pre_shift_talk", enterprise=pilot, extra={})
    assert activity.enterprise == pilot


def test_every_problem_of_an_activity_is_given_at_once(world: World) -> None:
    world.yuehe.established_on = datetime.date(2010, 1, 1)
    world.yuehe.save(update_fields=["established_on"])
    with pytest.raises(ValidationError) as refused:
        create(world, held_on=datetime.date(2009, 5, 1), attendance=100_001, extra={})
    assert refused.value.message_dict == {
        "held_on": ["活动日期不能早于组织工会的成立日期（2010-01-01）"],
        "attendance": ["参与人次应在 0 至 100000 之间"],
        "speaker_type": ["宣讲须填写主讲人类型"],
    }
    assert not Activity.objects.exists()


def test_a_date_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        create(world, held_on=datetime.date.today() + datetime.timedelta(days=2))
    assert refused.value.message_dict == {"held_on": ["活动日期不能晚于今天"]}


def test_a_sibling_county_may_not_record_for_wuxing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        create(world, actor=world.nanxun_staff)


def test_a_sibling_county_gets_not_found(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe)
    with pytest.raises(Http404):
        access_activity(actor=world.nanxun_staff, activity_id=activity.pk)


def test_the_list_page_shows_the_subtree_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    ActivityFactory.create_batch(30, union=world.yuehe)
    ActivityFactory.create(union=world.nanxun, title="南浔的宣讲")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/activities/").content.decode()
    assert page.count('data-label="活动名称"') == 30
    assert "南浔的宣讲" not in page


def test_the_new_page_records_a_lecture(world: World, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/activities/new/",
        {
            "kind": "lecture",
            "title": "工匠宣讲",
            "held_on": "2023-06-15",
            "attendance": "45",
            "speaker_type": "工匠",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.union, activity.kind, activity.extra) == (
        world.yuehe,
        "lecture",
        {"speaker_type": "工匠"},
    )


def test_the_new_page_shows_the_kinds_rule_beside_its_field(world: World, client_as) -> None:
    page = client_as(world.township_staff).post(
        "/activities/new/",
        {
            "kind": "pre_shift_talk",
            "title": "班前十分钟",
            "held_on": "2023-06-15",
            "attendance": "20",
        },
    )
    assert "班前十分钟须填写开展企业的统一社会信用代码" in page.content.decode()
    assert not Activity.objects.exists()


HEADERS = ["类型", "活动名称", "活动日期", "组织工会", "统一社会信用代码", "参与人次", "主讲人类型"]


def sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "activities.xlsx"
    book.save(path)
    return path


def test_importing_the_same_ledger_again_creates_nothing(world: World, tmp_path: Path) -> None:
    pilot = enterprise(world, 3, is_above_scale=True)
    path = sheet(
        tmp_path,
        [
            ["班前十分钟", "安全生产十分钟", "2023-06-01", "", pilot.uscc, 30, ""],
            ["宣讲", "劳模宣讲", "2023-06-02", world.yuehe.code, "", 80, "劳模"],
            ["文体活动", "职工篮球赛", "2023-06-03", world.yuehe.name, "", 120, ""],
        ],
    )
    first = activity_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    again = activity_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert (first.committed, first.created, again.created, again.unchanged) == (True, 3, 0, 3)
    assert sorted(Activity.objects.values_list("kind", flat=True)) == [
        "culture_sports",
        "lecture",
        "pre_shift_talk",
    ]


def test_every_bad_row_is_reported_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    small = enterprise(world, 4)
    path = sheet(
        tmp_path,
        [
            ["班前十分钟", "十分钟", "2023-06-01", "", small.uscc, 30, ""],
            ["宣讲", "宣讲一", "2023-06-02", "", "", "很多", ""],
            ["宣讲", "宣讲二", "2023-06-02", "不存在的工会", "", 10, "劳模"],
            ["文体活动", "篮球赛", "2023-06-03", "", "", 10, ""],
            ["文体活动", "篮球赛", "2023-06-03", "", "", 10, ""],
        ],
    )
    report = activity_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    found = {(e.row, e.column) for e in report.errors}
    assert report.committed is False
    assert {(2, "统一社会信用代码"), (3, "参与人次"), (3, "主讲人类型"), (4, "组织工会")} <= found
    assert 6 in {e.row for e in report.errors}  # the repeated row
    assert not Activity.objects.exists()


def test_the_api_lists_the_callers_scope(world: World, client_as) -> None:
    ActivityFactory.create(union=world.yuehe, title="吴兴的")
    ActivityFactory.create(union=world.nanxun, title="南浔的")
    items = client_as(world.nanxun_staff).get("/api/v1/activities").json()["items"]
    assert [item["title"] for item in items] == ["南浔的"]


def test_an_import_reads_the_register_once_whatever_its_rows(world: World, tmp_path: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows: int) -> int:
        for n in range(rows):
            enterprise(world, 100 + n, is_above_scale=True)
        path = sheet(
            tmp_path,
            [
                [
                    "班前十分钟",
                    f"十分钟{n}",
                    "2023-06-01",
                    "",
                    uscc_compose(f"91330502MA2D{100 + n:05d}"),
                    9,
                    "",
                ]
                for n in range(rows)
            ],
        )
        with CaptureQueriesContext(connection) as captured:
            report = activity_import(
                actor=world.township_staff, union=world.yuehe, path=path, dry_run=True
            )
        assert report.valid == rows
        Enterprise.objects.all().delete()
        return len(captured.captured_queries)

    assert queries(2) == queries(20)


def test_the_command_imports_a_ledger_as_the_server_operator(world: World, tmp_path: Path) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    path = sheet(tmp_path, [["文体活动", "篮球赛", "2023-06-03", "", "", 10, ""]])
    out = StringIO()
    call_command(
        "import", "activities", str(path), "--union", world.yuehe.code, "--json", stdout=out
    )
    assert json.loads(out.getvalue())["created"] == 1
    assert Activity.objects.get().union == world.yuehe


def test_the_list_filters_by_kind_month_and_union(world: World, client_as) -> None:
    ActivityFactory.create(union=world.yuehe, title="六月宣讲", held_on=datetime.date(2023, 6, 2))
    ActivityFactory.create(union=world.yuehe, title="五月宣讲", held_on=datetime.date(2023, 5, 2))
    ActivityFactory.create(union=world.zhili, title="织里宣讲", held_on=datetime.date(2023, 6, 3))
    ActivityFactory.create(
        union=world.yuehe, kind="forum", title="六月座谈", held_on=datetime.date(2023, 6, 4)
    )
    page = client_as(world.wuxing_staff).get(
        "/activities/", {"union": world.yuehe.code, "kind": "lecture", "month": "2023-06"}
    )
    text = page.content.decode()
    assert [t for t in ("六月宣讲", "五月宣讲", "织里宣讲", "六月座谈") if t in text] == [
        "六月宣讲"
    ]


def test_a_union_outside_the_scope_is_not_found(world: World, client_as) -> None:
    page = client_as(world.nanxun_staff).get("/activities/", {"union": world.yuehe.code})
    assert page.status_code == 404


def test_the_calendar_places_each_activity_on_its_day(world: World, client_as) -> None:
    ActivityFactory.create(union=world.yuehe, title="月初宣讲", held_on=datetime.date(2023, 6, 1))
    for n in range(6):
        ActivityFactory.create(union=world.yuehe, title=f"同日{n}", held_on=JUNE)
    page = client_as(world.township_staff).get(
        "/activities/", {"view": "calendar", "month": "2023-06"}
    )
    weeks = page.context["weeks"]
    days = {cell.day: cell for week in weeks for cell in week if cell.day}
    assert len(days) == 30
    assert [a.title for a in days[datetime.date(2023, 6, 1)].activities] == ["月初宣讲"]
    assert (len(days[JUNE].activities), days[JUNE].count) == (4, 6)
    text = page.content.decode()
    assert "等 6 场" in text
    assert "month=2023-05" in text and "month=2023-07" in text  # the months either side
