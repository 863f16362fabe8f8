"""经费支出管理: budget lines and their closing, the spending standard that applies, payments
flagged above it and the county's explanation, the expenditures sheet, allocations, the
indicators and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.wages.models import Allocation, BudgetLine, Expenditure, SpendingStandard
from gonghui.wages.services.funds import (
    Spending,
    Standards,
    allocation_record,
    budget_line_set,
    budget_year_close,
    expenditure_explain,
    expenditure_record,
)
from gonghui.wages.sheets.expenditures import expenditure_import

D = datetime.date
H1 = Period.half(2023, 1)


def line(
    world: World, union: Any = None, year: int = 2023, name: str = "职工文体活动"
) -> BudgetLine:
    return budget_line_set(
        actor=world.city_admin,
        union=union or world.yuehe,
        year=year,
        category="activities",
        name=name,
        amount=Decimal("100000"),
    )


NEW_YEAR = D(2023, 1, 1)


def standard(union: Any, day: D = NEW_YEAR, **caps: Any) -> SpendingStandard:
    caps = caps or {"per_person": Decimal("150"), "per_event": Decimal("50000")}
    return SpendingStandard.objects.create(
        union=union, kind="culture_sports", effective_from=day, **caps
    )


def spend(world: World, budget_line: BudgetLine, **kw: Any) -> Expenditure:
    values: dict[str, Any] = {
        "spent_on": D(2023, 5, 1),
        "amount": Decimal("3000"),
        "payee": "湖州某体育用品店",
        "voucher": "记-0501",
        "kind": "culture_sports",
        "people": 30,
    }
    values.update(kw)
    return expenditure_record(
        actor=world.township_staff,
        union=budget_line.budget.union,
        line=budget_line,
        spending=Spending(**values),
    )


# --- standards ------------------------------------------------------------------------------


def test_the_nearest_unions_standard_in_force_applies(world: World) -> None:
    standard(world.city)
    county = standard(world.wuxing, per_person=Decimal("120"))
    standard(world.wuxing, D(2023, 9, 1), per_person=Decimal("100"))
    standard(world.nanxun, per_person=Decimal("80"))
    found = Standards(world.yuehe).applying(world.yuehe.path, "culture_sports", D(2023, 5, 1))
    assert found == county


def test_a_payment_above_the_per_person_cap_is_flagged_with_the_reason(world: World) -> None:
    standard(world.city)
    made = spend(world, line(world), amount=Decimal("6000"), people=30)
    assert made.over_standard == "人均 200.00 元，超过上限 150.00 元"


def test_a_payment_within_the_caps_is_not_flagged(world: World) -> None:
    standard(world.city)
    assert spend(world, line(world), amount=Decimal("4500"), people=30).over_standard == ""


def test_a_per_person_standard_needs_the_people(world: World) -> None:
    standard(world.city)
    with pytest.raises(ValidationError) as caught:
        spend(world, line(world), people=None)
    assert caught.value.message_dict == {"people": ["文体活动按人均标准核算，请填写受益人数"]}


# --- budgets --------------------------------------------------------------------------------


def test_a_closed_year_takes_no_more_spending(world: World) -> None:
    budget_line = line(world, year=2022)
    budget_year_close(actor=world.city_admin, budget=budget_line.budget, closed_on=D(2023, 3, 1))
    with pytest.raises(ValidationError) as caught:
        spend(world, budget_line, spent_on=D(2022, 12, 20))
    assert caught.value.message_dict == {"line": ["2022年预算已于 2023-03-01 关账"]}


def test_a_payment_outside_its_budget_year_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        spend(world, line(world, year=2022))
    assert caught.value.message_dict == {"spent_on": ["支出日期不在2022年预算年度内"]}


def test_a_closed_year_takes_no_new_lines(world: World) -> None:
    budget_line = line(world, year=2022)
    budget_year_close(actor=world.city_admin, budget=budget_line.budget, closed_on=D(2023, 3, 1))
    with pytest.raises(ValidationError) as caught:
        line(world, year=2022, name="慰问")
    assert caught.value.message_dict == {"year": ["2022年预算已于 2023-03-01 关账，不能再调整"]}


# --- explanation ----------------------------------------------------------------------------


def test_the_county_explains_a_payment_above_the_standard(world: World) -> None:
    standard(world.city)
    made = spend(world, line(world), amount=Decimal("6000"), people=30)
    expenditure_explain(actor=world.wuxing_staff, expenditure=made, text="含场地租赁费")
    made.refresh_from_db()
    assert (made.explanation, made.explained_by) == ("含场地租赁费", world.wuxing_staff)


def test_the_township_does_not_explain_its_own_payment(world: World) -> None:
    standard(world.city)
    made = spend(world, line(world), amount=Decimal("6000"), people=30)
    with pytest.raises(ValidationError) as caught:
        expenditure_explain(actor=world.township_staff, expenditure=made, text="说明")
    assert caught.value.messages == ["超标准支出由区县总工会说明"]


# --- the sheet ------------------------------------------------------------------------------

HEADERS = [
    "支出日期",
    "凭证号",
    "支出科目",
    "预算项目",
    "金额",
    "收款方",
    "支出类别",
    "受益人数",
    "摘要",
]


def book(tmp_path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "e.xlsx"
    workbook.save(path)
    return path


def test_the_sheet_flags_and_refuses_as_the_form_does(world: World, tmp_path: Path) -> None:
    standard(world.city)
    line(world)
    closed = line(world, year=2022)
    budget_year_close(actor=world.city_admin, budget=closed.budget, closed_on=D(2023, 3, 1))
    path = book(
        tmp_path,
        [
            [
                "2023-05-01",
                "记-1",
                "职工活动支出",
                "职工文体活动",
                6000,
                "体育用品店",
                "文体活动",
                30,
                "",
            ],
            ["2022-12-20", "记-2", "职工活动支出", "职工文体活动", 100, "花店", "其他", "", ""],
            ["2023-05-02", "记-3", "职工活动支出", "不存在的项目", 100, "花店", "其他", "", ""],
        ],
    )
    report = expenditure_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    assert sorted((e.row, e.message) for e in report.errors) == [
        (3, "预算项目：2022年预算已于 2023-03-01 关账"),
        (4, "预算项目：月河街道工会2023年预算中没有该预算项目"),
    ]
    assert not Expenditure.objects.exists()


def test_importing_the_payments_again_creates_nothing(world: World, tmp_path: Path) -> None:
    standard(world.city)
    line(world)
    path = book(
        tmp_path,
        [
            [
                "2023-05-01",
                "记-1",
                "职工活动支出",
                "职工文体活动",
                6000,
                "体育用品店",
                "文体活动",
                30,
                "",
            ]
        ],
    )
    first = expenditure_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    again = expenditure_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    assert (first.created, first.extra["over_standard"], again.created, again.unchanged) == (
        1,
        1,
        0,
        1,
    )


# --- allocations and indicators -------------------------------------------------------------


def test_an_allocation_goes_only_below_the_giver(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        allocation_record(
            actor=world.wuxing_staff,
            to_union=world.nanxun,
            allocated_on=D(2023, 3, 1),
            amount=Decimal("1000"),
            purpose="nf_checkup",
        )
    assert caught.value.message_dict == {"to_union": ["只能拨付给本工会的下级工会"]}


def test_new_form_allocations_and_over_standard_payments_are_counted(world: World) -> None:
    for county, amount in ((world.wuxing, "3000000"), (world.nanxun, "2000000")):
        allocation_record(
            actor=world.city_admin,
            to_union=county,
            allocated_on=D(2023, 4, 1),
            amount=Decimal(amount),
            purpose="nf_recuperation",
        )
    allocation_record(
        actor=world.city_admin,
        to_union=world.wuxing,
        allocated_on=D(2023, 4, 1),
        amount=Decimal("999"),
        purpose="grassroots",
    )
    standard(world.city)
    budget_line = line(world)
    spend(world, budget_line, amount=Decimal("6000"), voucher="记-1")
    spend(world, budget_line, amount=Decimal("100"), voucher="记-2")
    values = {
        key: indicator_values(indicator_get(key), world.city, [H1])[0]
        for key in ("grassroots_allocation_new_form", "expenditures_over_standard")
    }
    assert values["grassroots_allocation_new_form"].total == Decimal("5000000")
    assert values["grassroots_allocation_new_form"].child(world.nanxun.code) == Decimal("2000000")
    assert values["expenditures_over_standard"].total == 1


# --- pages ----------------------------------------------------------------------------------


def test_the_budget_page_shows_spent_and_remaining(world: World, client_as) -> None:
    budget_line = line(world)
    spend(world, budget_line, amount=Decimal("2500"))
    page = client_as(world.township_staff).get("/wages/funds/?year=2023").content.decode()
    assert 'data-testid="budget-spent">2,500.00' in page and "97,500.00" in page


def test_the_over_standard_list_holds_only_flagged_payments_in_scope(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    standard(world.city)
    budget_line = line(world)
    for n in range(10):
        spend(world, budget_line, amount=Decimal("6000"), voucher=f"超-{n}")
    spend(world, budget_line, amount=Decimal("100"), voucher="正常-1")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/wages/funds/expenditures/?over=1").content.decode()
    assert page.count("待说明") == 10 and "正常-1" not in page
    assert (
        "超-1"
        not in client_as(world.nanxun_staff)
        .get("/wages/funds/expenditures/?over=1")
        .content.decode()
    )


def test_the_payment_page_is_scoped(world: World, client_as) -> None:
    made = spend(world, line(world))
    assert (
        client_as(world.nanxun_staff).get(f"/wages/funds/expenditures/{made.pk}/").status_code
        == 404
    )


def test_the_allocation_list_is_scoped_to_the_receiver(world: World, client_as) -> None:
    Allocation.objects.create(
        from_union=world.city,
        to_union=world.wuxing,
        allocated_on=D(2023, 4, 1),
        amount=Decimal("100"),
        purpose="nf_checkup",
    )
    assert (
        "吴兴区总工会"
        not in client_as(world.nanxun_staff)
        .get("/wages/funds/allocations/")
        .content.decode()
        .split("<tbody>")[1]
    )


def test_a_payment_keyed_on_the_page_may_name_its_activity(world: World, client_as) -> None:
    from gonghui.activities.models import Activity

    budget_line = line(world)
    activity = Activity.objects.create(
        kind="culture_sports", title="职工篮球赛", held_on=D(2023, 5, 1), union=world.yuehe
    )
    client_as(world.township_staff).post(
        "/wages/funds/expenditures/new/",
        {
            "line": budget_line.pk,
            "spent_on": "2023-05-02",
            "amount": "800",
            "payee": "体育用品店",
            "voucher": "记-1",
            "kind": "other",
            "activity_id": str(activity.pk),
        },
    )
    assert Expenditure.objects.get().activity == activity
