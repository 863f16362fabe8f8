"""The enterprise page's panel of 能级工资与民主管理: whether the enterprise has an
established workers' congress and practises disclosure today (from the records), its latest
sessions and disclosures, and the wage contracts that cover it."""

from __future__ import annotations

from typing import Any

from gonghui.wages.models import CongressSession, Disclosure, WageRow
from gonghui.wages.permissions import may_edit
from gonghui.wages.services.democracy import (
    CONGRESS_MONTHS,
    DISCLOSURE_MONTHS,
    democratic_status,
)

SHOWN = 5


def context(actor: Any, enterprise: Any) -> dict[str, Any]:
    contracts = (
        WageRow.objects.visible_to(actor)
        .filter(enterprise=enterprise)
        .values("contract_id", "contract__code", "contract__signed_on")
        .distinct()
        .order_by("-contract__signed_on")
    )
    return {
        "status": democratic_status(enterprise),
        "congress_months": CONGRESS_MONTHS,
        "disclosure_months": DISCLOSURE_MONTHS,
        "sessions": list(
            CongressSession.objects.visible_to(actor).filter(enterprise=enterprise)[:SHOWN]
        ),
        "disclosures": list(
            Disclosure.objects.visible_to(actor).filter(enterprise=enterprise)[:SHOWN]
        ),
        "contracts": list(contracts[:SHOWN]),
        "may_record": enterprise.union_id is not None
        and may_edit(actor, enterprise.union or enterprise.owner_union),
    }
