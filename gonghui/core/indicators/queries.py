"""Building blocks for indicator queries: one GROUP BY over the records for every period at
once (a conditional count or sum per period), keyed by the owning union's id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.indicators.periods import Period
from gonghui.orgs.models import Union

# Set while the facts are kept for some unions only (core/indicators/facts.py): the owners
# whose values are wanted, so that the query reads their records and no others.
ONLY_OWNERS: ContextVar[frozenset[int] | None] = ContextVar("only_owners", default=None)


def within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def per_period(
    records: QuerySet[Any],
    *,
    owner: str,
    path_field: str,
    path: str,
    periods: Sequence[Period],
    condition: Callable[[Period], Q],
    amount: str | None = None,
    prefilter: Q | None = None,
) -> list[dict[int, Any]]:
    """For each period, {owner union id: count of the records meeting ``condition`` (or the
    sum of ``amount``)} among those owned inside ``path``; one query for all periods."""
    if not periods:
        return []
    # The root's subtree is everything: no join to the union table is needed.
    if len(path) > Union.steplen:
        records = records.filter(**{f"{path_field}__startswith": path})
    if prefilter is not None:
        records = records.filter(prefilter)
    only = ONLY_OWNERS.get()
    if only is not None:
        records = records.filter(**{f"{owner}__in": only})
    aggregates = {
        f"p{i}": (
            Sum(amount, filter=condition(period))
            if amount
            else Count("pk", filter=condition(period))
        )
        for i, period in enumerate(periods)
    }
    rows = records.order_by().values(owner).annotate(**aggregates)
    result: list[dict[int, Any]] = [{} for _ in periods]
    for row in rows:
        for i in range(len(periods)):
            value = row[f"p{i}"]
            if value:
                result[i][row[owner]] = value
    return result


def any_within(field: str, periods: Sequence[Period]) -> Q:
    """Records whose ``field`` falls in at least one of the periods (narrows the scan)."""
    return Q(
        **{
            f"{field}__gte": min(p.start for p in periods),
            f"{field}__lte": max(p.end for p in periods),
        }
    )
