"""Every read of 能级工资集体协商, inside the actor's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, Q, Sum

from gonghui.core.actors import Actor
from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import access
from gonghui.core.workflow.models import State
from gonghui.orgs.models import Union
from gonghui.wages.models import (
    Allocation,
    Asset,
    BudgetYear,
    CongressSession,
    Disclosure,
    DuesRelief,
    Expenditure,
    Lease,
    SpendingStandard,
    WageContract,
)
from gonghui.wages.services.assets import rent_roll
from gonghui.wages.services.contracts import MONEY, rise
from gonghui.wages.services.funds import lines_spent
from gonghui.wages.services.relief import deferrals_overdue

PAGE = 50


def _with_totals(rows: Any) -> Any:
    return rows.annotate(
        enterprise_count=Count("rows__enterprise", distinct=True),
        worker_count=Sum("rows__workers"),
        bill_before=Sum(
            ExpressionWrapper(F("rows__workers") * F("rows__wage_before"), output_field=MONEY)
        ),
        bill_after=Sum(
            ExpressionWrapper(F("rows__workers") * F("rows__wage_after"), output_field=MONEY)
        ),
    )


def contract_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[WageContract], int | None]:
    """One page, newest first, each contract with its coverage and computed rise."""
    rows = _with_totals(
        WageContract.objects.visible_to(actor).select_related("union").order_by("-id")
    )
    found, next_before = keyset_page(rows, before=before, size=size)
    for c in found:
        c.rise = rise(c.bill_before, c.bill_after)
    return found, next_before


def access_contract(*, actor: Actor, contract_id: int) -> WageContract:
    """One contract in the actor's scope, or 404."""
    return access(WageContract.objects.select_related("union"), actor=actor, pk=contract_id)


def contract_table(contract: WageContract) -> dict[str, Any]:
    """The wage table by enterprise, each with its rise, and the contract's rise over every
    row."""
    by_enterprise: dict[int, dict[str, Any]] = {}
    before_total = after_total = Decimal(0)
    for row in contract.rows.select_related("enterprise").order_by("enterprise__name", "id"):
        group = by_enterprise.setdefault(
            row.enterprise_id,
            {"enterprise": row.enterprise, "rows": [], "before": Decimal(0), "after": Decimal(0)},
        )
        group["rows"].append(row)
        group["before"] += row.bill_before
        group["after"] += row.bill_after
        before_total += row.bill_before
        after_total += row.bill_after
    groups = list(by_enterprise.values())
    for g in groups:
        g["rise"] = rise(g["before"], g["after"])
    return {
        "groups": groups,
        "rise": rise(before_total, after_total),
        "bill_before": before_total,
        "bill_after": after_total,
        "workers": sum(r.workers for g in groups for r in g["rows"]),
    }


def congress_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[CongressSession], int | None]:
    """Congress sessions in scope, newest recorded first."""
    rows = (
        CongressSession.objects.visible_to(actor)
        .select_related("enterprise", "union")
        .order_by("-id")
    )
    return keyset_page(rows, before=before, size=size)


def disclosure_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Disclosure], int | None]:
    """Disclosures in scope, newest recorded first."""
    rows = (
        Disclosure.objects.visible_to(actor).select_related("enterprise", "union").order_by("-id")
    )
    return keyset_page(rows, before=before, size=size)


def relief_page(
    *,
    actor: Actor,
    state: str = "",
    kind: str = "",
    overdue: bool = False,
    before: int | None = None,
    size: int = PAGE,
) -> tuple[list[DuesRelief], int | None]:
    """Reliefs in scope, newest first, filtered by state and kind, or only the deferrals
    past due."""
    rows = (
        DuesRelief.objects.visible_to(actor).select_related("enterprise", "union").order_by("-id")
    )
    if overdue:
        rows = rows.filter(deferrals_overdue())
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return keyset_page(rows, before=before, size=size)


def relief_totals(*, actor: Actor) -> dict[str, Any]:
    """Granted relief in scope: the amount and the enterprises, and the deferrals past due."""
    granted = DuesRelief.objects.visible_to(actor).filter(state=State.APPROVED)
    totals = granted.aggregate(
        amount=Sum("amount"), enterprises=Count("enterprise_id", distinct=True)
    )
    totals["overdue"] = DuesRelief.objects.visible_to(actor).filter(deferrals_overdue()).count()
    return totals


def access_relief(*, actor: Actor, relief_id: int) -> DuesRelief:
    return access(
        DuesRelief.objects.select_related("enterprise", "union"), actor=actor, pk=relief_id
    )


def budget_of(*, actor: Actor, union: Any, year: int) -> dict[str, Any]:
    """A union's budget for a year: each line with what was spent and what remains."""
    budget = BudgetYear.objects.visible_to(actor).filter(union=union, year=year).first()
    lines = list(budget.lines.all()) if budget else []
    spent = lines_spent(lines)
    for line in lines:
        line.spent = spent.get(line.pk, Decimal(0))  # type: ignore[attr-defined]
        line.remaining = line.amount - line.spent  # type: ignore[attr-defined]
    return {
        "budget": budget,
        "lines": lines,
        "total": sum((line.amount for line in lines), Decimal(0)),
        "spent": sum(spent.values(), Decimal(0)),
        "years": list(
            BudgetYear.objects.visible_to(actor)
            .filter(union=union)
            .order_by("-year")
            .values_list("year", flat=True)
        ),
    }


def expenditure_page(
    *, actor: Actor, over: bool = False, before: int | None = None, size: int = PAGE
) -> tuple[list[Expenditure], int | None]:
    """Payments in scope, newest recorded first; ``over``: only those above their standard."""
    rows = (
        Expenditure.objects.visible_to(actor)
        .select_related("union", "line", "explained_by")
        .order_by("-id")
    )
    if over:
        rows = rows.exclude(over_standard="")
    return keyset_page(rows, before=before, size=size)


def access_expenditure(*, actor: Actor, expenditure_id: int) -> Expenditure:
    return access(
        Expenditure.objects.select_related("union", "line__budget", "activity", "explained_by"),
        actor=actor,
        pk=expenditure_id,
    )


def standards_applying(*, union: Union) -> list[SpendingStandard]:
    """The standards set by the union, its ancestors and its subtree."""
    steps = [union.path[:n] for n in range(Union.steplen, len(union.path) + 1, Union.steplen)]
    return list(
        SpendingStandard.objects.filter(
            Q(union__path__in=steps) | Q(union__path__startswith=union.path)
        )
        .select_related("union")
        .order_by("kind", "-effective_from")
    )


def allocation_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Allocation], int | None]:
    """Allocations the actor's subtree received or the actor's union gave, newest first."""
    rows = (
        Allocation.objects.filter(
            Q(pk__in=Allocation.objects.visible_to(actor).values("pk")) | Q(from_union=actor.union)
        )
        .select_related("from_union", "to_union")
        .order_by("-id")
    )
    return keyset_page(rows, before=before, size=size)


def rent_roll_of(
    *, actor: Actor, on: date, arrears: bool = False, ending: bool = False
) -> dict[str, Any]:
    """The assets in scope and the rent roll of their leases on ``on``, filtered to leases in
    arrears or ending soon."""
    assets = list(Asset.objects.visible_to(actor).select_related("union").order_by("union", "name"))
    leases = Lease.objects.visible_to(actor).filter(asset__in=assets).order_by("asset", "starts_on")
    lines = rent_roll(leases, on=on)
    totals = {
        "due": sum((line.due for line in lines), Decimal(0)),
        "paid": sum((line.paid for line in lines), Decimal(0)),
        "arrears": sum((line.arrears for line in lines), Decimal(0)),
        "ending": sum(line.ending_soon for line in lines),
    }
    if arrears:
        lines = [line for line in lines if line.arrears]
    if ending:
        lines = [line for line in lines if line.ending_soon]
    by_asset: dict[int, list[Any]] = {}
    for line in lines:
        by_asset.setdefault(line.lease.asset_id, []).append(line)
    return {
        "assets": [{"asset": a, "lines": by_asset.get(a.pk, [])} for a in assets],
        "totals": totals,
    }


def access_asset(*, actor: Actor, asset_id: int) -> Asset:
    return access(Asset.objects.select_related("union"), actor=actor, pk=asset_id)


def access_lease(*, actor: Actor, lease_id: int) -> Lease:
    return access(Lease.objects.select_related("asset__union"), actor=actor, pk=lease_id)


def activities_to_link(*, union: Union, limit: int = 200) -> list[Any]:
    """The union's latest activities in the activity ledger, which a payment may be linked
    to. Read by the model's label: the domain modules do not import each other."""
    from django.apps import apps

    activity = apps.get_model("activities", "Activity")
    return list(activity.objects.filter(union=union).order_by("-held_on", "-id")[:limit])
