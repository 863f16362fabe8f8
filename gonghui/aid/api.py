"""The aid API: mutual-aid plans, read within the caller's scope. Claims and relief
applications are the workflow engine's items (/api/v1/workflow/<type>/items), their payout
batches the engine's /api/v1/payouts; /api/v1/aid/payouts stays for clients written before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.aid import selectors
from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.core.workflow.api import BatchDetailOut, BatchOut, batch_detail, batches_newest_first

router = Router(tags=["互助保障"])


class PlanOut(Schema):
    id: int
    code: str
    name: str
    year: int
    union_code: str
    fee_per_member: Decimal
    enroll_from: date
    enroll_to: date
    coverage_from: date
    coverage_to: date
    categories: Any

    @staticmethod
    def resolve_union_code(obj: Any) -> str:
        return str(obj.union.code)


@router.get("/aid/plans", response=list[PlanOut])
@paginate(BoundedLimitOffset)
def list_plans(request: HttpRequest):
    """Mutual-aid plans the caller may read (its ancestors' and its subtree's), newest first."""
    return selectors.plans_newest_first(actor=request_actor(request))


@router.get("/aid/payouts", response=list[BatchOut])
@paginate(BoundedLimitOffset)
def list_batches(request: HttpRequest):
    """Payout batches in the caller's scope, newest first (the same as /payouts)."""
    return batches_newest_first(request)


@router.get("/aid/payouts/{batch_id}", response=BatchDetailOut)
def get_batch(request: HttpRequest, batch_id: int):
    """One payout batch with its lines (the same as /payouts/{batch_id})."""
    return batch_detail(request, batch_id)
