"""`gonghui report dispatch` (JSON, text, .xlsx) and the workbook's layout, on the world of
test_dispatch.py (the expected numbers are counted there)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from gonghui.conftest import World
from gonghui.core.indicators.registry import indicators, sections
from gonghui.core.models import AuditEvent
from gonghui.reports.tests.test_dispatch import dispatch_world


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("report", "dispatch", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def dispatched(world: World) -> World:
    dispatch_world(world)
    return world


def indicator(payload: dict, key: str) -> dict:
    return next(i for i in payload["indicators"] if i["key"] == key)


def test_json_is_one_object_of_the_union_and_month(dispatched: World) -> None:
    payload = json.loads(run("--union", "3305", "--month", "2023-06", "--json")[0])
    assert (payload["union"], payload["month"]) == ("3305", "2023-06")


def test_json_counts_are_numbers(dispatched: World) -> None:
    payload = json.loads(run("--union", "3305", "--month", "2023-06", "--json")[0])
    assert indicator(payload, "members_new") == {
        "key": "members_new",
        "label": "新发展会员",
        "unit": "人",
        "month": 4,
        "ytd": 6,
        "target": 13,
        "last_year_ytd": 3,
        "by_union": {"330502": {"month": 2, "ytd": 4}, "330503": {"month": 2, "ytd": 2}},
    }


def test_json_money_is_strings_with_two_decimals(dispatched: World) -> None:
    payload = json.loads(run("--union", "3305", "--month", "2023-06", "--json")[0])
    money = indicator(payload, "mutual_aid_paid_amount")
    assert (money["month"], money["ytd"], money["target"], money["by_union"]["330503"]) == (
        "1500.00",
        "3500.50",
        "10000.00",
        {"month": "0.00", "ytd": "2000.50"},
    )


def test_json_lists_every_indicator_of_the_registry(dispatched: World) -> None:
    payload = json.loads(run("--union", "3305", "--month", "2023-06", "--json")[0])
    assert [i["key"] for i in payload["indicators"]] == [i.key for i in indicators()]


def test_json_of_a_county_has_its_townships(dispatched: World) -> None:
    payload = json.loads(run("--union", "330502", "--month", "2023-06", "--json")[0])
    assert indicator(payload, "members_new")["by_union"] == {
        "330502001": {"month": 2, "ytd": 4},
        "330502100": {"month": 0, "ytd": 0},
    }


def test_text_is_a_readable_chinese_table(dispatched: World) -> None:
    text = run("--union", "3305", "--month", "2023-06")[0]
    line = next(x for x in text.splitlines() if "职工医疗互助金发放金额" in x)
    assert line.split()[4:] == [
        "10,000.00",
        "1,500.00",
        "3,500.50",
        "35.0%",
        "50.0%",
        "-15.0个百分点",
        "0.00",
        "—",
        "红灯",
    ]


def test_text_has_the_title_and_the_ranking(dispatched: World) -> None:
    text = run("--union", "3305", "--month", "2023-06")[0]
    assert text.startswith("湖州市总工会2023年6月重点工作调度表\n填报单位：湖州市总工会")
    ranking = [x.split() for x in text.splitlines() if x.startswith("新发展会员 ")]
    # The ranking's rows: 指标, 工会, 累计, 完成率, 名次, 较上月 (the main table's row has
    # a 序号 first, so it does not start with the label).
    assert ranking == [
        ["新发展会员", "南浔区总工会", "2", "66.7%", "1", "↑1"],
        ["新发展会员", "吴兴区总工会", "4", "40.0%", "2", "↓1"],
    ]


@pytest.mark.parametrize(
    ("month", "message"),
    [("2023-13", "不存在"), ("202306", "格式不正确"), ("2999-01", "尚未到来")],
)
def test_a_bad_month_is_refused_in_chinese(dispatched: World, month: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("--union", "3305", "--month", month)


def test_an_unknown_union_is_refused_in_chinese(dispatched: World) -> None:
    with pytest.raises(CommandError, match="找不到工会代码 9999"):
        run("--union", "9999", "--month", "2023-06")


def test_output_must_be_an_xlsx_file(dispatched: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx"):
        run("--union", "3305", "--month", "2023-06", "-o", str(tmp_path / "调度表.csv"))


# --- the workbook -----------------------------------------------------------------------


@pytest.fixture
def book(dispatched: World, tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "调度表.xlsx"
    out, err = run("--union", "3305", "--month", "2023-06", "--json", "-o", str(path))
    json.loads(out)  # still exactly one JSON object on stdout
    assert f"已写出 {path}" in err
    return openpyxl.load_workbook(path)


def row_of(ws, label: str) -> list:
    for row in ws.iter_rows(values_only=True):
        if label in row:
            return list(row)
    raise AssertionError(label)


def test_workbook_has_the_table_and_the_ranking(book) -> None:
    assert book.sheetnames == ["调度表", "下级排名"]


def test_title_row_and_reporting_union(book) -> None:
    ws = book["调度表"]
    assert (ws["A1"].value, ws["A2"].value) == (
        "湖州市总工会2023年6月重点工作调度表",
        "填报单位：湖州市总工会",
    )
    assert ws["G2"].value.startswith("数据截至：")


def test_two_row_header_is_merged(book) -> None:
    ws = book["调度表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:M1", "A3:A4", "E3:E4", "F3:H3", "I3:J3", "K3:L3", "M3:M4"} <= merged
    assert [ws.cell(4, c).value for c in range(6, 13)] == [
        "本月",
        "1—6月累计",
        "完成率",
        "序时进度",
        "差值",
        "去年同期",
        "同比",
    ]


def test_sections_are_merged_down_the_category_column(book) -> None:
    ws = book["调度表"]
    # One merged 类别 cell per section, over as many rows as it has indicators (from row 5).
    expected, row = {}, 5
    for section in [s.name for s in sections()]:
        count = sum(1 for i in indicators() if i.section == section)
        expected[f"B{row}:B{row + count - 1}"] = section
        row += count
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {k: ws[k.split(":")[0]].value for k in expected if k in merged} == expected


def test_header_is_frozen(book) -> None:
    assert book["调度表"].freeze_panes == "D5"


def test_numbers_are_numbers_with_formats(book) -> None:
    ws = book["调度表"]
    members = row_of(ws, "新发展会员")
    assert members[4:12] == [13, 4, 6, 0.462, 0.5, -3.8, 3, 1]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == "新发展会员")
    assert [row[i].number_format for i in (4, 6, 7, 9)] == [
        "#,##0",
        "#,##0",
        "0.0%",
        '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
    ]


def test_money_has_two_decimals(book) -> None:
    ws = book["调度表"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == "职工医疗互助金发放金额")
    assert (row[6].value, row[6].number_format) == (3500.5, "#,##0.00")


def test_the_light_is_written_and_coloured(book) -> None:
    ws = book["调度表"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == "职工医疗互助金发放金额")
    assert (row[12].value, row[12].fill.fgColor.rgb) == ("● 红灯", "FFFFC7CE")


def test_cells_have_thin_borders(book) -> None:
    cell = book["调度表"]["G5"]
    assert (cell.border.left.style, cell.border.bottom.style) == ("thin", "thin")


def test_a4_landscape_fit_to_width_with_title_repeated(book) -> None:
    ws = book["调度表"]
    setup = ws.page_setup
    # fitToWidth is absent when it is 1, the format's default.
    assert (setup.orientation, setup.paperSize, setup.fitToWidth or 1, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$4"


def test_ranking_sheet_lists_children_best_first(book) -> None:
    ws = book["下级排名"]
    first = next(
        i
        for i, r in enumerate(ws.iter_rows(values_only=True), 1)
        if r[1] and str(r[1]).startswith("新发展会员")
    )
    rows = [list(r)[3:10] for r in ws.iter_rows(min_row=first, max_row=first + 1, values_only=True)]
    # 工会, 本月, 累计, 目标, 完成率, 名次, 较上月.
    assert rows == [
        ["南浔区总工会", 2, 2, 3, 0.667, 1, "↑1"],
        ["吴兴区总工会", 2, 4, 10, 0.4, 2, "↓1"],
    ]


def test_ranking_sheet_merges_the_indicator_over_its_children(book) -> None:
    ws = book["下级排名"]
    first = next(
        i
        for i, r in enumerate(ws.iter_rows(values_only=True), 1)
        if r[1] and str(r[1]).startswith("新发展会员")
    )
    assert f"B{first}:B{first + 1}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(first, 2).value == "新发展会员（按完成率）"


def test_ranking_sheet_prints_landscape_too(book) -> None:
    ws = book["下级排名"]
    assert (ws.page_setup.orientation, ws.freeze_panes, ws.print_title_rows) == (
        "landscape",
        "D5",
        "$1:$4",
    )


def test_writing_the_file_is_audited(book) -> None:
    event = AuditEvent.objects.get(action="report.dispatch.export")
    assert (event.actor_name, event.summary) == (
        "服务器操作员",  # the operator at the command line, as every command records it
        f"导出湖州市总工会2023年6月重点工作调度表（{len(indicators())}项指标）",
    )


def test_a_leaf_union_has_no_ranking(dispatched: World, tmp_path: Path) -> None:
    path = tmp_path / "基层.xlsx"
    run("--union", dispatched.wuxing_grassroots.code, "--month", "2023-06", "-o", str(path))
    ws = openpyxl.load_workbook(path)["下级排名"]
    assert ws["A5"].value == f"{dispatched.wuxing_grassroots.name}没有下级工会。"
