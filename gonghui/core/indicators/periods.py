"""Reporting periods: a month, quarter, half-year, year, year to date, or any date range,
as dates in Asia/Shanghai (business dates are dates, so no clock is involved), and the same
period of the year before for year-on-year change."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gonghui.core.dates import report_today


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _range_label(start: date, end: date) -> str:
    return f"{start:%Y-%m-%d}至{end:%Y-%m-%d}"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), _month_end(year, month), f"{year}年{month}月")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), _month_end(year, first + 2), f"{year}年第{quarter}季度")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        first = 1 if half == 1 else 7
        label = f"{year}年{'上' if half == 1 else '下'}半年"
        return cls(date(year, first, 1), _month_end(year, first + 5), label)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year}年")

    @classmethod
    def year_to_date(cls, year: int, month: int) -> Period:
        """1–N月累计: January to the end of ``month``."""
        label = f"{year}年1月" if month == 1 else f"{year}年1—{month}月"
        return cls(date(year, 1, 1), _month_end(year, month), label)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        if end < start:
            raise ValueError("结束日期不能早于开始日期")
        return cls(start, end, _range_label(start, end))

    def last_year(self) -> Period:
        """The same period one year earlier (去年同期)."""
        start, end = _shift_year(self.start, -1), _shift_year(self.end, -1)
        if self.end == _month_end(self.end.year, self.end.month):
            end = _month_end(end.year, end.month)  # February's end stays the month's end
        if self.label == _range_label(self.start, self.end):
            # A date range names both dates: both move (the end may change year too).
            return Period(start, end, _range_label(start, end))
        label = self.label.replace(str(self.start.year), str(start.year), 1)
        return Period(start, end, label)


def expected_progress(month: int) -> Decimal:
    """序时进度: the elapsed share of the year by month, in percent (June = 50)."""
    return Decimal(month * 100) / 12


def last_complete_month(today: date | None = None) -> tuple[int, int]:
    """The month a report is usually about: the one before ``today``'s (default: the
    report day)."""
    today = today or report_today()
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1


def parse_month(text: str, *, today: date | None = None) -> tuple[int, int]:
    """``"2023-06"`` -> (2023, 6); a malformed month, or one after ``today``'s (default: now
    in Asia/Shanghai), raises ValueError with a message for people."""
    import re

    from django.utils import timezone

    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match:
        raise ValueError(f"月份“{text}”格式不正确，应为 YYYY-MM，如 2023-06。")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        raise ValueError(f"月份“{text}”不存在。")
    today = today or timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValueError(f"{year}年{month}月尚未到来，没有数据。")
    return year, month
