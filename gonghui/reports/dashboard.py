"""驾驶舱: the data of the leaders' dashboard, a layout over the indicator registry.

Key figures come from the dispatch table (so the two pages can never disagree); the charts
of one indicator (the months of this year and last year, and the children's year to date)
come from a single ``indicator_values`` call. Scope is checked by the callers (views).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from gonghui.core.formatting import light_css
from gonghui.core.indicators.periods import Period, expected_progress, parse_month
from gonghui.core.indicators.registry import (
    Indicator,
    Tree,
    indicator_get,
    indicator_values,
    indicators,
)
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import MAPS, map_names
from gonghui.reports.dispatch import DispatchRow, dispatch_table

# The figures on the cards, in registry order; keys not registered (yet) are left out.
KEY_FIGURES = (
    "unions_formed",
    "unions_formed_new_form",
    "members_new",
    "members_new_new_form",
    "members_end",
    "mutual_aid_paid_count",
    "mutual_aid_paid_amount",
    "relief_paid_amount",
    "pre_shift_talks",
    "talk_lecture_attendance",
    "job_positions",
    "followups_overdue",
    "outdoor_stations_new",
    "competitions_held",
    "competition_entries",
    "skill_promotions",
    "wage_contract_enterprises",
    "wage_rise_avg",
    "dues_relief_amount",
)
DEFAULT_INDICATOR = "members_new"
# A township may have hundreds of grassroots unions: the ranked chart shows the first ones.
RANKED_LIMIT = 20


def month_parse(text: str, today: date) -> tuple[int, int] | None:
    """``2023-06`` -> (2023, 6); None for anything else or a month after ``today``'s."""
    try:
        return parse_month(text, today=today)
    except ValueError:
        return None


def month_choices(today: date, chosen: tuple[int, int], years: int = 5) -> list[tuple[str, str]]:
    """The months a user may pick, newest first: this year's and the previous
    ``years - 1`` years' (and the chosen month, if older)."""
    months = [(y, m) for y in range(today.year - years + 1, today.year + 1) for m in range(1, 13)]
    months = [ym for ym in months if ym <= (today.year, today.month)]
    if chosen not in months:
        months.append(chosen)
    return [(f"{y}-{m:02d}", f"{y}年{m}月") for y, m in sorted(months, reverse=True)]


def figure_text(indicator: Indicator, value: Decimal | None) -> str:
    """A figure as the page shows it: thousands separators, the indicator's decimals."""
    if value is None:
        return "—"
    return f"{value:,.{indicator.places}f}"


def _number(indicator: Indicator, value: Decimal | None) -> str | None:
    # Charts get strings (JSON has no decimals); the browser turns them into numbers.
    return None if value is None else f"{value:.{indicator.places}f}"


def _pct_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class KeyFigure:
    row: DispatchRow

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def is_flow(self) -> bool:
        """A flow adds up over the months; a stock or a ratio is read at the month's end."""
        return self.indicator.kind == "flow"

    @property
    def light_class(self) -> str:
        return light_css(self.row.light)

    @property
    def month_text(self) -> str:
        return figure_text(self.indicator, self.row.month)

    @property
    def ytd_text(self) -> str:
        return figure_text(self.indicator, self.row.ytd)

    @property
    def completion_text(self) -> str:
        return _pct_text(self.row.completion)

    @property
    def target_text(self) -> str:
        return figure_text(self.indicator, self.row.target)

    @property
    def yoy_text(self) -> str:
        yoy = self.row.yoy
        if yoy is None:
            return "—"
        return f"{'+' if yoy > 0 else ''}{yoy}%"


@dataclass
class Dashboard:
    union: Union
    year: int
    month: int
    as_of: datetime  # 数据截至
    figures: list[KeyFigure]
    expected: Decimal  # 序时进度 of the month, in percent
    indicator: Indicator
    charts: dict[str, Any]
    options: list[Indicator]

    @property
    def month_value(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def ytd_label(self) -> str:
        return "1月" if self.month == 1 else f"1—{self.month}月"

    @property
    def map_name(self) -> str | None:
        return self.charts["map"]

    @property
    def has_children(self) -> bool:
        return bool(self.charts["children_count"])


def _competition_ranks(values: list[tuple[str, Decimal]], lower_first: bool) -> dict[str, int]:
    ordered = sorted(values, key=lambda v: v[1], reverse=not lower_first)
    ranks: dict[str, int] = {}
    rank, previous = 0, None
    for position, (code, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[code] = rank
    return ranks


def dashboard_charts(
    *, union: Union, year: int, month: int, indicator: Indicator, tree: Tree | None = None
) -> dict[str, Any]:
    """The charts of one indicator for ``union``: the months of ``year`` up to ``month``
    and the twelve of the year before (the trend), and each child's year to date, ranked
    (the comparison and the map). One ``indicator_values`` call. JSON-ready."""
    tree = tree or Tree.of(union)
    this_year = [Period.month(year, m) for m in range(1, month + 1)]
    last_year = [Period.month(year - 1, m) for m in range(1, 13)]
    ytd = Period.year_to_date(year, month)
    values = indicator_values(indicator, union, [*this_year, *last_year, ytd], tree)
    this_values = values[: len(this_year)]
    last_values = values[len(this_year) : len(this_year) + 12]
    ytd_values = values[-1]

    lower = indicator.better == "lower"
    known = [(c.code, v) for c in tree.children if (v := ytd_values.child(c.code)) is not None]
    ranks = _competition_ranks(known, lower)
    map_name = MAPS.get(union.code)
    names = map_names(tree.children) if map_name else {}
    children = [
        {
            "code": c.code,
            "name": c.name,
            "map_name": names.get(c.code, ""),
            "value": _number(indicator, ytd_values.child(c.code)),
            "text": figure_text(indicator, ytd_values.child(c.code)),
            "rank": ranks.get(c.code),
        }
        for c in tree.children
    ]
    # Ranked best first; unranked (no value) last, then by code.
    children.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, c["code"]))
    as_of = timezone.localtime()
    return {
        "union": {"code": union.code, "name": union.name, "level": union.level},
        "indicator": {
            "key": indicator.key,
            "label": indicator.label,
            "unit": indicator.unit,
            "places": indicator.places,
            "better": indicator.better,
        },
        "year": year,
        "month": month,
        "months": [f"{m}月" for m in range(1, 13)],
        "this_year_label": f"{year}年",
        "last_year_label": f"{year - 1}年",
        # Months after the chosen one have not been reported yet: no value, not zero.
        "this_year": [_number(indicator, v.total) for v in this_values] + [None] * (12 - month),
        "last_year": [_number(indicator, v.total) for v in last_values],
        "ytd_label": ytd.label,
        "total": _number(indicator, ytd_values.total),
        "total_text": figure_text(indicator, ytd_values.total),
        "children": children[:RANKED_LIMIT] if not map_name else children,
        "children_count": len(children),
        "map": map_name,
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of:%Y-%m-%d %H:%M}",
    }


def chart_indicators() -> list[Indicator]:
    """The indicators a user may pick for the charts: all of them, in report order."""
    return indicators()


def dashboard_build(*, union: Union, year: int, month: int, indicator_key: str) -> Dashboard:
    """Everything the dashboard page shows for ``union`` and the month (scope checked by
    the caller). An unknown indicator key falls back to the default."""
    options = chart_indicators()
    keys = {i.key for i in options}
    chosen = indicator_get(indicator_key if indicator_key in keys else DEFAULT_INDICATOR)
    table = dispatch_table(
        union=union, year=year, month=month, keys=[k for k in KEY_FIGURES if k in keys]
    )
    tree = Tree.of(union)
    charts = dashboard_charts(union=union, year=year, month=month, indicator=chosen, tree=tree)
    return Dashboard(
        union=union,
        year=year,
        month=month,
        as_of=timezone.localtime(table.as_of),
        figures=[KeyFigure(row) for row in table.rows],
        expected=expected_progress(month).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        indicator=chosen,
        charts=charts,
        options=options,
    )
