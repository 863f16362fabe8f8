"""The check of the indicator facts: every stored indicator read from the facts and counted
live, side by side (``gonghui facts check``)."""

from __future__ import annotations

from collections.abc import Sequence

from gonghui.core.indicators.facts import covers, stored_indicators
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Tree, indicator_values
from gonghui.orgs.models import Union


def facts_check(
    union: Union, periods: Sequence[Period], keys: Sequence[str] | None = None
) -> list[str]:
    """Every stored indicator (or those of ``keys``) read from the facts and counted live, for
    ``union`` and its children in each period; returns the differences, in words."""
    tree = Tree.of(union)
    state = tree.facts()
    differences = []
    for indicator in stored_indicators():
        if keys is not None and indicator.key not in keys:
            continue
        usable = [p for p in periods if covers(state, indicator, [p])]
        if not usable:
            continue
        kept = indicator_values(indicator, union, usable, tree)
        live = indicator_values(indicator, union, usable, tree, live=True)
        for period, a, b in zip(usable, kept, live, strict=True):
            if a != b:
                differences.append(
                    f"{indicator.label}（{indicator.key}）{period.label}：事实表 {a.total}，"
                    f"实时 {b.total}；分项 {a.by_child} / {b.by_child}"
                )
    return differences
