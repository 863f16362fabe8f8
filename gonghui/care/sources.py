"""Services other modules deliver, counted as deliveries of their catalogue item without
being keyed twice: each source gives the people it served in a period, by keyed hash, and
their number of person-times. The care module's own records (visits, attendances, sessions)
write ledger rows instead, in their own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, QuerySet

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.care.models import HardshipAid
from gonghui.core.workflow.models import State


@dataclass(frozen=True)
class DeliverySource:
    item_key: str
    label: str
    # (start, end) -> the records delivered in the period, annotated with ``person_hash``
    # and owned (scoped) by ``union``.
    rows: Callable[[date, date], QuerySet[Any]]


def _paid(model: Any, person: str = "member__id_hash") -> Callable[[date, date], QuerySet[Any]]:
    """The items of a workflow type paid in the period, each a delivery to its person (the
    member's keyed hash, or the item's own ``person_hash``)."""

    def rows(start: date, end: date) -> QuerySet[Any]:
        paid = model.objects.filter(state=State.PAID, paid_on__gte=start, paid_on__lte=end)
        return paid if person == "person_hash" else paid.annotate(person_hash=F(person))

    return rows


SOURCES: tuple[DeliverySource, ...] = (
    DeliverySource("medical_security", "职工医疗互助赔付", _paid(MutualAidClaim)),
    DeliverySource("medical_security", "会员大病救助", _paid(ReliefApplication)),
    DeliverySource("hardship_aid", "困难职工帮扶金", _paid(HardshipAid, "person_hash")),
)


def sources_for(item_key: str) -> list[DeliverySource]:
    return [s for s in SOURCES if s.item_key == item_key]
