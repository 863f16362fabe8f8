"""The indicator registry: every figure a report shows is declared once, in its app's
``indicators.py``, and computed here for all children of a union in one grouped query.
Report sections (组织建设, 会员发展, …) are declared there too, by the app that owns them,
with their order and, for the narrative reports, the writer of their paragraph.

An indicator's query returns, for each period asked, a value per *owning* union id (the
union that owns the records: a member's union, a claim's union, a township's task). The
engine rolls those up to the children of the union the report is about, by the child's
tree path, in memory: the union tree is small, the record tables are not, so the database
does one GROUP BY over the records and no join to the tree. The parent's value comes from
the same rows (a sum of unrounded values, or the median of all values), never from adding
rounded children. A ratio is computed from the sums of its two parts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gonghui.core.indicators.declared import (
    _REGISTRY,
    _SECTIONS,
    MONEY_UNITS,
    Indicator,
    Kind,
    Query,
    RecordColumn,
    Section,
    Values,
    indicator_get,
    indicator_register,
    indicators,
    section_extend,
    section_register,
    sections,
)
from gonghui.core.indicators.periods import Period
from gonghui.orgs.models import Union

__all__ = [
    "MONEY_UNITS",
    "_REGISTRY",
    "_SECTIONS",
    "Indicator",
    "Kind",
    "Query",
    "RecordColumn",
    "Section",
    "Tree",
    "Values",
    "indicator_get",
    "indicator_register",
    "indicator_values",
    "indicators",
    "indicators_values",
    "section_extend",
    "section_register",
    "sections",
]


@dataclass
class Tree:
    """A union's children and, for every union of its subtree, the child it rolls up to."""

    union: Union
    children: list[Union]
    child_of: dict[int, str | None]  # owner union id -> child code (None: the union itself)
    _facts: Any = field(default=None, repr=False)
    _facts_checked: bool = field(default=False, repr=False)
    _by_child: dict[tuple[Period, ...], Any] = field(default_factory=dict, repr=False)

    def facts_by_child(self, periods: Sequence[Period]) -> dict[str, list[dict[int, Any]]]:
        """Every covered indicator's facts for these periods, read once for the report."""
        from gonghui.core.indicators.facts import facts_by_child

        key = tuple(periods)
        if key not in self._by_child:
            self._by_child[key] = facts_by_child(self, periods)
        return self._by_child[key]

    def facts(self) -> Any:
        """The facts' state for this report (checked, and pending changes drained, once)."""
        if not self._facts_checked:
            from gonghui.core.indicators.facts import facts_ready

            self._facts, self._facts_checked = facts_ready(), True
        return self._facts

    @classmethod
    def of(cls, union: Union) -> Tree:
        step = Union.steplen
        width = step * (union.depth + 1)
        rows = list(
            Union.objects.filter(path__startswith=union.path)
            .order_by()
            .values_list("id", "path", "code", "depth")
        )
        code_of_path = {path: code for _, path, code, depth in rows if depth == union.depth + 1}
        child_of = {
            pk: code_of_path.get(path[:width]) if len(path) >= width else None
            for pk, path, _, _ in rows
        }
        children = list(
            Union.objects.filter(path__startswith=union.path, depth=union.depth + 1).order_by(
                "code"
            )
        )
        return cls(union, children, child_of)


def _to_decimal(value: Any, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _roll_up(indicator: Indicator, tree: Tree, owned: dict[int, Any]) -> Values:
    codes = [c.code for c in tree.children]
    if indicator.combine == "median":
        lists: dict[str | None, list[Any]] = defaultdict(list)
        everything: list[Any] = []
        for owner, values in owned.items():
            if owner in tree.child_of:
                lists[tree.child_of[owner]].extend(values)
                everything.extend(values)

        def median(values: list[Any]) -> Decimal | None:
            return _to_decimal(statistics.median(values), 1) if values else None

        return Values(median(everything), {code: median(lists.get(code, [])) for code in codes})
    sums: dict[str | None, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for owner, value in owned.items():
        if owner in tree.child_of:
            sums[tree.child_of[owner]] += Decimal(str(value))
            total += Decimal(str(value))
    places = indicator.places
    return Values(
        _to_decimal(total, places),
        {code: _to_decimal(sums.get(code, 0), places) for code in codes},
    )


def _ratio(numerator: Values, denominator: Values) -> Values:
    def pct(a: Decimal | None, b: Decimal | None) -> Decimal | None:
        if a is None or not b:
            return None
        return _to_decimal(a * 100 / b, 1)

    return Values(
        pct(numerator.total, denominator.total),
        {code: pct(v, denominator.child(code)) for code, v in numerator.by_child.items()},
    )


def indicator_values(
    indicator: Indicator,
    union: Union,
    periods: Sequence[Period],
    tree: Tree | None = None,
    *,
    live: bool = False,
) -> list[Values]:
    """The indicator for ``union`` and each of its children, for each period: one query
    (two for a ratio), whatever the number of children. Read from the facts where they
    cover the periods (core/indicators/facts.py); ``live`` counts the records instead."""
    from gonghui.core.indicators.facts import covers, facts_read

    tree = tree or Tree.of(union)
    if indicator.kind == "ratio":
        parts = (indicator_get(indicator.numerator), indicator_get(indicator.denominator))
        top, bottom = (indicator_values(i, union, periods, tree, live=live) for i in parts)
        return [_ratio(a, b) for a, b in zip(top, bottom, strict=True)]
    assert indicator.query is not None, indicator.key
    if not live and covers(tree.facts(), indicator, periods):
        if indicator.combine == "median":
            per_period = facts_read(indicator, union.path, periods)
        else:
            per_period = tree.facts_by_child(periods)[indicator.key]
    else:
        per_period = indicator.query(union.path, periods)
    return [_roll_up(indicator, tree, owned) for owned in per_period]


def indicators_values(
    union: Union, periods: Sequence[Period], keys: Sequence[str] | None = None
) -> dict[str, list[Values]]:
    """Every indicator (or those of ``keys``) for ``union`` and its children."""
    tree = Tree.of(union)
    chosen = [i for i in indicators() if keys is None or i.key in keys]
    return {i.key: indicator_values(i, union, periods, tree) for i in chosen}
