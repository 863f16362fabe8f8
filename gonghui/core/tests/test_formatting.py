"""The number-writing rules of the narrative reports, each with the seed's own examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core import formatting


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (179, "179"),
        (6473, "6473"),
        (0, "0"),
        (9999, "9999"),
        (Decimal("1860"), "1860"),
    ],
)
def test_counts_below_ten_thousand_are_digits(value: object, written: str) -> None:
    assert formatting.write(value) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (10000, "1万"),
        (15000, "1.5万"),  # exact: no 余
        (15234, "1.52万余"),  # 1.5234 cut to 1.52, so more than shown
        (15009, "1.5万余"),  # 1.5009 cut to 1.50, trailing zero dropped, 余
        (21100, "2.11万"),  # the seed's 2.11万人次
        (22050, "2.2万余"),  # the seed's 2.2万余人次
        (191200, "19.12万"),  # the seed's 19.12万人
        (191299, "19.12万余"),  # never rounded up to 19.13
        (Decimal("23400"), "2.34万"),
    ],
)
def test_large_counts_are_in_wan_cut_to_two_decimals_with_yu(value: object, written: str) -> None:
    assert formatting.write(value) == written


def test_the_unit_follows_the_number() -> None:
    assert formatting.write(179, "家") == "179家"
    assert formatting.write(15234, "人") == "1.52万余人"
    assert formatting.write(22050, "人次") == "2.2万余人次"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("40311100"), "4031.11万元"),  # the seed's 4031.11万元
        (Decimal("40311100.00"), "4031.11万元"),
        (Decimal("12413456.78"), "1241.34万余元"),  # cut, not rounded: 余
        (Decimal("3450000"), "345万元"),  # the seed's 345万元
        (Decimal("10000.00"), "1万元"),
        (Decimal("402346.16"), "40.23万余元"),
        (Decimal("5000.00"), "5000元"),  # below 1万元 in 元
        (Decimal("1234.50"), "1234.5元"),
        (Decimal("9999.99"), "9999.99元"),
        (Decimal("0.00"), "0元"),
    ],
)
def test_money_is_in_wan_yuan_from_ten_thousand(value: Decimal, written: str) -> None:
    assert formatting.write(value, "元") == written


def test_money_given_in_wan_yuan_is_written_the_same_way() -> None:
    assert formatting.write(Decimal("4031.11"), "万元") == "4031.11万元"
    assert formatting.write(Decimal("0.5"), "万元") == "5000元"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("8.0"), "8%"),  # the seed's 8%
        (Decimal("82.94"), "82.9%"),
        (Decimal("82.95"), "83%"),  # half up, then the .0 dropped
        (Decimal("100"), "100%"),
        (Decimal("0.04"), "0%"),
    ],
)
def test_percentages_have_at_most_one_decimal(value: Decimal, written: str) -> None:
    assert formatting.write(value, "%") == written


def test_days_have_at_most_one_decimal() -> None:
    assert formatting.write(Decimal("27.0"), "天") == "27天"
    assert formatting.write(Decimal("27.5"), "天") == "27.5天"


def test_a_missing_value_is_a_dash() -> None:
    assert formatting.write(None, "人") == "—"
    assert formatting.cell(None, "元") == "—"
    assert formatting.percent_cell(None) == "—"


def test_table_cells_are_exact() -> None:
    assert formatting.cell(Decimal("15234"), "人") == "15234"
    assert formatting.cell(Decimal("402346.16"), "元") == "40.23"
    assert formatting.cell(Decimal("402350.00"), "元") == "40.24"  # half up in the table
    assert formatting.cell(Decimal("297000.00"), "元") == "29.70"
    assert formatting.cell(Decimal("82.9"), "%") == "82.9"
    assert formatting.cell(Decimal("8"), "%") == "8.0"
    assert formatting.cell(Decimal("27.0"), "天") == "27.0"
    assert formatting.percent_cell(Decimal("50.0")) == "50.0%"


def test_money_is_tabled_in_wan_yuan() -> None:
    assert formatting.table_unit("元") == "万元"
    assert formatting.table_unit("人次") == "人次"


def test_a_light_reads_the_same_on_every_page_and_file() -> None:
    from gonghui.core.formatting import LIGHTS, light_css, light_label

    assert [light_label(k) for k in ("green", "yellow", "red")] == ["绿灯", "黄灯", "红灯"]
    assert light_css("red") == "text-bg-danger"
    assert (LIGHTS["yellow"].fill, LIGHTS["yellow"].text) == ("FFEB9C", "9C5700")


def test_no_light_reads_as_nothing_or_a_dash() -> None:
    from gonghui.core.formatting import light_css, light_label

    assert (light_label(None), light_label(None, "—"), light_css(None)) == ("", "—", "")


def test_an_amount_on_a_page_has_separators_and_two_decimals() -> None:
    from gonghui.core.formatting import yuan

    assert [yuan(Decimal("12345.6")), yuan(0), yuan(None), yuan("n/a")] == [
        "12,345.60",
        "0.00",
        "",
        "n/a",
    ]


def test_a_plan_ratio_reads_as_an_exact_percentage() -> None:
    from gonghui.core.formatting import ratio_percent

    assert [ratio_percent("0.50"), ratio_percent(Decimal("0.375"))] == ["50%", "37.5%"]


def test_dispatch_rates_have_one_decimal_and_a_sign_where_asked() -> None:
    from gonghui.core.formatting import percent_one, percent_signed

    assert [percent_one(Decimal("82.94")), percent_one(None)] == ["82.9%", "—"]
    assert [percent_signed(Decimal("1.2")), percent_signed(Decimal("-3.0"))] == ["+1.2%", "-3.0%"]
