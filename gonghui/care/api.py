"""The service package in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
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


class VisitOut(Schema):
    id: int
    campaign: str | None
    person_name: str
    person_masked: str
    on: date
    household: bool
    cash: Decimal
    goods_value: Decimal
    new_form: bool
    union_code: str

    @staticmethod
    def resolve_campaign(obj: object) -> str | None:
        campaign = obj.campaign  # type: ignore[attr-defined]
        return None if campaign is None else str(campaign.name)

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/care/visits", response=list[VisitOut])
@paginate(BoundedLimitOffset)
def list_visits(request: HttpRequest, union: str = "", new_form: bool = False):
    """Care visits (走访慰问) in the caller's scope, newest first."""
    actor = request_actor(request)
    asked = selectors.VisitFilter(
        union=union_of_page(actor=actor, code=union or None), new_form=new_form
    )
    return (
        selectors.visits(actor=actor, asked=asked)
        .select_related("campaign", "union")
        .order_by("-id")
    )


class BatchOut(Schema):
    code: str
    base: str
    start: date
    end: date
    places: int
    cost_per_person: Decimal
    closed: bool
    applied: int
    admitted: int
    went: int

    @staticmethod
    def resolve_base(obj: object) -> str:
        return str(obj.base.name)  # type: ignore[attr-defined]


@router.get("/care/recuperation/batches", response=list[BatchOut])
@paginate(BoundedLimitOffset)
def list_batches(request: HttpRequest):
    """Recuperation batches (疗休养) the caller sees, with applications, admissions and
    attendance counted."""
    return selectors.batches(actor=request_actor(request))


class HardshipOut(Schema):
    id: int
    person_name: str
    person_masked: str
    hardship_class: str
    household_size: int
    income_per_head: Decimal
    opened_on: date
    reviewed_on: date
    closed_on: date | None
    union_code: str

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/care/hardship/cases", response=list[HardshipOut])
@paginate(BoundedLimitOffset)
def list_hardship_cases(request: HttpRequest, union: str = "", state: str = "open"):
    """Hardship household files (困难职工档案): ``state`` open, due (for the yearly review)
    or closed."""
    actor = request_actor(request)
    return selectors.hardship_cases(
        actor=actor,
        union=union_of_page(actor=actor, code=union or None),
        state=state,
        klass="",
        today=timezone.localdate(),
    )


class LegalOut(Schema):
    id: int
    person_name: str
    person_masked: str
    kind: str
    opened_on: date
    summary: str
    outcome: str
    closed_on: date | None
    amount_recovered: Decimal
    union_code: str

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/care/legal/cases", response=list[LegalOut])
@paginate(BoundedLimitOffset)
def list_legal_cases(request: HttpRequest, union: str = "", open_only: bool = False):
    """Legal services (法律服务): consultations, mediations and litigation aid."""
    actor = request_actor(request)
    return selectors.legal_cases(
        actor=actor, union=union_of_page(actor=actor, code=union or None), open_only=open_only
    )


class PerkOut(Schema):
    id: int
    item: str
    rule: str
    benefit_day: int | None
    value: Decimal
    union_code: str

    @staticmethod
    def resolve_item(obj: object) -> str:
        return str(obj.item.name)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/care/perks", response=list[PerkOut])
def list_perks(request: HttpRequest):
    """The X perks (X项福利) that apply to the caller's union and those below it."""
    return list(selectors.perks(actor=request_actor(request)))


class SlotOut(Schema):
    id: int
    station: str
    station_code: str
    starts_at: datetime
    minutes: int

    @staticmethod
    def resolve_station(obj: object) -> str:
        return str(obj.station.name)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_station_code(obj: object) -> str:
        return str(obj.station.code)  # type: ignore[attr-defined]


@router.get("/care/counseling/slots", response=list[SlotOut])
@paginate(BoundedLimitOffset)
def list_free_slots(request: HttpRequest, union: str = "", days: int = 14):
    """Counselling slots (湖工心安) no one has booked, from now for ``days`` days (1 to 60);
    who booked the others is nobody's business here."""
    actor = request_actor(request)
    now = timezone.now()
    return selectors.free_slots(
        actor=actor,
        union=union_of_page(actor=actor, code=union or None),
        start=now,
        end=now + timedelta(days=min(max(days, 1), 60)),
    )
