"""A plan's terms (gonghui.aid.terms): parsing the categories JSON, and the payout of one
claim computed from them, to the cent. Expected values are worked out by hand in comments."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.aid.terms import (
    ZERO_BELOW_DEDUCTIBLE,
    ZERO_CAP_USED,
    Band,
    CategoryTerms,
    category_terms_parse,
    payout_compute,
)
from gonghui.aid.tests.factories import CATEGORIES_2023
from gonghui.core.sheets.parsers import money

TERMS = category_terms_parse(CATEGORIES_2023)
INPATIENT = TERMS["inpatient"]
D = Decimal


def pay(
    terms: CategoryTerms,
    self_paid: str,
    *,
    consumed: str = "0",
    taken: str = "0",
    earlier: int = 0,
) -> Any:
    return payout_compute(
        terms, D(self_paid), deductible_consumed=D(consumed), taken=D(taken), earlier_count=earlier
    )


def parse_errors(categories: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        category_terms_parse(categories)
    return caught.value.messages


def inpatient_with(**changes: Any) -> dict[str, Any]:
    categories = copy.deepcopy(CATEGORIES_2023)
    categories["inpatient"].update(changes)
    return categories


# --- parsing -------------------------------------------------------------------------------


def test_the_2023_plan_parses_to_its_bands() -> None:
    assert (
        CategoryTerms(
            category="inpatient",
            deductible=D("1000.00"),
            bands=(
                Band(D("10000.00"), D("0.50")),
                Band(D("50000.00"), D("0.60")),
                Band(None, D("0.70")),
            ),
            yearly_cap=D("50000.00"),
        )
        == INPATIENT
    )


def test_critical_illness_parses_as_a_lump_sum_once_a_year() -> None:
    terms = TERMS["critical_illness"]
    assert (terms.is_lump_sum, terms.lump_sum, terms.per_year) == (True, D("10000.00"), 1)


def test_an_unknown_category_is_refused() -> None:
    messages = parse_errors({**CATEGORIES_2023, "dental": CATEGORIES_2023["accident"]})
    assert messages[0].startswith("未知的保障类别“dental”")


def test_a_missing_key_is_named() -> None:
    categories = copy.deepcopy(CATEGORIES_2023)
    del categories["accident"]["yearly_cap"]
    assert parse_errors(categories) == ["意外伤害：缺少年度封顶（yearly_cap）"]


def test_an_amount_that_is_not_a_decimal_string_is_refused() -> None:
    assert parse_errors(inpatient_with(deductible="一千")) == ["住院：起付线“一千”不是有效的金额"]


def test_a_ratio_above_one_is_refused() -> None:
    bands = [{"up_to": "10000.00", "ratio": "0.50"}, {"up_to": None, "ratio": "1.20"}]
    assert parse_errors(inpatient_with(bands=bands)) == ["住院：第 2 段比例应在 0 到 1 之间"]


def test_bands_whose_limits_do_not_increase_are_refused() -> None:
    bands = [
        {"up_to": "10000.00", "ratio": "0.50"},
        {"up_to": "8000.00", "ratio": "0.60"},
        {"up_to": None, "ratio": "0.70"},
    ]
    assert parse_errors(inpatient_with(bands=bands)) == [
        "住院：第 2 段上限应大于上一段的上限（10,000.00）"
    ]


def test_a_last_band_with_an_upper_limit_is_refused() -> None:
    bands = [{"up_to": "10000.00", "ratio": "0.50"}]
    assert parse_errors(inpatient_with(bands=bands)) == [
        "住院：最后一段应不设上限（up_to 为 null）"
    ]


def test_an_open_band_before_the_last_is_refused() -> None:
    bands = [{"up_to": None, "ratio": "0.50"}, {"up_to": None, "ratio": "0.60"}]
    assert parse_errors(inpatient_with(bands=bands)) == ["住院：第 1 段：只有最后一段可以不设上限"]


def test_an_unknown_key_inside_a_category_is_refused() -> None:
    assert parse_errors(inpatient_with(deductable="1000.00")) == ["住院：无法识别的字段 deductable"]


# --- the payout ----------------------------------------------------------------------------


def test_a_first_claim_below_the_deductible_pays_nothing_and_consumes_it() -> None:
    payout = pay(INPATIENT, "600.00")
    assert (payout.amount, payout.deductible_used) == (D("0.00"), D("600.00"))
    assert payout.zero_reason == ZERO_BELOW_DEDUCTIBLE


def test_the_deductible_left_by_an_earlier_claim_is_taken_by_the_next() -> None:
    # 1,000 − 600 = 400 left; 700 − 400 = 300 at 50% = 150.00
    payout = pay(INPATIENT, "700.00", consumed="600.00")
    assert (payout.amount, payout.deductible_used) == (D("150.00"), D("400.00"))


def test_a_base_exactly_at_the_first_band_limit() -> None:
    # 11,000 − 1,000 = 10,000 at 50% = 5,000.00
    assert pay(INPATIENT, "11000.00").amount == D("5000.00")


def test_one_cent_into_the_second_band_rounds_up() -> None:
    # 5,000 + 0.01 × 60% = 5,000.006 → 5,000.01
    assert pay(INPATIENT, "11000.01").amount == D("5000.01")


def test_a_base_across_three_bands() -> None:
    # 10,000 × 50% + 40,000 × 60% + 10,000 × 70% = 5,000 + 24,000 + 7,000
    assert pay(INPATIENT, "61000.00").amount == D("36000.00")


def test_the_yearly_cap_is_reached_in_the_middle_of_a_claim() -> None:
    # base 15,000: 5,000 + 5,000 × 60% = 8,000; the cap leaves 50,000 − 45,000 = 5,000
    payout = pay(INPATIENT, "15000.00", consumed="1000.00", taken="45000.00")
    assert payout.amount == D("5000.00")


def test_a_used_up_cap_pays_nothing_and_says_why() -> None:
    payout = pay(INPATIENT, "15000.00", consumed="1000.00", taken="50000.00")
    assert (payout.amount, payout.zero_reason) == (D("0.00"), ZERO_CAP_USED)


def test_half_a_cent_rounds_up() -> None:
    # 2,234.49 − 1,000 = 1,234.49 at 50% = 617.245 → 617.25 (half-even would give 617.24)
    assert pay(INPATIENT, "2234.49").amount == D("617.25")


def test_outpatient_special_pays_its_single_ratio() -> None:
    # (1,500 − 500) × 40% = 400.00
    assert pay(TERMS["outpatient_special"], "1500.00").amount == D("400.00")


def test_critical_illness_pays_its_lump_sum_the_first_time() -> None:
    assert pay(TERMS["critical_illness"], "80000.00").amount == D("10000.00")


def test_critical_illness_pays_nothing_once_per_year_is_used() -> None:
    payout = pay(TERMS["critical_illness"], "80000.00", earlier=1)
    assert payout.amount == D("0.00")
    assert payout.zero_reason == "重大疾病互助金每个方案年度限申领 1 次，已申领 1 次，互助金为0元"


def test_the_lines_show_the_computation_step_by_step() -> None:
    assert pay(INPATIENT, "9000.00").lines_json() == [
        {"label": "个人自付", "amount": "9000.00"},
        {"label": "起付线", "amount": "1,000.00（已抵扣 0.00，本次抵扣 1,000.00）"},
        {"label": "计算基数", "amount": "8000.00"},
        {"label": "0–10,000.00 部分", "amount": "8,000.00 × 50% = 4,000.00"},
        {"label": "年度封顶", "amount": "50,000.00，已支付 0.00，本次最多 50,000.00"},
        {"label": "互助金（四舍五入到分）", "amount": "4000.00"},
    ]


def test_the_lines_keep_unrounded_band_amounts() -> None:
    lines = pay(INPATIENT, "11000.01").lines_json()
    assert lines[4] == {"label": "10,000.00–50,000.00 部分", "amount": "0.01 × 60% = 0.006"}


def test_the_last_band_line_reads_as_above_its_floor() -> None:
    lines = pay(INPATIENT, "61000.00").lines_json()
    assert lines[5] == {"label": "50,000.00 以上部分", "amount": "10,000.00 × 70% = 7,000.00"}


# --- amounts as typed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1,234.50", "1234.50"), ("1234.5元", "1234.50"), (1234.5, "1234.50"), (800, "800.00")],
)
def test_amounts_are_read_as_people_type_them(typed: Any, expected: str) -> None:
    assert money(typed) == D(expected)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1.00", "不能为负数"), ("10.005", "最多两位小数"), ("十元", "应为金额（元），如 1234.50")],
)
def test_bad_amounts_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        money(typed)
    assert caught.value.messages == [message]
