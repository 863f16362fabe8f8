"""工会资产与出租: assets, their leases and the rent received, and the rent roll read on a day:
what each lease has fallen due (the rent of every cycle begun by then, payable on its first
day), what was paid, the arrears, and the leases ending soon."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.sheets.parsers import local_today
from gonghui.orgs.models import Union
from gonghui.wages.models import Asset, AssetKind, Lease, RentPayment
from gonghui.wages.permissions import require_funds

ENDING_SOON_DAYS = 90


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept inside the month it lands in (1-31 → 2-28)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def cycles_due(lease: Lease, on: date) -> int:
    """How many rent cycles have begun by ``on`` (the rent is due on each cycle's first day)."""
    if on < lease.starts_on:
        return 0
    count, start = 0, lease.starts_on
    while start <= on and start <= lease.ends_on:
        count += 1
        start = add_months(lease.starts_on, lease.cycle * count)
    return count


@dataclass(frozen=True)
class RentLine:
    lease: Lease
    due: Decimal
    paid: Decimal
    ending_soon: bool

    @property
    def arrears(self) -> Decimal:
        return max(self.due - self.paid, Decimal(0))


def rent_roll(leases: Iterable[Lease], *, on: date) -> list[RentLine]:
    """Each lease with its rent due and paid by ``on``: one query for the payments."""
    leases = list(leases)
    paid = {
        row["lease_id"]: row["total"]
        for row in RentPayment.objects.filter(lease__in=leases, paid_on__lte=on)
        .values("lease_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    return [
        RentLine(
            lease=lease,
            due=lease.rent * cycles_due(lease, on),
            paid=paid.get(lease.pk, Decimal(0)),
            ending_soon=on <= lease.ends_on and (lease.ends_on - on).days <= ENDING_SOON_DAYS,
        )
        for lease in leases
    ]


def asset_create(
    *,
    actor: Actor,
    union: Union,
    name: str,
    kind: str,
    address: str,
    area: Decimal,
    operator: str = "",
) -> Asset:
    require_funds(actor, union)
    name = name.strip()
    problems: list[tuple[str, str]] = []
    if kind not in AssetKind.values:
        problems.append(("kind", "请选择类别"))
    if area <= 0:
        problems.append(("area", "建筑面积须大于 0"))
    if Asset.objects.filter(union=union, name=name).exists():
        problems.append(("name", "本工会已有同名资产"))
    problems_raise(problems)
    asset = Asset.objects.create(
        union=union,
        name=name,
        kind=kind,
        address=address.strip(),
        area=area,
        operator=operator.strip(),
    )
    audit_record(actor=actor, action="wages.asset.create", union=union, summary=f"登记资产{asset}")
    return asset


def lease_create(
    *,
    actor: Actor,
    asset: Asset,
    premises: str,
    tenant: str,
    starts_on: date,
    ends_on: date,
    rent: Decimal,
    cycle: int,
) -> Lease:
    """Let part of an asset. Two leases of the same premises may not overlap."""
    require_funds(actor, asset.union)
    premises, tenant = premises.strip(), tenant.strip()
    problems: list[tuple[str, str]] = []
    if ends_on <= starts_on:
        problems.append(("ends_on", "到期日期须晚于起租日期"))
    if rent <= 0:
        problems.append(("rent", "每期租金须大于 0"))
    if cycle not in Lease.Cycle.values:
        problems.append(("cycle", "请选择缴租周期"))
    clash = Lease.objects.filter(
        asset=asset, premises=premises, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if clash is not None:
        problems.append(
            (
                "starts_on",
                f"“{premises}”在 {clash.starts_on:%Y-%m-%d} 至 {clash.ends_on:%Y-%m-%d} "
                f"已出租给{clash.tenant}",
            )
        )
    problems_raise(problems)
    lease = Lease.objects.create(
        asset=asset,
        premises=premises,
        tenant=tenant,
        starts_on=starts_on,
        ends_on=ends_on,
        rent=rent,
        cycle=cycle,
    )
    audit_record(
        actor=actor, action="wages.lease.create", union=asset.union, summary=f"登记租赁{lease}"
    )
    return lease


def rent_receive(
    *, actor: Actor, lease: Lease, paid_on: date, amount: Decimal, receipt: str = ""
) -> RentPayment:
    """Record rent received on a lease."""
    require_funds(actor, lease.asset.union)
    problems: list[tuple[str, str]] = []
    if amount <= 0:
        problems.append(("amount", "金额须大于 0"))
    if paid_on > local_today():
        problems.append(("paid_on", "收款日期不能晚于今天"))
    problems_raise(problems)
    payment = RentPayment.objects.create(
        lease=lease,
        paid_on=paid_on,
        amount=amount,
        receipt=receipt.strip(),
        created_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="wages.rent.receive",
        union=lease.asset.union,
        summary=f"收取{lease.tenant}租金 {amount} 元",
    )
    return payment
