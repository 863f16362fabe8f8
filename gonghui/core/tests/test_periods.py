"""Reporting periods: their ranges (end inclusive), labels, the same period last year, and
expected progress (序时进度)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gonghui.core.indicators.periods import Period, expected_progress


def test_month_runs_from_the_first_to_the_last_day() -> None:
    assert Period.month(2023, 6) == Period(date(2023, 6, 1), date(2023, 6, 30), "2023年6月")


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    assert Period.month(2024, 2).end == date(2024, 2, 29)


def test_quarter() -> None:
    assert Period.quarter(2023, 2) == Period(date(2023, 4, 1), date(2023, 6, 30), "2023年第2季度")


def test_fourth_quarter_ends_on_new_years_eve() -> None:
    assert Period.quarter(2023, 4).end == date(2023, 12, 31)


def test_first_half_year() -> None:
    assert Period.half(2023, 1) == Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")


def test_second_half_year() -> None:
    assert Period.half(2023, 2) == Period(date(2023, 7, 1), date(2023, 12, 31), "2023年下半年")


def test_year() -> None:
    assert Period.year(2023) == Period(date(2023, 1, 1), date(2023, 12, 31), "2023年")


def test_year_to_date_runs_from_january_to_the_months_end() -> None:
    assert Period.year_to_date(2023, 6) == Period(
        date(2023, 1, 1), date(2023, 6, 30), "2023年1—6月"
    )


def test_year_to_date_of_january_is_named_as_the_month() -> None:
    assert Period.year_to_date(2023, 1).label == "2023年1月"


def test_between_names_both_dates() -> None:
    period = Period.between(date(2023, 3, 5), date(2023, 4, 20))
    assert period == Period(date(2023, 3, 5), date(2023, 4, 20), "2023-03-05至2023-04-20")


def test_between_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="结束日期不能早于开始日期"):
        Period.between(date(2023, 4, 20), date(2023, 3, 5))


def test_last_year_of_a_half_year() -> None:
    assert Period.half(2023, 1).last_year() == Period(
        date(2022, 1, 1), date(2022, 6, 30), "2022年上半年"
    )


def test_last_year_of_year_to_date() -> None:
    assert Period.year_to_date(2023, 6).last_year() == Period(
        date(2022, 1, 1), date(2022, 6, 30), "2022年1—6月"
    )


def test_last_year_of_a_leap_february_ends_on_the_28th() -> None:
    assert Period.month(2024, 2).last_year() == Period(
        date(2023, 2, 1), date(2023, 2, 28), "2023年2月"
    )


def test_last_year_of_february_after_a_leap_year_ends_on_the_29th() -> None:
    # The month's end stays the month's end.
    assert Period.month(2025, 2).last_year().end == date(2024, 2, 29)


def test_last_year_of_a_range_starting_on_29_february() -> None:
    period = Period.between(date(2024, 2, 29), date(2024, 3, 10)).last_year()
    assert period == Period(date(2023, 2, 28), date(2023, 3, 10), "2023-02-28至2023-03-10")


def test_last_year_of_a_range_across_new_year_moves_both_years() -> None:
    period = Period.between(date(2023, 12, 1), date(2024, 1, 15)).last_year()
    assert period.label == "2022-12-01至2023-01-15"


def test_expected_progress_of_june_is_half_the_year() -> None:
    assert expected_progress(6) == Decimal(50)


def test_expected_progress_of_december_is_the_whole_year() -> None:
    assert expected_progress(12) == Decimal(100)


def test_expected_progress_of_january_is_a_twelfth() -> None:
    assert expected_progress(1).quantize(Decimal("0.01")) == Decimal("8.33")
