"""每月一调度: the monthly dispatch table of a union, computed from the registry.

For a union and a month: every indicator's value this month, year to date, the same period
last year, the target, completion against expected progress (序时进度) and a light; and, for
each child union, the month and year-to-date values, completion, rank and the change of rank
since the month before. One query per indicator (all periods at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from gonghui.core.formatting import light_label
from gonghui.core.indicators.periods import Period, expected_progress
from gonghui.core.indicators.registry import Indicator, Tree, indicator_values, indicators
from gonghui.orgs.models import Union
from gonghui.reports.targets import targets_for

ONE_PLACE = Decimal("0.1")


def _pct(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or not base:
        return None
    return (value * 100 / base).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _change(value: Decimal | None, before: Decimal | None, rate: bool = False) -> Decimal | None:
    """同比: the change against last year, in percent of last year's value; for a rate, the
    difference in percentage points."""
    if rate:
        if value is None or before is None:
            return None
        return (value - before).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    if value is None or not before:
        return None
    return ((value - before) * 100 / before).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def light(gap: Decimal | None) -> str | None:
    """亮灯: green on pace or ahead; yellow up to N points behind; red further behind."""
    if gap is None:
        return None
    if gap >= 0:
        return "green"
    if gap >= -Decimal(settings.GONGHUI_LIGHT_YELLOW_POINTS):
        return "yellow"
    return "red"


@dataclass
class ChildCell:
    code: str
    name: str
    month: Decimal | None
    ytd: Decimal | None
    target: Decimal | None
    completion: Decimal | None
    rank: int | None = None
    rank_before: int | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since last month (positive: moved up)."""
        if self.rank is None or self.rank_before is None:
            return None
        return self.rank_before - self.rank


@dataclass
class DispatchRow:
    number: int
    indicator: Indicator
    target: Decimal | None
    month: Decimal | None
    ytd: Decimal | None
    last_year_ytd: Decimal | None
    completion: Decimal | None
    expected: Decimal
    gap: Decimal | None
    yoy: Decimal | None
    light: str | None
    children: list[ChildCell] = field(default_factory=list)

    @property
    def light_label(self) -> str:
        return light_label(self.light)


@dataclass
class DispatchTable:
    union: Union
    year: int
    month: int
    rows: list[DispatchRow]
    children: list[Union]
    as_of: datetime  # 数据截至: the numbers are computed live from the records

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def ytd_label(self) -> str:
        return "1月" if self.month == 1 else f"1—{self.month}月"

    def row(self, key: str) -> DispatchRow:
        return next(r for r in self.rows if r.indicator.key == key)


def _ranks(
    cells: list[ChildCell], by_completion: bool, lower_first: bool = False
) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4), highest first, by completion rate or else by the
    year-to-date value; cells without one are unranked."""

    def score(cell: ChildCell) -> Decimal | None:
        return cell.completion if by_completion else cell.ytd

    scored = [(value, c.code) for c in cells if (value := score(c)) is not None]
    scored.sort(key=lambda s: s[0], reverse=by_completion or not lower_first)
    ranks: dict[str, int] = {}
    rank, previous = 0, None
    for position, (value, code) in enumerate(scored, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[code] = rank
    return ranks


def dispatch_table(
    *, union: Union, year: int, month: int, keys: list[str] | None = None
) -> DispatchTable:
    """The dispatch table of ``union`` for ``month`` of ``year`` (scope checked by callers)."""
    as_of = timezone.now()
    tree = Tree.of(union)
    chosen = [i for i in indicators() if keys is None or i.key in keys]
    this_month = Period.month(year, month)
    ytd = Period.year_to_date(year, month)
    periods = [this_month, ytd, ytd.last_year()]
    if month > 1:
        periods.append(Period.year_to_date(year, month - 1))
    targets = targets_for(tree, year, [i.key for i in chosen])
    expected = expected_progress(month).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    rows = []
    for number, indicator in enumerate(chosen, start=1):
        values = indicator_values(indicator, union, periods, tree)
        month_v, ytd_v, last_v = values[0], values[1], values[2]
        before_v = values[3] if month > 1 else None
        goal = targets.get(indicator.key, {})
        target = goal.get(None)
        completion = _pct(ytd_v.total, target)
        gap = completion - expected if completion is not None else None
        cells = [
            ChildCell(
                code=child.code,
                name=child.name,
                month=month_v.child(child.code),
                ytd=ytd_v.child(child.code),
                target=goal.get(child.code),
                completion=_pct(ytd_v.child(child.code), goal.get(child.code)),
            )
            for child in tree.children
        ]
        # Rank by completion where the children have targets, else by the value itself.
        by_completion = any(c.completion is not None for c in cells)
        lower = indicator.better == "lower"
        now_ranks = _ranks(cells, by_completion, lower)
        before_ranks: dict[str, int] = {}
        if before_v is not None:
            before_cells = [
                ChildCell(
                    c.code,
                    c.name,
                    None,
                    before_v.child(c.code),
                    c.target,
                    _pct(before_v.child(c.code), c.target),
                )
                for c in cells
            ]
            before_ranks = _ranks(before_cells, by_completion, lower)
        for cell in cells:
            cell.rank = now_ranks.get(cell.code)
            cell.rank_before = before_ranks.get(cell.code)
        rows.append(
            DispatchRow(
                number=number,
                indicator=indicator,
                target=target,
                month=month_v.total,
                ytd=ytd_v.total,
                last_year_ytd=last_v.total,
                completion=completion,
                expected=expected,
                gap=gap,
                yoy=_change(ytd_v.total, last_v.total, rate=indicator.unit == "%"),
                light=light(gap),
                children=cells,
            )
        )
    return DispatchTable(union, year, month, rows, tree.children, as_of)


def dispatch_json(table: DispatchTable) -> dict[str, Any]:
    """The shape `gonghui report dispatch --json` prints: numbers as JSON numbers, money as
    strings with two decimals."""

    def number(indicator: Indicator, value: Decimal | None) -> Any:
        if value is None:
            return None
        if indicator.is_money:
            return f"{value:.2f}"
        return int(value) if indicator.places == 0 else float(value)

    return {
        "union": table.union.code,
        "month": f"{table.year}-{table.month:02d}",
        "as_of": table.as_of.isoformat(),
        "indicators": [
            {
                "key": r.indicator.key,
                "label": r.indicator.label,
                "unit": r.indicator.unit,
                "month": number(r.indicator, r.month),
                "ytd": number(r.indicator, r.ytd),
                "target": number(r.indicator, r.target),
                "last_year_ytd": number(r.indicator, r.last_year_ytd),
                "by_union": {
                    c.code: {
                        "month": number(r.indicator, c.month),
                        "ytd": number(r.indicator, c.ytd),
                    }
                    for c in r.children
                },
            }
            for r in table.rows
        ],
    }
