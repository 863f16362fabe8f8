"""Targets (目标): how reports read them, who may set them, the targets page, and the
targets sheet (import in both layouts, its errors, re-import, export, the command line)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.conftest import World, build_world
from gonghui.core.indicators.registry import Tree
from gonghui.core.models import AuditEvent, Job, Role
from gonghui.core.tests.factories import TEST_PASSWORD, UserFactory
from gonghui.orgs.tests.factories import UnionFactory
from gonghui.reports.models import Target
from gonghui.reports.sheets import (
    target_value,
    targets_export,
    targets_grid,
    targets_import,
    targets_save,
)
from gonghui.reports.targets import target_clear, target_set, targets_for
from gonghui.testing.browser import SCREENSHOTS

PAGE = "/reports/targets/"


def set_target(union, key: str, value: str, year: int = 2023) -> None:
    Target.objects.create(indicator=key, year=year, union=union, value=Decimal(value))


def own(union, key: str, year: int = 2023) -> Decimal | None:
    return (
        Target.objects.filter(indicator=key, year=year, union=union)
        .values_list("value", flat=True)
        .first()
    )


# --- targets_for -------------------------------------------------------------------------


def test_targets_for_reads_the_unions_own_target(world: World) -> None:
    set_target(world.city, "members_new", "15000")
    set_target(world.wuxing, "members_new", "6000")
    found = targets_for(Tree.of(world.city), 2023, ["members_new"])
    assert found == {"members_new": {None: Decimal("15000"), "330502": Decimal("6000")}}


def test_targets_for_sums_the_children_when_the_union_has_none(world: World) -> None:
    set_target(world.wuxing, "members_new", "6000")
    set_target(world.nanxun, "members_new", "4000.50")
    found = targets_for(Tree.of(world.city), 2023, ["members_new"])
    assert found["members_new"][None] == Decimal("10000.50")


def test_targets_for_does_not_add_up_a_ratio(world: World) -> None:
    set_target(world.wuxing, "above_scale_union_rate", "90")
    set_target(world.nanxun, "above_scale_union_rate", "80")
    found = targets_for(Tree.of(world.city), 2023, ["above_scale_union_rate"])
    assert None not in found["above_scale_union_rate"]


def test_targets_for_does_not_add_up_a_median(world: World) -> None:
    set_target(world.wuxing, "aid_days_to_payment", "20")
    set_target(world.nanxun, "aid_days_to_payment", "25")
    found = targets_for(Tree.of(world.city), 2023, ["aid_days_to_payment"])
    assert None not in found["aid_days_to_payment"]


def test_targets_for_reads_only_the_year_asked(world: World) -> None:
    set_target(world.city, "members_new", "15000", year=2022)
    assert targets_for(Tree.of(world.city), 2023, ["members_new"]) == {}


# --- target_set and target_clear ----------------------------------------------------------


def test_city_admin_sets_a_countys_target(world: World) -> None:
    target_set(
        actor=world.city_admin, union=world.wuxing, indicator="members_new", year=2023, value="6000"
    )
    assert own(world.wuxing, "members_new") == Decimal("6000.00")


def test_setting_a_target_again_updates_it(world: World) -> None:
    for value in ("6000", "6500"):
        target_set(
            actor=world.wuxing_staff,
            union=world.wuxing,
            indicator="members_new",
            year=2023,
            value=value,
        )
    assert list(Target.objects.values_list("value", flat=True)) == [Decimal("6500.00")]


def test_setting_a_target_is_audited(world: World) -> None:
    target_set(
        actor=world.wuxing_staff, union=world.yuehe, indicator="members_new", year=2023, value="800"
    )
    event = AuditEvent.objects.get(action="report.target.set")
    assert (event.actor, event.union) == (world.wuxing_staff, world.yuehe)
    assert event.summary == "2023年月河街道工会“新发展会员”目标设为 800.00人"


def test_a_county_cannot_set_the_citys_target(world: World) -> None:
    with pytest.raises(PermissionDenied):
        target_set(
            actor=world.wuxing_staff,
            union=world.city,
            indicator="members_new",
            year=2023,
            value="1",
        )
    assert not Target.objects.exists()


def test_a_sibling_county_cannot_set_wuxings_target(world: World) -> None:
    with pytest.raises(PermissionDenied):
        target_set(
            actor=world.nanxun_staff,
            union=world.wuxing,
            indicator="members_new",
            year=2023,
            value="1",
        )


def test_a_reviewer_cannot_set_a_target(world: World) -> None:
    reviewer = UserFactory.create(
        username="wuxing_reviewer", union=world.wuxing, role=Role.REVIEWER
    )
    with pytest.raises(PermissionDenied):
        target_set(
            actor=reviewer, union=world.wuxing, indicator="members_new", year=2023, value="1"
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "不能为负数"), ("abc", "须为数字"), ("NaN", "须为数字"), ("1e15", "过大")],
)
def test_a_bad_target_is_refused(world: World, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        target_set(
            actor=world.city_admin,
            union=world.city,
            indicator="members_new",
            year=2023,
            value=value,
        )


def test_a_grassroots_union_takes_no_target(world: World) -> None:
    with pytest.raises(ValidationError, match="目标只设到"):
        target_set(
            actor=world.city_admin,
            union=world.wuxing_grassroots,
            indicator="members_new",
            year=2023,
            value="5",
        )


def test_an_unknown_indicator_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="没有指标"):
        target_set(actor=world.city_admin, union=world.city, indicator="nope", year=2023, value="5")


def test_clearing_a_target_removes_it_and_is_audited(world: World) -> None:
    set_target(world.wuxing, "members_new", "6000")
    assert target_clear(
        actor=world.wuxing_staff, union=world.wuxing, indicator="members_new", year=2023
    )
    assert not Target.objects.exists()
    assert AuditEvent.objects.filter(action="report.target.clear", union=world.wuxing).count() == 1


def test_a_sibling_county_cannot_clear_a_target(world: World) -> None:
    set_target(world.wuxing, "members_new", "6000")
    with pytest.raises(PermissionDenied):
        target_clear(
            actor=world.nanxun_staff, union=world.wuxing, indicator="members_new", year=2023
        )
    assert Target.objects.count() == 1


# --- values as typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("15,000", "15000.00"), ("95%", "95.00"), (12.345, "12.35"), ("０.５", "0.50"), (7, "7.00")],
)
def test_target_value_reads_numbers_as_people_type_them(raw: object, expected: str) -> None:
    assert target_value(raw) == Decimal(expected)


# --- the grid and the page ---------------------------------------------------------------


def test_grid_of_the_city_has_the_city_and_its_counties(world: World) -> None:
    grid = targets_grid(union=world.city, year=2023)
    assert [u.code for u in grid.unions] == ["3305", "330502", "330503"]


def test_grid_of_a_township_has_only_itself(world: World) -> None:
    # Its children are grassroots unions, which take no targets.
    assert [u.code for u in targets_grid(union=world.yuehe, year=2023).unions] == ["330502001"]


def test_grid_shows_the_sum_of_the_counties_where_the_city_has_none(world: World) -> None:
    set_target(world.wuxing, "members_new", "6000")
    set_target(world.nanxun, "members_new", "4000")
    row = next(
        r
        for r in targets_grid(union=world.city, year=2023).rows
        if r.indicator.key == "members_new"
    )
    assert row.cells[0].target is None
    assert row.cells[0].summed == Decimal("10000")
    assert [c.target for c in row.cells[1:]] == [Decimal("6000"), Decimal("4000")]


def test_page_shows_the_targets_of_the_city_and_its_counties(world: World, client_as) -> None:
    set_target(world.wuxing, "mutual_aid_paid_amount", "1234567.5")
    body = client_as(world.city_admin).get(f"{PAGE}?union=3305&year=2023").content.decode()
    assert "吴兴区总工会" in body and "南浔区总工会" in body
    assert 'name="t:mutual_aid_paid_amount:330502" value="1234567.50"' in body


def test_page_of_a_reader_shows_numbers_with_separators(world: World, client_as) -> None:
    viewer = UserFactory.create(username="city_viewer", union=world.city, role=Role.VIEWER)
    set_target(world.wuxing, "mutual_aid_paid_amount", "1234567.5")
    body = client_as(viewer).get(f"{PAGE}?union=3305&year=2023").content.decode()
    assert "1,234,567.50" in body
    assert 'name="t:' not in body


def test_page_shows_the_counties_sum_as_the_citys_placeholder(world: World, client_as) -> None:
    set_target(world.wuxing, "members_new", "6000")
    set_target(world.nanxun, "members_new", "4000")
    body = client_as(world.city_admin).get(f"{PAGE}?union=3305&year=2023").content.decode()
    assert 'placeholder="合计 10,000"' in body


def test_page_defaults_to_the_users_union(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get(PAGE)
    assert response.context["union"] == world.wuxing
    assert [u.code for u in response.context["grid"].unions] == [
        "330502",
        "330502001",
        "330502100",
    ]


def test_page_of_a_sibling_county_is_not_found(world: World, client_as) -> None:
    assert client_as(world.nanxun_staff).get(f"{PAGE}?union=330502").status_code == 404


def test_page_of_the_county_above_is_not_found_for_a_township(world: World, client_as) -> None:
    assert client_as(world.township_staff).get(f"{PAGE}?union=330502").status_code == 404


def test_page_of_a_grassroots_union_says_it_takes_no_targets(world: World, client_as) -> None:
    body = client_as(world.grassroots_chair).get(PAGE).content.decode()
    assert "基层工会不设年度目标" in body


def test_saving_the_page_sets_the_targets(world: World, client_as) -> None:
    response = client_as(world.city_admin).post(
        PAGE,
        {
            "union": "3305",
            "year": "2023",
            "t:members_new:3305": "15000",
            "t:members_new:330502": "6,000",
            "t:members_new:330503": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/reports/targets/?union=3305&year=2023"
    assert (own(world.city, "members_new"), own(world.wuxing, "members_new")) == (
        Decimal("15000"),
        Decimal("6000"),
    )
    assert own(world.nanxun, "members_new") is None


def test_saving_an_emptied_cell_clears_the_target(world: World, client_as) -> None:
    set_target(world.wuxing, "members_new", "6000")
    client_as(world.wuxing_staff).post(
        PAGE, {"union": "330502", "year": "2023", "t:members_new:330502": ""}
    )
    assert own(world.wuxing, "members_new") is None


def test_saving_an_unchanged_page_writes_nothing(world: World, client_as) -> None:
    set_target(world.wuxing, "members_new", "6000")
    client_as(world.wuxing_staff).post(
        PAGE, {"union": "330502", "year": "2023", "t:members_new:330502": "6000"}
    )
    assert not AuditEvent.objects.filter(action__startswith="report.target").exists()


def test_a_bad_cell_saves_nothing_and_says_why(world: World, client_as) -> None:
    response = client_as(world.city_admin).post(
        PAGE,
        {
            "union": "3305",
            "year": "2023",
            "t:members_new:330502": "6000",
            "t:members_new:330503": "-5",
        },
    )
    assert response.status_code == 400
    assert "新发展会员：不能为负数" in response.content.decode()
    assert not Target.objects.exists()


def test_a_reviewer_cannot_save_the_page(world: World, client_as) -> None:
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    response = client_as(reviewer).post(
        PAGE, {"union": "3305", "year": "2023", "t:members_new:3305": "1"}
    )
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_a_sibling_county_cannot_save_wuxings_targets(world: World, client_as) -> None:
    response = client_as(world.nanxun_staff).post(
        PAGE, {"union": "330502", "year": "2023", "t:members_new:330502": "1"}
    )
    assert response.status_code == 404
    assert not Target.objects.exists()


def test_a_county_cannot_reach_the_city_through_a_field_name(world: World, client_as) -> None:
    # Only the page's own cells are read: a field naming the city is ignored.
    client_as(world.wuxing_staff).post(
        PAGE, {"union": "330502", "year": "2023", "t:members_new:3305": "1"}
    )
    assert not Target.objects.exists()


def test_targets_save_reports_every_bad_cell(world: World) -> None:
    outcome = targets_save(
        actor=world.city_admin,
        union=world.city,
        year=2023,
        entries={("members_new", "330502"): "x", ("unions_formed", "330503"): "-1"},
    )
    assert outcome.errors == 2
    assert outcome.grid is not None and outcome.grid.error_count == 2


# --- the sheet ---------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


CITY_SHEET = [
    ["2023年度目标"],
    ["指标", "单位", "湖州市总工会", "吴兴区总工会", "330503"],
    ["新建工会", "家", "180", "60", "40"],
    ["members_new", "人", "", "6000", "4000"],
    ["职工医疗互助金发放金额", "元", "12410000", "", "2500000.5"],
]


def import_city(world: World, path: Path, dry_run: bool = False):
    return targets_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=dry_run, year="2023"
    )


def test_import_of_indicator_rows_sets_each_filled_cell(world: World, tmp_path: Path) -> None:
    report = import_city(world, write_csv(tmp_path / "t.csv", CITY_SHEET))
    assert report.committed and report.created == 7
    assert own(world.nanxun, "unions_formed") == Decimal("40")
    assert own(world.wuxing, "members_new") == Decimal("6000")
    assert own(world.nanxun, "mutual_aid_paid_amount") == Decimal("2500000.50")
    assert own(world.city, "members_new") is None  # left blank


def test_a_dry_run_writes_nothing(world: World, tmp_path: Path) -> None:
    report = import_city(world, write_csv(tmp_path / "t.csv", CITY_SHEET), dry_run=True)
    assert (report.ok, report.created, report.committed) == (True, 7, False)
    assert not Target.objects.exists()


def test_reimport_updates_without_duplicates(world: World, tmp_path: Path) -> None:
    import_city(world, write_csv(tmp_path / "t.csv", CITY_SHEET))
    changed = [row[:] for row in CITY_SHEET]
    changed[2][3] = "65"
    report = import_city(world, write_csv(tmp_path / "t2.csv", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 6)
    assert Target.objects.count() == 7
    assert own(world.wuxing, "unions_formed") == Decimal("65")


def test_import_of_union_rows(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [["工会", "新建工会", "members_new"], ["吴兴区总工会", "60", "6000"], ["330503", "40", ""]],
    )
    report = import_city(world, path)
    assert report.committed and report.created == 3
    assert report.as_dict()["layout"] == "union_rows"
    assert own(world.nanxun, "unions_formed") == Decimal("40")
    assert own(world.nanxun, "members_new") is None


def test_import_is_audited(world: World, tmp_path: Path) -> None:
    import_city(world, write_csv(tmp_path / "t.csv", CITY_SHEET))
    assert AuditEvent.objects.filter(action="report.target.import").count() == 1
    assert AuditEvent.objects.filter(action="report.target.set").count() == 7


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_import_reports_each_bad_cell_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            ["指标", "湖州市总工会", "吴兴区总工会", "南浔区总工会"],
            ["新建工会", "180", "六十", "-4"],
            ["新建会员", "1", "2", "3"],
        ],
    )
    report = import_city(world, path)
    assert errors_of(report) == [
        (2, "吴兴区总工会", "吴兴区总工会：应为数字"),
        (2, "南浔区总工会", "南浔区总工会：不能为负数"),
        (3, "指标", "指标：没有指标“新建会员”，请填写指标名称或指标代码"),
    ]
    assert not report.committed
    assert not Target.objects.exists()


def test_import_reports_an_unknown_union_heading(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["指标", "长兴县总工会"], ["新建工会", "5"]])
    report = import_city(world, path)
    assert errors_of(report) == [
        (1, "长兴县总工会", "表头：工会“长兴县总工会”不存在，或不是湖州市总工会本级及直属下级工会")
    ]
    assert not report.committed and not Target.objects.exists()


def test_import_of_a_county_refuses_the_sibling_county(world: World, tmp_path: Path) -> None:
    # 南浔 exists, but is out of 吴兴's scope: the same message as a union that does not.
    path = write_csv(
        tmp_path / "t.csv", [["指标", "月河街道工会", "南浔区总工会"], ["新建工会", "5", "6"]]
    )
    report = targets_import(
        actor=world.wuxing_staff, union=world.wuxing, path=path, dry_run=False, year="2023"
    )
    assert errors_of(report) == [
        (1, "南浔区总工会", "表头：工会“南浔区总工会”不存在，或不是吴兴区总工会本级及直属下级工会")
    ]
    assert not Target.objects.exists()


def test_import_of_union_rows_reports_an_unknown_union(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["工会", "新建工会"], ["月河街道工会", "5"]])
    report = import_city(world, path)
    # 月河 is a township of 吴兴, not a child of the city.
    assert errors_of(report) == [
        (2, "工会", "工会“月河街道工会”不存在，或不是湖州市总工会本级及直属下级工会")
    ]


def test_import_of_union_rows_reports_an_unknown_indicator_heading(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "t.csv", [["工会", "新建会员"], ["吴兴区总工会", "5"]])
    report = import_city(world, path)
    assert errors_of(report) == [
        (1, "新建会员", "表头：没有指标“新建会员”，请以指标名称或指标代码作表头")
    ]


def test_import_reports_a_repeated_indicator(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv", [["指标", "吴兴区总工会"], ["新建工会", "5"], ["unions_formed", "6"]]
    )
    assert errors_of(import_city(world, path)) == [(3, "指标", "与第 2 行重复")]


def test_import_needs_a_year(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="年度"):
        targets_import(
            actor=world.city_admin,
            union=world.city,
            path=write_csv(tmp_path / "t.csv", CITY_SHEET),
            dry_run=False,
            year="",
        )


def test_a_reviewer_cannot_import_targets(world: World, tmp_path: Path) -> None:
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        targets_import(
            actor=reviewer,
            union=world.city,
            path=write_csv(tmp_path / "t.csv", CITY_SHEET),
            dry_run=True,
            year="2023",
        )


def test_command_line_import(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "t.csv", CITY_SHEET)
    call_command("import", "targets", str(path), "--union", "3305", "--year", "2023")
    assert "已导入" in capsys.readouterr().out
    assert Target.objects.count() == 7


def read_book(path: Path) -> list[list[object]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [list(row) for row in sheet.iter_rows()]


def test_export_writes_the_indicator_rows_layout(world: World, tmp_path: Path) -> None:
    set_target(world.wuxing, "unions_formed", "60")
    set_target(world.nanxun, "mutual_aid_paid_amount", "2500000.5")
    path = tmp_path / "out.xlsx"
    count = targets_export(actor=world.city_admin, union=world.city, path=path, year=2023)
    rows = read_book(path)
    assert rows[0] == ["指标", "单位", "湖州市总工会", "吴兴区总工会", "南浔区总工会"]
    assert ["新建工会", "家", "", 60.0, ""] in rows
    assert ["职工医疗互助金发放金额", "元", "", "", 2500000.5] in rows
    assert count == len(rows) - 1


def test_an_exported_file_reimports_unchanged(world: World, tmp_path: Path) -> None:
    import_city(world, write_csv(tmp_path / "t.csv", CITY_SHEET))
    path = tmp_path / "out.xlsx"
    targets_export(actor=world.city_admin, union=world.city, path=path, year=2023)
    report = import_city(world, path)
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 7)


def test_page_download_is_the_export_of_the_union_asked(
    world: World, client_as, tmp_path: Path
) -> None:
    set_target(world.yuehe, "members_new", "800")
    response = client_as(world.wuxing_staff).get(f"{PAGE}export/?union=330502&year=2023")
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = read_book(path)
    assert rows[0] == ["指标", "单位", "吴兴区总工会", "月河街道工会", "织里镇工会"]
    assert ["新发展会员", "人", "", 800.0, ""] in rows


def test_upload_page_offers_the_year(world: World, client_as) -> None:
    body = client_as(world.city_admin).get("/sheets/targets/").content.decode()
    assert 'name="year"' in body and "目标年度" in body


def test_template_heads_the_users_union_and_its_children(
    world: World, client_as, tmp_path: Path
) -> None:
    response = client_as(world.wuxing_staff).get("/sheets/targets/template/")
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    headers = read_book(path)[1]
    assert headers[:5] == ["指标 *", "单位", "吴兴区总工会", "月河街道工会", "织里镇工会"]


def test_a_new_county_becomes_a_column(world: World) -> None:
    UnionFactory.create(parent=world.city, code="330521", name="德清县总工会", level="county")
    assert [u.code for u in targets_grid(union=world.city, year=2023).unions][-1] == "330521"


# --- the upload page (a job) -------------------------------------------------------------


def upload_targets(client, tmp_path: Path, rows: list[list[str]], year: str = "2023"):
    data = write_csv(tmp_path / "up.csv", rows).read_bytes()
    file = SimpleUploadedFile("目标.csv", data)
    return client.post("/sheets/targets/", {"union": "3305", "year": year, "file": file})


def test_upload_then_commit_sets_the_targets(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    client = client_as(world.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload_targets(client, tmp_path, CITY_SHEET)
    dry = Job.objects.get()
    assert (dry.result["invalid"], dry.result["created"], dry.result["year"]) == (0, 7, 2023)
    assert not Target.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/jobs/{dry.pk}/commit/")
    assert Target.objects.filter(year=2023).count() == 7


def test_upload_with_a_bad_heading_cannot_be_committed(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    client = client_as(world.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload_targets(client, tmp_path, [["指标", "长兴县总工会"], ["新建工会", "5"]])
    dry = Job.objects.get()
    assert dry.result["invalid"] == 1
    assert client.post(f"/jobs/{dry.pk}/commit/").status_code == 403


# --- in a browser ------------------------------------------------------------------------


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    set_target(world.wuxing, "mutual_aid_paid_amount", "1234567.5")
    set_target(world.nanxun, "members_new", "4000")
    return world


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1440])
def test_the_targets_page_in_a_browser(live_world: World, live_server, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "city_admin")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}{PAGE}?union=3305&year=2023")
        assert page.inner_text("[data-testid=targets-heading]") == "湖州市总工会 · 2023年"
        city = page.locator('input[name="t:members_new:3305"]')
        assert city.get_attribute("placeholder") == "合计 4,000"
        page.fill('input[name="t:members_new:330502"]', "6000")
        page.click("button:has-text('保存目标')")
        page.wait_for_load_state("networkidle")
        assert page.locator('input[name="t:members_new:330502"]').input_value() == "6000"
        assert page.locator('input[name="t:members_new:3305"]').get_attribute("placeholder") == (
            "合计 10,000"
        )
        # The page never spills sideways; on a phone the grid scrolls inside its box.
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        box = page.locator("[data-testid=targets-grid]").locator("xpath=..")
        assert (box.evaluate("e => e.scrollWidth - e.clientWidth") > 0) == (width == 375)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"reports-targets-{width}.png"), full_page=True)
    finally:
        context.close()


def test_page_of_an_unreadable_year_shows_this_year(world: World, client_as) -> None:
    response = client_as(world.city_admin).get(f"{PAGE}?year=abc")
    assert response.context["year"] == timezone.localdate().year


def test_page_of_an_older_year_offers_it_in_the_choices(world: World, client_as) -> None:
    response = client_as(world.city_admin).get(f"{PAGE}?year=2019")
    assert ("2019", "2019年") in response.context["years"]
