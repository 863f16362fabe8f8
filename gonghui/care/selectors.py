"""Every read of the care module, inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gonghui.care.models import (
    BookingStatus,
    CareVisit,
    CounselingBooking,
    CounselingSlot,
    Delivery,
    HardshipAid,
    HardshipCase,
    LegalCase,
    Perk,
    PovertyLine,
    RecuperationApplication,
    RecuperationBatch,
    ServiceItem,
    VisitCampaign,
    ancestor_paths,
)
from gonghui.care.sources import sources_for
from gonghui.core.actors import Actor
from gonghui.core.models import User
from gonghui.core.pagination import keyset_page
from gonghui.core.roles import Role
from gonghui.core.scoping import access
from gonghui.core.workflow.models import RELEASED_STATES, State
from gonghui.members.people import Group
from gonghui.orgs.models import Union
from gonghui.sites.models import Site, SiteKind

PAGE = 50
TARGET = 95  # the 湖工有爱 bus's participation target, per cent


def catalogue(*, actor: Actor) -> QuerySet[ServiceItem]:
    """The items the actor sees: the nine, their ancestors' X items and those below them."""
    return ServiceItem.objects.visible_to(actor).select_related("union").order_by("union_id", "id")


def access_item(*, actor: Actor, item_id: int) -> ServiceItem:
    return access(ServiceItem.objects.select_related("union"), actor=actor, pk=item_id)


def items_for(*, union: Union) -> QuerySet[ServiceItem]:
    """The items ``union`` may deliver."""
    return ServiceItem.objects.applying_to(union).order_by("union_id", "id")


@dataclass(frozen=True)
class DeliveryFilter:
    union: Union
    item: ServiceItem | None = None
    start: date | None = None
    end: date | None = None
    person_hash: str = ""


def deliveries(*, actor: Actor, asked: DeliveryFilter) -> QuerySet[Delivery]:
    rows = Delivery.objects.visible_under(actor, asked.union)
    if asked.item is not None:
        rows = rows.filter(item=asked.item)
    if asked.start:
        rows = rows.filter(on__gte=asked.start)
    if asked.end:
        rows = rows.filter(on__lte=asked.end)
    if asked.person_hash:
        rows = rows.filter(person_hash=asked.person_hash)
    return rows


def delivery_page(
    *, actor: Actor, asked: DeliveryFilter, before: int | None = None
) -> tuple[list[Delivery], int | None]:
    rows = deliveries(actor=actor, asked=asked).select_related("item", "union")
    return keyset_page(rows, before=before, size=PAGE)


def delivery_totals(*, actor: Actor, asked: DeliveryFilter) -> dict[str, Any]:
    """Person-times, distinct people and cost of the filtered ledger, and what other modules
    delivered of the item in the period without a ledger row (paid mutual aid, …)."""
    from django.db.models import Sum

    rows = deliveries(actor=actor, asked=asked)
    totals = rows.aggregate(times=Count("id"), cost=Sum("cost"))
    totals["people"] = rows.values("person_hash").distinct().count()
    extra = []
    if asked.item is not None and asked.start and asked.end:
        for source in sources_for(asked.item.key):
            served = source.rows(asked.start, asked.end).filter(
                union__path__startswith=asked.union.path
            )
            extra.append((source.label, served.count()))
    totals["extra"] = extra
    return totals


def access_delivery(*, actor: Actor, delivery_id: int) -> Delivery:
    return access(
        Delivery.objects.select_related("item", "union", "site"), actor=actor, pk=delivery_id
    )


# -- participation -----------------------------------------------------------------------------


@dataclass
class Rate:
    """People of a group served ÷ people in the group, for one union's subtree."""

    union: Union
    served: int = 0
    people: int = 0

    @property
    def percent(self) -> float | None:
        return round(self.served * 100 / self.people, 1) if self.people else None

    @property
    def light(self) -> str:
        if self.percent is None:
            return ""
        if self.percent >= TARGET:
            return "green"
        return "yellow" if self.percent >= TARGET - 15 else "red"


def served_condition(item: ServiceItem, start: date, end: date) -> Q:
    """The people (by keyed hash) who received ``item`` in the period, from the ledger and
    from the modules that deliver it."""
    condition = Q(
        id_hash__in=Delivery.objects.filter(item=item, on__gte=start, on__lte=end).values(
            "person_hash"
        )
    )
    for source in sources_for(item.key):
        condition |= Q(id_hash__in=source.rows(start, end).values("person_hash"))
    return condition


def participation(
    *, actor: Actor, union: Union, item: ServiceItem, group: Group, start: date, end: date
) -> tuple[Rate, list[Rate]]:
    """The group's participation in ``item`` over the period, for ``union`` and each child
    union it has (by the union holding each person: the member's, else the registering
    one). Four grouped counts, whatever the size of the tree."""
    children = list(
        Union.objects.visible_to(actor)
        .filter(path__startswith=union.path, depth=union.depth + 1)
        .order_by("code")
    )
    total = Rate(union)
    by_prefix = {child.path: Rate(child) for child in children}
    width = len(union.path) + Union.steplen
    served = served_condition(item, start, end)
    for people in (group.members(), group.workers()):
        inside = people.filter(union__path__startswith=union.path)
        for field, rows in (
            ("people", inside),
            ("served", inside.filter(served)),
        ):
            for path, n in rows.values_list("union__path").annotate(n=Count("id")).order_by():
                setattr(total, field, getattr(total, field) + n)
                rate = by_prefix.get(path[:width])
                if rate is not None:
                    setattr(rate, field, getattr(rate, field) + n)
    return total, list(by_prefix.values())


# -- care visits -------------------------------------------------------------------------------


def campaigns_for(*, union: Union) -> QuerySet[VisitCampaign]:
    """The campaigns ``union`` may record visits under: its own and its ancestors'."""
    return VisitCampaign.objects.applying_to(union).select_related("union").order_by("-start")


def campaigns(*, actor: Actor) -> QuerySet[VisitCampaign]:
    return VisitCampaign.objects.visible_to(actor).select_related("union").order_by("-start", "-id")


@dataclass(frozen=True)
class VisitFilter:
    union: Union
    campaign: VisitCampaign | None = None
    start: date | None = None
    end: date | None = None
    new_form: bool = False


def visits(*, actor: Actor, asked: VisitFilter) -> QuerySet[CareVisit]:
    rows = CareVisit.objects.visible_under(actor, asked.union)
    if asked.campaign is not None:
        rows = rows.filter(campaign=asked.campaign)
    if asked.start:
        rows = rows.filter(on__gte=asked.start)
    if asked.end:
        rows = rows.filter(on__lte=asked.end)
    if asked.new_form:
        rows = rows.filter(new_form=True)
    return rows


def visit_page(
    *, actor: Actor, asked: VisitFilter, before: int | None = None
) -> tuple[list[CareVisit], int | None]:
    rows = visits(actor=actor, asked=asked).select_related("campaign", "union")
    return keyset_page(rows, before=before, size=PAGE)


def visit_totals(*, actor: Actor, asked: VisitFilter) -> dict[str, Any]:
    from django.db.models import Sum

    totals = visits(actor=actor, asked=asked).aggregate(
        times=Count("id"),
        new_form=Count("id", filter=Q(new_form=True)),
        cash=Sum("cash"),
        goods=Sum("goods_value"),
    )
    totals["amount"] = (totals["cash"] or 0) + (totals["goods"] or 0)
    return totals


# -- recuperation ------------------------------------------------------------------------------


def batches(*, actor: Actor) -> QuerySet[Any]:
    """The batches the actor sees (the city's, for every county below it), with their
    applications counted in one query."""
    return (
        RecuperationBatch.objects.visible_to(actor)
        .select_related("base", "union")
        .annotate(
            applied=Count("applications", filter=~Q(applications__state__in=RELEASED_STATES)),
            admitted=Count(
                "applications", filter=Q(applications__state__in=(State.APPROVED, State.PAID))
            ),
            went=Count("applications", filter=Q(applications__attended=True)),
        )
        .order_by("-start", "code")
    )


def access_batch(*, actor: Actor, batch_id: int) -> RecuperationBatch:
    return access(
        RecuperationBatch.objects.select_related("base", "union"), actor=actor, pk=batch_id
    )


def batch_quotas(*, actor: Actor, batch: RecuperationBatch) -> list[Any]:
    """Each county's places with its applications, admissions and attendance (counties
    outside the actor's scope are left out)."""
    rows = (
        batch.quotas.select_related("county")
        .filter(county__in=Union.objects.visible_to(actor))
        .annotate(
            applied=Count("applications", filter=~Q(applications__state__in=RELEASED_STATES)),
            waiting=Count("applications", filter=Q(applications__state=State.IN_REVIEW)),
            admitted=Count(
                "applications", filter=Q(applications__state__in=(State.APPROVED, State.PAID))
            ),
            went=Count("applications", filter=Q(applications__attended=True)),
        )
        .order_by("county__code")
    )
    return list(rows)


def batch_applications(
    *, actor: Actor, batch: RecuperationBatch, before: int | None = None
) -> tuple[list[RecuperationApplication], int | None]:
    rows = (
        RecuperationApplication.objects.visible_to(actor)
        .filter(batch=batch)
        .select_related("union", "quota__county")
    )
    return keyset_page(rows.order_by("-id"), before=before, size=PAGE)


def access_application(*, actor: Actor, application_id: int) -> RecuperationApplication:
    return access(
        RecuperationApplication.objects.select_related("union", "batch__base", "quota__county"),
        actor=actor,
        pk=application_id,
    )


# -- hardship ----------------------------------------------------------------------------------

HARDSHIP_STATES = {"open": "在档", "due": "待年审", "closed": "已销档"}


def hardship_cases(
    *, actor: Actor, union: Union, state: str, klass: str, today: date
) -> QuerySet[HardshipCase]:
    """The household files of ``union``'s subtree in a state (在档, 待年审, 已销档), newest
    first."""
    from gonghui.care.services.hardship import year_before

    rows = HardshipCase.objects.visible_under(actor, union).select_related("union")
    if state == "closed":
        rows = rows.filter(closed_on__isnull=False)
    elif state in ("open", "due"):
        rows = rows.filter(closed_on__isnull=True)
    if state == "due":
        # Due when a year has passed since the last review (year_after(reviewed) <= today).
        rows = rows.filter(reviewed_on__lte=year_before(today))
    if klass:
        rows = rows.filter(hardship_class=klass)
    return rows.order_by("-id")


def hardship_page(
    *, actor: Actor, union: Union, state: str, klass: str, today: date, before: int | None
) -> tuple[list[HardshipCase], int | None]:
    from gonghui.care.services.hardship import year_after

    rows = hardship_cases(actor=actor, union=union, state=state, klass=klass, today=today)
    found, next_before = keyset_page(rows, before=before, size=PAGE)
    for case in found:
        case.review_due = case.closed_on is None and year_after(case.reviewed_on) <= today  # type: ignore[attr-defined]
    return found, next_before


def hardship_totals(*, actor: Actor, union: Union) -> list[tuple[str, int]]:
    """(class, households on file) for every class, in the classes' order."""
    from gonghui.care.models import HardshipClass

    rows = HardshipCase.objects.visible_under(actor, union).filter(closed_on__isnull=True)
    found = dict(rows.values_list("hardship_class").annotate(n=Count("id")).order_by())
    return [(label, found.get(value, 0)) for value, label in HardshipClass.choices]


def access_hardship(*, actor: Actor, case_id: int) -> HardshipCase:
    return access(HardshipCase.objects.select_related("union"), actor=actor, pk=case_id)


def access_hardship_aid(*, actor: Actor, aid_id: int) -> HardshipAid:
    return access(HardshipAid.objects.select_related("union", "case"), actor=actor, pk=aid_id)


def poverty_lines(*, actor: Actor) -> QuerySet[PovertyLine]:
    """The lines of the counties the actor sees, and of the actor's own county."""
    own = getattr(actor, "union", None)
    county_path = own.path[: 2 * Union.steplen] if own is not None else ""
    return (
        PovertyLine.objects.filter(
            Q(county__path__startswith=own.path if own is not None else "-")
            | Q(county__path=county_path)
        )
        .select_related("county")
        .order_by("county__code", "-valid_from")
    )


# -- X perks -----------------------------------------------------------------------------------


def perks(*, actor: Actor) -> QuerySet[Perk]:
    """The perks the actor sees: their own union's and its ancestors', and those below."""
    return (
        Perk.objects.filter(
            Q(union__in=Union.objects.visible_to(actor))
            | Q(union__path__in=ancestor_paths(getattr(getattr(actor, "union", None), "path", "")))
        )
        .select_related("item", "union")
        .order_by("-id")
    )


def access_perk(*, actor: Actor, perk_id: int) -> Perk:
    try:
        return perks(actor=actor).get(pk=perk_id)
    except Perk.DoesNotExist as exc:
        from django.http import Http404

        raise Http404("未找到该对象，或不在您的管辖范围内。") from exc


# -- legal services ----------------------------------------------------------------------------


def legal_page(
    *, actor: Actor, union: Union, open_only: bool, before: int | None
) -> tuple[list[LegalCase], int | None]:
    return keyset_page(
        legal_cases(actor=actor, union=union, open_only=open_only), before=before, size=PAGE
    )


def legal_cases(*, actor: Actor, union: Union, open_only: bool) -> QuerySet[LegalCase]:
    rows = LegalCase.objects.visible_under(actor, union).select_related("union")
    if open_only:
        rows = rows.filter(closed_on__isnull=True)
    return rows.order_by("-id")


def access_legal(*, actor: Actor, case_id: int) -> LegalCase:
    return access(LegalCase.objects.select_related("union"), actor=actor, pk=case_id)


# -- counselling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    slots: list[CounselingSlot]


def counseling_week(*, actor: Actor, union: Union, monday: date) -> list[CalendarDay]:
    """The week's slots in ``union``'s subtree (a counsellor's own only), each with its
    booking that is not cancelled (``current``), day by day: three queries."""
    start = datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())
    slots = list(
        CounselingSlot.objects.visible_under(actor, union)
        .of_counselor(actor)
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=7))
        .select_related("station", "counselor", "union")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=CounselingBooking.objects.exclude(status=BookingStatus.CANCELLED),
                to_attr="current_bookings",
            )
        )
        .order_by("starts_at", "id")
    )
    days = [CalendarDay(monday + timedelta(days=n), []) for n in range(7)]
    for slot in slots:
        days[(timezone.localdate(slot.starts_at) - monday).days].slots.append(slot)
    return days


def access_slot(*, actor: Actor, slot_id: int) -> CounselingSlot:
    return access(
        CounselingSlot.objects.of_counselor(actor).select_related("station", "counselor", "union"),
        actor=actor,
        pk=slot_id,
    )


def slot_booking(slot: CounselingSlot) -> CounselingBooking | None:
    """The slot's booking that is not cancelled, with its session if one was recorded."""
    return (
        slot.bookings.exclude(status=BookingStatus.CANCELLED)
        .select_related("session", "booked_by")
        .first()
    )


def slot_cancelled(slot: CounselingSlot) -> list[CounselingBooking]:
    return list(slot.bookings.filter(status=BookingStatus.CANCELLED).order_by("-id"))


def counseling_stations(*, actor: Actor, union: Union) -> QuerySet[Site]:
    """The open counselling stations of ``union``'s subtree."""
    return (
        Site.objects.visible_under(actor, union)
        .filter(kind=SiteKind.COUNSELING_STATION, closed_on__isnull=True, suspended=False)
        .select_related("union")
        .order_by("union__path", "name")
    )


def counselors(*, actor: Actor, union: Union) -> QuerySet[User]:
    """The active counsellors of ``union``'s subtree (a counsellor: only themself)."""
    rows = User.objects.visible_to(actor).filter(
        role=Role.COUNSELOR, is_active=True, union__path__startswith=union.path
    )
    if getattr(actor, "role", None) == Role.COUNSELOR:
        rows = rows.filter(pk=actor.pk)
    return rows.select_related("union").order_by("username")


def free_slots(*, actor: Actor, union: Union, start: datetime, end: datetime) -> QuerySet[Any]:
    """The slots of ``union``'s subtree between two moments that no one has booked."""
    return (
        CounselingSlot.objects.visible_under(actor, union)
        .of_counselor(actor)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(bookings__status__in=[s for s in BookingStatus.values if s != "cancelled"])
        .select_related("station", "union")
        .order_by("starts_at", "id")
    )
