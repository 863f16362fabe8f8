"""每月一调度 computed from a small hand-built world: this month, year to date, the same
period last year, targets, completion, expected progress, gap, light, and the children's
ranks and their change since last month. Every expected number is counted by hand below.

The world (``dispatch_world``), for June 2023:

新发展会员 (members_new), by join date:
  吴兴 (德马科技 grassroots): 2023-01-15, 2023-03-10, 2023-06-05, 2023-06-30 | 2023-07-01
      (July, outside) | 2022-05-20 (last year)
  南浔 (练市电梯 grassroots): 2023-06-01, 2023-06-10 | 2022-02-01, 2022-06-30 (last year)
      | 2022-07-01 (after last year's June)
  June: 吴兴 2 + 南浔 2 = 4; 1—6月: 吴兴 4 + 南浔 2 = 6; 2022 1—6月: 吴兴 1 + 南浔 2 = 3;
  同比 (6 − 3) / 3 = +100.0%. 1—5月: 吴兴 2, 南浔 0.
  Targets 2023: 吴兴 10, 南浔 3, the city none of its own → 13.
  完成率 6 / 13 = 46.15… → 46.2%; 序时进度 6/12 = 50.0%; 差值 −3.8 → yellow.
  吴兴 4 / 10 = 40.0%, 南浔 2 / 3 = 66.7% → 南浔 1st, 吴兴 2nd;
  in May 吴兴 2 / 10 = 20.0%, 南浔 0 / 3 = 0.0% → 吴兴 1st, 南浔 2nd: 南浔 ↑1, 吴兴 ↓1.

职工医疗互助金 (mutual_aid_paid_amount), by payment date (paid_on):
  吴兴 1,500.00 on 2023-06-30; 南浔 2,000.50 on 2023-05-15; 南浔 800.00 on 2023-07-01
  (July, outside); 吴兴 999.00 approved, not paid (outside).
  June 1,500.00; 1—6月 3,500.50; the city's own target 10,000.00 →
  完成率 35.005 → 35.0%; 差值 −15.0 → red (more than 10 points behind).
职工医疗互助受益人次 (mutual_aid_paid_count): 2 in 1—6月, target 2 → 100.0%, +50.0 → green.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gonghui.aid.tests.factories import ApprovedClaimFactory
from gonghui.conftest import World
from gonghui.core.formatting import percent_signed
from gonghui.core.indicators.periods import last_complete_month, parse_month
from gonghui.core.indicators.registry import indicator_get
from gonghui.core.workflow import State
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.reports.dispatch import dispatch_table
from gonghui.reports.dispatch_export import (
    format_as_of,
    format_rank_change,
    format_value,
)
from gonghui.reports.models import Target

WUXING_JOINS = [date(2023, 1, 15), date(2023, 3, 10), date(2023, 6, 5), date(2023, 6, 30)]
WUXING_JOINS += [date(2023, 7, 1), date(2022, 5, 20)]
NANXUN_JOINS = [date(2023, 6, 1), date(2023, 6, 10), date(2022, 2, 1), date(2022, 6, 30)]
NANXUN_JOINS += [date(2022, 7, 1)]
# Their ID numbers: of another region than MemberFactory's, whose sequence would otherwise
# reach 7001 in a long run and give a second member the same number.
REGION = "330503"
# The member whose ID number the drill-down must show masked only.
FIRST_ID = id_number_for(7001, REGION)


def dispatch_world(world: World) -> None:
    """The records and targets of the module docstring."""
    n = 7001
    for union, days in (
        (world.wuxing_grassroots, WUXING_JOINS),
        (world.nanxun_grassroots, NANXUN_JOINS),
    ):
        for day in days:
            MemberFactory.create(
                union=union, name=f"会员{n}", id_number=id_number_for(n, REGION), join_date=day
            )
            n += 1
    payer_w = MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2019, 1, 1))
    payer_n = MemberFactory.create(union=world.nanxun_grassroots, join_date=date(2019, 1, 1))
    for member, amount, paid_on in (
        (payer_w, "1500.00", date(2023, 6, 30)),
        (payer_n, "2000.50", date(2023, 5, 15)),
        (payer_n, "800.00", date(2023, 7, 1)),
    ):
        ApprovedClaimFactory.create(
            member=member, amount=Decimal(amount), state=State.PAID, paid_on=paid_on
        )
    ApprovedClaimFactory.create(member=payer_w, amount=Decimal("999.00"))
    for union, key, value in (
        (world.wuxing, "members_new", "10"),
        (world.nanxun, "members_new", "3"),
        (world.city, "mutual_aid_paid_amount", "10000.00"),
        (world.city, "mutual_aid_paid_count", "2"),
    ):
        Target.objects.create(indicator=key, year=2023, union=union, value=Decimal(value))


@pytest.fixture
def table(world: World):
    dispatch_world(world)
    return dispatch_table(union=world.city, year=2023, month=6)


def test_members_new_this_month(table) -> None:
    assert table.row("members_new").month == 4


def test_members_new_year_to_date(table) -> None:
    assert table.row("members_new").ytd == 6


def test_members_new_same_period_last_year(table) -> None:
    assert table.row("members_new").last_year_ytd == 3


def test_year_on_year_change(table) -> None:
    assert table.row("members_new").yoy == Decimal("100.0")


def test_city_target_is_the_sum_of_its_counties(table) -> None:
    assert table.row("members_new").target == 13


def test_completion_expected_progress_and_gap(table) -> None:
    row = table.row("members_new")
    assert (row.completion, row.expected, row.gap) == (
        Decimal("46.2"),
        Decimal("50.0"),
        Decimal("-3.8"),
    )


def test_a_few_points_behind_is_yellow(table) -> None:
    assert table.row("members_new").light_label == "黄灯"


def test_money_counts_the_payment_date(table) -> None:
    row = table.row("mutual_aid_paid_amount")
    assert (row.month, row.ytd) == (Decimal("1500.00"), Decimal("3500.50"))


def test_far_behind_is_red(table) -> None:
    row = table.row("mutual_aid_paid_amount")
    assert (row.completion, row.gap, row.light) == (Decimal("35.0"), Decimal("-15.0"), "red")


def test_ahead_of_pace_is_green(table) -> None:
    row = table.row("mutual_aid_paid_count")
    assert (row.completion, row.gap, row.light) == (Decimal("100.0"), Decimal("50.0"), "green")


def test_without_a_target_there_is_no_light(table) -> None:
    row = table.row("members_end")
    assert (row.target, row.completion, row.light) == (None, None, None)


def test_children_values_and_completion(table) -> None:
    cells = {c.code: (c.month, c.ytd, c.completion) for c in table.row("members_new").children}
    assert cells == {
        "330502": (Decimal(2), Decimal(4), Decimal("40.0")),
        "330503": (Decimal(2), Decimal(2), Decimal("66.7")),
    }


def test_children_ranked_by_completion_with_the_change_since_last_month(table) -> None:
    cells = {
        c.code: (c.rank, c.rank_before, c.rank_change) for c in table.row("members_new").children
    }
    assert cells == {"330502": (2, 1, -1), "330503": (1, 2, 1)}


def test_a_county_table_has_its_townships(world: World) -> None:
    dispatch_world(world)
    table = dispatch_table(union=world.wuxing, year=2023, month=6)
    cells = {c.code: c.ytd for c in table.row("members_new").children}
    # All four of 吴兴's 2023 joins are under 月河街道; 织里镇 has none.
    assert cells == {"330502001": Decimal(4), "330502100": Decimal(0)}


def test_parse_month_reads_year_and_month() -> None:
    assert parse_month("2023-06", today=date(2023, 7, 1)) == (2023, 6)


@pytest.mark.parametrize("text", ["2023-13", "2023/06", "六月", "", "1999-12"])
def test_parse_month_refuses_what_is_no_month(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text, today=date(2023, 7, 1))


def test_parse_month_refuses_a_month_still_to_come() -> None:
    with pytest.raises(ValueError, match="尚未到来"):
        parse_month("2023-08", today=date(2023, 7, 31))


def test_the_default_month_is_the_last_complete_one() -> None:
    assert last_complete_month(date(2023, 7, 1)) == (2023, 6)


def test_in_january_the_default_month_is_last_december() -> None:
    assert last_complete_month(date(2024, 1, 20)) == (2023, 12)


def test_money_is_shown_with_separators_and_two_places() -> None:
    assert format_value(indicator_get("mutual_aid_paid_amount"), Decimal("1234567.5")) == (
        "1,234,567.50"
    )


def test_counts_are_shown_with_separators() -> None:
    assert format_value(indicator_get("members_end"), Decimal("15663")) == "15,663"


def test_a_rate_indicator_is_shown_in_percent() -> None:
    assert format_value(indicator_get("above_scale_union_rate"), Decimal("82.9")) == "82.9%"


def test_gap_is_signed() -> None:
    assert (percent_signed(Decimal("3.2")), percent_signed(Decimal("-3.8"))) == (
        "+3.2%",
        "-3.8%",
    )


@pytest.mark.parametrize(("change", "text"), [(2, "↑2"), (-1, "↓1"), (0, "—"), (None, "—")])
def test_rank_change_arrows(change: int | None, text: str) -> None:
    assert format_rank_change(change) == text


def test_data_as_of_is_told_in_shanghai_time() -> None:
    # 16:30 UTC on 30 June is half past midnight on 1 July in Huzhou.
    assert format_as_of(datetime(2023, 6, 30, 16, 30, tzinfo=UTC)) == "2023年7月1日 00:30"
