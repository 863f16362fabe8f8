"""The service package in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.care import selectors
from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.orgs.selectors import union_of_page

router = Router(tags=["服务保障"])


class ItemOut(Schema):
    key: str
    name: str
    eligibility: str
    unit: str
    valid_from: date | None
    valid_to: date | None


class DeliveryOut(Schema):
    id: int
    item: str
    person_name: str
    person_masked: str
    on: date
    quantity: Decimal
    cost: Decimal
    union_code: str

    @staticmethod
    def resolve_item(obj: object) -> str:
        return str(obj.item.key)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/care/items", response=list[ItemOut])
def list_items(request: HttpRequest):
    """The catalogue the caller sees: the nine standard items and the X items."""
    return list(selectors.catalogue(actor=request_actor(request)))


@router.get("/care/deliveries", response=list[DeliveryOut])
@paginate(BoundedLimitOffset)
def list_deliveries(request: HttpRequest, union: str = ""):
    """Deliveries in the caller's scope (or a union's subtree inside it), newest first."""
    actor = request_actor(request)
    asked = selectors.DeliveryFilter(union=union_of_page(actor=actor, code=union or None))
    return (
        selectors.deliveries(actor=actor, asked=asked)
        .select_related("item", "union")
        .order_by("-id")
    )
