"""The aid API: mutual-aid plans and payout batches (their lines with accounts masked), read
within the caller's scope. Claims and relief applications are the workflow engine's items
(/api/v1/workflow/<type>/items)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.aid import selectors
from gonghui.aid.services import payouts
from gonghui.core.api import BoundedLimitOffset
from gonghui.core.middleware import request_actor

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


class BatchOut(Schema):
    id: int
    name: str
    union_code: str
    state: str
    total: Decimal
    item_count: int
    created_at: datetime
    bank_reference: str
    paid_on: date | None

    @staticmethod
    def resolve_union_code(obj: Any) -> str:
        return str(obj.union.code)


class LineOut(Schema):
    id: int
    workflow: str
    object_id: int
    payee_name: str
    account: str
    amount: Decimal
    purpose: str
    status: str
    return_reason: str

    @staticmethod
    def resolve_account(obj: Any) -> str:
        return str(obj.account_masked)


class BatchDetailOut(BatchOut):
    lines: list[LineOut]


@router.get("/aid/payouts", response=list[BatchOut])
@paginate(BoundedLimitOffset)
def list_batches(request: HttpRequest):
    """Payout batches in the caller's scope, newest first."""
    return payouts.payout_batches(actor=request_actor(request)).order_by("-created_at", "-id")


@router.get("/aid/payouts/{batch_id}", response=BatchDetailOut)
def get_batch(request: HttpRequest, batch_id: int):
    batch = payouts.access_batch(actor=request_actor(request), batch_id=batch_id)
    batch.lines = list(payouts.payout_lines(batch=batch))  # type: ignore[attr-defined]
    return batch
