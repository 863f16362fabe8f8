"""The arithmetic of wage contracts: a contract's rise from its table, and coverage counted
once per enterprise. Contracts are written by the `wage-contracts` sheet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum

from gonghui.wages.models import WageContract, WageRow

MONEY = DecimalField(max_digits=20, decimal_places=2)
BILL_BEFORE = ExpressionWrapper(F("workers") * F("wage_before"), output_field=MONEY)
BILL_AFTER = ExpressionWrapper(F("workers") * F("wage_after"), output_field=MONEY)
BILL_INCREASE = ExpressionWrapper(
    F("workers") * (F("wage_after") - F("wage_before")), output_field=MONEY
)


def rise(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """Σ(workers × wage after) ÷ Σ(workers × wage before) − 1, as a fraction (None without a
    wage bill before)."""
    if not before or after is None:
        return None
    return Decimal(after) / Decimal(before) - 1


def rows_rise(rows: QuerySet[WageRow]) -> Decimal | None:
    """The rise over every row of ``rows`` (one contract's table, or every contract of a
    period): the same formula either way."""
    totals = rows.aggregate(before=Sum(BILL_BEFORE), after=Sum(BILL_AFTER))
    return rise(totals["before"], totals["after"])


@dataclass(frozen=True)
class Coverage:
    enterprises: int
    workers: int
    # {union id: (enterprises, workers)}, each enterprise at the union of the contract
    # that covers it (the latest signed, then the latest recorded).
    by_union: dict[int, tuple[int, int]]


def coverage(contracts: Iterable[WageContract] | QuerySet[WageContract]) -> Coverage:
    """Enterprises covered by ``contracts`` and their workers, once per enterprise: an
    enterprise under two contracts counts once, with the workers of the latest one's
    table."""
    ids = [c.pk for c in contracts]
    return coverage_of(coverage_rows(WageRow.objects.filter(contract_id__in=ids)))


CoverageRow = tuple[int, int, date, int, int]  # enterprise, contract, signed, union, workers


def coverage_rows(rows: QuerySet[WageRow]) -> list[CoverageRow]:
    """Each (enterprise, contract) of ``rows`` with its signing day, union and workers: one
    query, from which any period's coverage follows (``coverage_of``)."""
    return list(
        rows.values_list(
            "enterprise_id", "contract_id", "contract__signed_on", "contract__union_id"
        )
        .annotate(n=Sum("workers"))
        .order_by()
    )


def coverage_of(found: Iterable[CoverageRow]) -> Coverage:
    latest: dict[int, tuple[date, int, int, int]] = {}
    for enterprise, contract, signed, union, workers in found:
        if enterprise not in latest or (signed, contract) > latest[enterprise][:2]:
            latest[enterprise] = (signed, contract, union, workers)
    by_union: dict[int, tuple[int, int]] = {}
    for _, _, union, workers in latest.values():
        count, people = by_union.get(union, (0, 0))
        by_union[union] = (count + 1, people + workers)
    return Coverage(
        enterprises=len(latest),
        workers=sum(p for _, p in by_union.values()),
        by_union=by_union,
    )
