"""能级工资集体协商: the rise formula, coverage once per enterprise, the period rules, the
sheet and its bad input, the pages and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.pii import uscc_compose
from gonghui.orgs.models import Enterprise, Region
from gonghui.wages.models import WageContract, WageRow
from gonghui.wages.services.contracts import coverage, rise, rows_rise
from gonghui.wages.sheets.contracts import wage_contract_import
from gonghui.wages.tests.factories import WageContractFactory, WageRowFactory

HEADERS = [
    "统一社会信用代码",
    "合同编号",
    "签订日期",
    "生效日期",
    "终止日期",
    "全域试点",
    "技能等级",
    "人数",
    "协商前月工资",
    "协商后月工资",
    "说明",
]


def enterprise(world: World, n: int, *, with_union: bool = True) -> Enterprise:
    region, _ = Region.objects.get_or_create(
        code="330502001", defaults={"name": "月河街道", "level": Region.Level.TOWNSHIP}
    )
    return Enterprise.objects.create(
        uscc=uscc_compose(f"91330502MA2E{n:05d}"),
        name=f"月河机械{n}有限公司",
        region=region,
        owner_union=world.yuehe,
        union=world.yuehe if with_union else None,
        employee_count=100,
    )


def D(value: str) -> Decimal:
    return Decimal(value)


# --- the formula ----------------------------------------------------------------------------


def test_the_rise_is_the_wage_bill_after_over_before_minus_one() -> None:
    # 10 × 5400 + 5 × 7000 = 89,000 over 10 × 5000 + 5 × 6500 = 82,500: 7.88 %.
    found = rise(D("82500"), D("89000"))
    assert found is not None and found.quantize(D("0.0001")) == D("0.0788")


def test_a_contracts_rise_weights_each_grade_by_its_workers(world: World) -> None:
    contract = WageContractFactory.create(union=world.yuehe)
    firm = enterprise(world, 1)
    WageRowFactory.create(contract=contract, enterprise=firm, grade="junior", workers=10)
    WageRowFactory.create(
        contract=contract,
        enterprise=firm,
        grade="technician",
        workers=5,
        wage_before=D("6500"),
        wage_after=D("7000"),
    )
    found = rows_rise(WageRow.objects.filter(contract=contract))
    assert found is not None
    assert (found * 100).quantize(D("0.01")) == D("7.88")


def test_coverage_counts_an_enterprise_once_with_its_latest_contracts_workers(
    world: World,
) -> None:
    firm, other = enterprise(world, 1), enterprise(world, 2)
    early = WageContractFactory.create(union=world.yuehe, signed_on=datetime.date(2023, 2, 1))
    late = WageContractFactory.create(union=world.yuehe, signed_on=datetime.date(2023, 5, 1))
    WageRowFactory.create(contract=early, enterprise=firm, workers=40)
    WageRowFactory.create(contract=early, enterprise=other, workers=7)
    WageRowFactory.create(contract=late, enterprise=firm, grade="junior", workers=30)
    WageRowFactory.create(contract=late, enterprise=firm, grade="senior", workers=5)
    found = coverage(WageContract.objects.all())
    assert (found.enterprises, found.workers) == (2, 42)


def test_the_indicators_count_contracts_signed_in_the_period_and_pilots_for_the_rise(
    world: World,
) -> None:
    firm, other, third = enterprise(world, 1), enterprise(world, 2), enterprise(world, 3)
    june = WageContractFactory.create(union=world.yuehe, signed_on=datetime.date(2023, 6, 5))
    WageRowFactory.create(contract=june, enterprise=firm, workers=10)  # 5000 → 5400
    not_pilot = WageContractFactory.create(
        union=world.yuehe, signed_on=datetime.date(2023, 6, 9), pilot=False
    )
    WageRowFactory.create(contract=not_pilot, enterprise=other, workers=10, wage_after=D("9000"))
    july = WageContractFactory.create(union=world.yuehe, signed_on=datetime.date(2023, 7, 1))
    WageRowFactory.create(contract=july, enterprise=third, workers=99)

    def value(key: str) -> Any:
        [v] = indicator_values(indicator_get(key), world.wuxing, [Period.month(2023, 6)])
        return v.total

    assert (value("wage_contract_enterprises"), value("wage_contract_workers")) == (2, 20)
    assert value("wage_rise_avg") == D("8.0")


# --- the sheet --------------------------------------------------------------------------------


def workbook(tmp_path: Path, rows: list[list[Any]], name: str = "w.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def line(
    firm: Enterprise, grade: str, workers: Any, before: Any, after: Any, **kw: Any
) -> list[Any]:
    values = {
        "code": "NJ-YH-001",
        "signed": "2023-05-10",
        "starts": "2023-06-01",
        "ends": "2026-05-31",
        "pilot": "",
        "note": "",
    }
    values.update(kw)
    return [
        firm.uscc,
        values["code"],
        values["signed"],
        values["starts"],
        values["ends"],
        values["pilot"],
        grade,
        workers,
        before,
        after,
        values["note"],
    ]


def imported(world: World, path: Path, *, dry_run: bool = False) -> Any:
    return wage_contract_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=dry_run
    )


def test_a_regional_contract_covers_two_enterprises(world: World, tmp_path: Path) -> None:
    firm, other = enterprise(world, 1), enterprise(world, 2)
    report = imported(
        world,
        workbook(
            tmp_path,
            [
                line(firm, "初级工", 10, 5000, 5400),
                line(firm, "技师", 5, 6500, 7000),
                line(other, "初级工", 8, 4800, 5200),
            ],
        ),
    )
    contract = WageContract.objects.get()
    assert (report.created, contract.code, contract.pilot, contract.union) == (
        3,
        "NJ-YH-001",
        True,
        world.yuehe,
    )
    assert coverage([contract]).enterprises == 2


def test_importing_the_same_file_again_creates_nothing(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path, [line(enterprise(world, 1), "初级工", 10, 5000, 5400)])
    imported(world, path)
    again = imported(world, path)
    assert (again.created, again.unchanged, WageRow.objects.count()) == (0, 1, 1)


def test_bad_rows_are_each_reported_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    firm, bare = enterprise(world, 1), enterprise(world, 2, with_union=False)
    report = imported(
        world,
        workbook(
            tmp_path,
            [
                line(firm, "初级工", 10, 5000, 5400),
                line(firm, "初级工", 12, 5000, 5400),
                line(firm, "中级工", 0, 5000, 5400),
                line(firm, "高级工", 3, 6000, 5800),
                line(bare, "初级工", 3, 5000, 5400),
                line(firm, "技师", 3, 6000, 6500, signed="2023-05-11"),
            ],
        ),
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "与第 2 行重复"),
        (4, "人数：应在1到1000000之间"),
        (5, "协商后月工资：低于协商前月工资，请在“说明”列写明原因"),
        (6, "统一社会信用代码：“月河机械2有限公司”尚未建立工会，不能登记集体合同"),
        (7, "签订日期：与同一合同第 2 行不一致"),
    ]
    assert not WageContract.objects.exists()


def test_a_lower_wage_with_a_reason_is_accepted(world: World, tmp_path: Path) -> None:
    report = imported(
        world,
        workbook(
            tmp_path,
            [line(enterprise(world, 1), "高级工", 3, 6000, 5800, note="岗位津贴并入绩效")],
        ),
    )
    assert (report.created, WageRow.objects.get().note) == (1, "岗位津贴并入绩效")


# --- pages and API --------------------------------------------------------------------------


def test_the_list_page_shows_the_computed_rise_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    firm = enterprise(world, 1)
    for _ in range(20):
        WageRowFactory.create(
            contract=WageContractFactory.create(union=world.yuehe), enterprise=firm
        )
    WageContractFactory.create(union=world.nanxun, code="南浔的合同")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/wages/").content.decode()
    assert page.count("8.00%") == 20
    assert "南浔的合同" not in page


def test_the_contract_page_shows_the_table_and_is_scoped(world: World, client_as) -> None:
    contract = WageContractFactory.create(union=world.yuehe)
    WageRowFactory.create(contract=contract, enterprise=enterprise(world, 1))
    page = client_as(world.wuxing_staff).get(f"/wages/{contract.pk}/").content.decode()
    assert "月河机械1有限公司" in page and 'data-testid="contract-rise">8.00%' in page
    assert client_as(world.nanxun_staff).get(f"/wages/{contract.pk}/").status_code == 404


def test_the_api_lists_the_callers_scope(world: World, client_as) -> None:
    WageContractFactory.create(union=world.yuehe, code="吴兴的")
    WageContractFactory.create(union=world.nanxun, code="南浔的")
    items = client_as(world.nanxun_staff).get("/api/v1/wages/contracts").json()["items"]
    assert [item["code"] for item in items] == ["南浔的"]


@pytest.mark.parametrize(("value", "shown"), [("0.0812", "8.12%"), ("0.08125", "8.13%")])
def test_the_percent_filter_shows_hundredths_rounded_half_up(value: str, shown: str) -> None:
    from gonghui.wages.templatetags.wages_tags import percent

    assert percent(Decimal(value)) == shown
