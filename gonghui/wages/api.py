"""能级工资集体协商 in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.wages.models import WageContract

router = Router(tags=["能级工资集体协商"])


class WageContractOut(Schema):
    id: int
    code: str
    signed_on: date
    pilot: bool
    union_code: str

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/wages/contracts", response=list[WageContractOut])
@paginate(BoundedLimitOffset)
def list_contracts(request: HttpRequest):
    """能级工资集体合同 in the caller's scope, newest first."""
    return (
        WageContract.objects.visible_to(request_actor(request))
        .select_related("union")
        .order_by("-id")
    )
