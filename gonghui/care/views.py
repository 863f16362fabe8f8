"""Pages of the service package: the catalogue, the deliveries ledger and the participation
board. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.care import selectors
from gonghui.care.forms import (
    GROUP_CHOICES,
    AidForm,
    BookingForm,
    CampaignForm,
    CancelForm,
    DeliveryForm,
    HardshipCloseForm,
    HardshipForm,
    HardshipReviewForm,
    ItemForm,
    LegalCloseForm,
    LegalForm,
    PerkDeliverForm,
    PerkForm,
    PovertyLineForm,
    SessionForm,
    SlotForm,
    VisitForm,
)
from gonghui.care.models import HardshipClass
from gonghui.care.permissions import may_edit, require_edit
from gonghui.care.services.catalogue import item_create
from gonghui.care.services.counseling import (
    booking_cancel,
    booking_make,
    is_counselor,
    is_own,
    may_book,
    no_show_mark,
    session_notes,
    session_record,
    slots_create,
)
from gonghui.care.services.deliveries import Served, delivery_record
from gonghui.care.services.hardship import (
    aid_create,
    hardship_close,
    hardship_open,
    hardship_review,
    poverty_line_set,
    review_due,
)
from gonghui.care.services.legal import legal_close, legal_open
from gonghui.care.services.perks import perk_create, perk_deliver, perk_due
from gonghui.care.services.recuperation import allocation_plan, batch_allocate, may_allocate
from gonghui.care.services.visits import Visit, campaign_create, visit_record
from gonghui.care.workflows import HARDSHIP_AID, RECUPERATION
from gonghui.core import pii
from gonghui.core.dates import report_today
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.core.problems import problems_show
from gonghui.core.workflow.views import panel_context
from gonghui.members.people import GROUPS, group_get
from gonghui.orgs.selectors import union_choices, union_of_page


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _half_year() -> tuple[date, date]:
    """The half year to the day before the report day: the records of the day are not all
    in yet, and on 1 July (the demo's report day) the half year just ended is the one read."""
    last = report_today() - timedelta(days=1)
    return (date(last.year, 1, 1) if last.month <= 6 else date(last.year, 7, 1)), last


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "care/item_list.html",
        {
            "items": selectors.catalogue(actor=actor),
            "may_edit": actor.union is not None and may_edit(actor, actor.union),
        },
    )


def item_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_edit(actor, actor.union)
    assert actor.union is not None  # require_edit refuses a user without one
    form = ItemForm(request.POST or None)
    page = form_page(
        request,
        form,
        lambda data: item_create(actor=actor, union=actor.union, **data),
        title=f"新增X项服务（{actor.union.name}及下级适用）",
        back="care:items",
    )
    if page is not None:
        return page
    messages.success(request, "已新增服务项目。")
    return redirect("care:items")


@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    items = list(selectors.items_for(union=union))
    item = next((i for i in items if str(i.pk) == request.GET.get("item", "")), None)
    start, end = _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
    asked = selectors.DeliveryFilter(union=union, item=item, start=start, end=end)
    rows, next_before = selectors.delivery_page(
        actor=actor, asked=asked, before=before_param(request)
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "care/delivery_list.html",
        {
            "union": union,
            "unions": union_choices(actor=actor),
            "items": items,
            "item": item,
            "start": start,
            "end": end,
            "rows": rows,
            "totals": selectors.delivery_totals(actor=actor, asked=asked),
            "next_before": next_before,
            "query": query.urlencode(),
            "may_edit": may_edit(actor, union),
        },
    )


def delivery_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    require_edit(actor, union)
    form = DeliveryForm(request.POST or None, items=selectors.items_for(union=union))
    saved: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        served = Served(
            quantity=data["quantity"],
            cost=data["cost"],
            place=data["place"],
            enterprise_uscc=pii.normalize_uscc(data["enterprise_uscc"])
            if data["enterprise_uscc"].strip()
            else "",
            reference=data["reference"].strip(),
            frontline=data["frontline"],
        )
        saved.append(
            delivery_record(
                actor=actor,
                union=union,
                item=data["item"],
                id_number=data["id_number"],
                name=data["name"],
                on=data["on"],
                served=served,
            )
        )

    page = form_page(request, form, save, title=f"录入服务记录（{union.name}）", back="care:list")
    if page is not None:
        return page
    messages.success(request, f"已录入{saved[0].person_name}的“{saved[0].item.name}”。")
    return redirect(f"/care/?union={union.code}")


@require_GET
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    record = selectors.access_delivery(actor=request_actor(request), delivery_id=delivery_id)
    return render(request, "care/delivery_detail.html", {"record": record})


@require_GET
def participation_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    items = list(selectors.items_for(union=union))
    item = next((i for i in items if i.key == request.GET.get("item", "health_checkup")), items[0])
    group_key = request.GET.get("group", "new_form")
    if group_key not in GROUPS:
        group_key = "new_form"
    first, last = _half_year()
    start = _day(request.GET.get("start", "")) or first
    end = _day(request.GET.get("end", "")) or last
    total, rows = selectors.participation(
        actor=actor, union=union, item=item, group=group_get(group_key), start=start, end=end
    )
    return render(
        request,
        "care/participation.html",
        {
            "union": union,
            "unions": union_choices(actor=actor),
            "items": items,
            "item": item,
            "groups": GROUP_CHOICES,
            "group_key": group_key,
            "start": start,
            "end": end,
            "total": total,
            "rows": rows,
            "target": selectors.TARGET,
        },
    )


# -- care visits -------------------------------------------------------------------------------


@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    choices = list(selectors.campaigns_for(union=union))
    campaign = next((c for c in choices if str(c.pk) == request.GET.get("campaign", "")), None)
    asked = selectors.VisitFilter(
        union=union,
        campaign=campaign,
        start=_day(request.GET.get("start", "")),
        end=_day(request.GET.get("end", "")),
        new_form=request.GET.get("new_form") == "1",
    )
    rows, next_before = selectors.visit_page(actor=actor, asked=asked, before=before_param(request))
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "care/visit_list.html",
        {
            "union": union,
            "unions": union_choices(actor=actor),
            "campaigns": choices,
            "asked": asked,
            "rows": rows,
            "totals": selectors.visit_totals(actor=actor, asked=asked),
            "next_before": next_before,
            "query": query.urlencode(),
            "may_edit": may_edit(actor, union),
        },
    )


def visit_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    require_edit(actor, union)
    form = VisitForm(request.POST or None, campaigns=selectors.campaigns_for(union=union))
    saved: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        visit = Visit(
            campaign=data["campaign"],
            household=data["household"],
            visitors=data["visitors"],
            cash=data["cash"],
            goods_value=data["goods_value"],
            goods=data["goods"],
            note=data["note"],
        )
        saved.append(
            visit_record(
                actor=actor,
                union=union,
                id_number=data["id_number"],
                name=data["name"],
                on=data["on"],
                visit=visit,
            )
        )

    page = form_page(request, form, save, title=f"登记走访慰问（{union.name}）", back="care:visits")
    if page is not None:
        return page
    messages.success(request, f"已登记走访慰问{saved[0].person_name}。")
    return redirect(f"/care/visits/?union={union.code}")


def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    own = actor.union
    form = CampaignForm(request.POST or None) if own is not None and may_edit(actor, own) else None
    if form is not None and own is not None:
        page = form_page(
            request,
            form,
            lambda data: campaign_create(actor=actor, union=own, **data),
            title="走访慰问活动",
            back="care:campaigns",
            template="care/campaign_list.html",
            extra={"campaigns": selectors.campaigns(actor=actor)},
        )
        if page is not None:
            return page
        messages.success(request, "已新建走访慰问活动。")
        return redirect("care:campaigns")
    return render(
        request,
        "care/campaign_list.html",
        {"campaigns": selectors.campaigns(actor=actor), "form": None, "title": "走访慰问活动"},
    )


# -- recuperation ------------------------------------------------------------------------------


@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "care/batch_list.html", {"batches": selectors.batches(actor=actor)})


def batch_detail(request: HttpRequest, recuperation_batch_id: int) -> HttpResponse:
    """The batch planner: each county's places, the allocation the rule gives (with every
    refusal's reason), the applications and attendance."""
    actor = request_actor(request)
    batch = selectors.access_batch(actor=actor, batch_id=recuperation_batch_id)
    allowed = may_allocate(actor, batch)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("只有市总工会的审核人员可以分配名额。")
        plan = batch_allocate(actor=actor, batch=batch, dry_run=False)
        messages.success(
            request, f"已按规则分配：录取 {plan.approved} 人，未获分配 {plan.rejected} 人。"
        )
        return redirect("care:batch", recuperation_batch_id=batch.pk)
    applications, next_before = selectors.batch_applications(
        actor=actor, batch=batch, before=before_param(request)
    )
    preview = allocation_plan(batch) if allowed else None
    return render(
        request,
        "care/batch_detail.html",
        {
            "batch": batch,
            "quotas": selectors.batch_quotas(actor=actor, batch=batch),
            "applications": applications,
            "next_before": next_before,
            "preview": preview,
            "preview_refused": [p for p in preview.placements if not p.allocated]
            if preview
            else [],
            "preview_allocated": sum(p.allocated for p in preview.placements) if preview else 0,
            "may_allocate": allowed,
            "may_import": actor.union is not None and may_edit(actor, actor.union),
        },
    )


def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.access_application(actor=actor, application_id=application_id)
    return render(
        request,
        "care/application_detail.html",
        {"item": item, **panel_context(request, RECUPERATION, item)},
    )


# -- hardship ----------------------------------------------------------------------------------


def hardship_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    state = request.GET.get("state", "open")
    klass = request.GET.get("class", "")
    own = actor.union
    line_form = None
    if own is not None and own.level == "county" and may_edit(actor, own):
        line_form = PovertyLineForm(request.POST or None)
        page = form_page(
            request,
            line_form,
            lambda data: poverty_line_set(actor=actor, county=own, **data),
            title="困难职工档案",
            back="care:hardship",
            template="care/hardship_list.html",
            extra=_hardship_context(actor, union, state, klass, request),
        )
        if page is not None:
            return page
        messages.success(request, "已设置低保标准。")
        return redirect("care:hardship")
    return render(
        request,
        "care/hardship_list.html",
        {**_hardship_context(actor, union, state, klass, request), "form": None},
    )


def _hardship_context(
    actor: Any, union: Any, state: str, klass: str, request: HttpRequest
) -> dict[str, Any]:
    rows, next_before = selectors.hardship_page(
        actor=actor,
        union=union,
        state=state if state in selectors.HARDSHIP_STATES else "open",
        klass=klass if klass in HardshipClass.values else "",
        today=timezone.localdate(),
        before=before_param(request),
    )
    return {
        "union": union,
        "unions": union_choices(actor=actor),
        "rows": rows,
        "next_before": next_before,
        "state": state,
        "klass": klass,
        "states": selectors.HARDSHIP_STATES,
        "classes": HardshipClass.choices,
        "totals": selectors.hardship_totals(actor=actor, union=union),
        "lines": selectors.poverty_lines(actor=actor),
        "may_edit": may_edit(actor, union),
    }


def hardship_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    require_edit(actor, union)
    form = HardshipForm(request.POST or None)
    saved: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        saved.append(
            hardship_open(
                actor=actor,
                union=union,
                id_number=data["id_number"],
                name=data["name"],
                household_size=data["household_size"],
                income_per_head=data["income_per_head"],
                cause=data["cause"],
                sudden=data["sudden"],
                opened_on=data["opened_on"],
            )
        )

    page = form_page(
        request, form, save, title=f"困难职工建档（{union.name}）", back="care:hardship"
    )
    if page is not None:
        return page
    messages.success(request, f"已为{saved[0].person_name}建档。")
    return redirect("care:hardship_case", hardship_case_id=saved[0].pk)


def hardship_detail(request: HttpRequest, hardship_case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = selectors.access_hardship(actor=actor, case_id=hardship_case_id)
    editable = may_edit(actor, case.union) and case.closed_on is None
    post = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "") if post else ""
    review = HardshipReviewForm(
        post if which == "review" else None,
        initial={"household_size": case.household_size, "income_per_head": case.income_per_head},
    )
    close = HardshipCloseForm(post if which == "close" else None)
    aid = AidForm(post if which == "aid" else None)
    if post is not None and editable:
        forms_by_name: dict[str, Any] = {"review": review, "close": close, "aid": aid}
        form = forms_by_name.get(which)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if which == "review":
                    hardship_review(actor=actor, case=case, **data)
                    done = "已完成年审。"
                elif which == "close":
                    hardship_close(actor=actor, case=case, **data)
                    done = "已销档。"
                else:
                    made = aid_create(actor=actor, case=case, **data)
                    messages.success(request, "帮扶申请已提交审核。")
                    return redirect("care:hardship_aid", hardship_aid_id=made.pk)
            except ValidationError as exc:
                problems_show(form, exc)
            else:
                messages.success(request, done)
                return redirect("care:hardship_case", hardship_case_id=case.pk)
    return render(
        request,
        "care/hardship_detail.html",
        {
            "case": case,
            "aids": case.aids.order_by("-id"),
            "review_form": review,
            "close_form": close,
            "aid_form": aid,
            "editable": editable,
            "review_due": review_due(case, timezone.localdate()),
        },
        status=400 if any(f.errors for f in (review, close, aid)) else 200,
    )


def hardship_aid_detail(request: HttpRequest, hardship_aid_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.access_hardship_aid(actor=actor, aid_id=hardship_aid_id)
    return render(
        request,
        "care/hardship_aid_detail.html",
        {"item": item, **panel_context(request, HARDSHIP_AID, item)},
    )


# -- X perks -----------------------------------------------------------------------------------


def perk_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    own = actor.union
    form = None
    if own is not None and may_edit(actor, own):
        x_items = selectors.items_for(union=own).filter(union__isnull=False)
        form = PerkForm(request.POST or None, items=x_items)
        page = form_page(
            request,
            form,
            lambda data: perk_create(actor=actor, union=own, **data),
            title="X项福利",
            back="care:perks",
            template="care/perk_list.html",
            extra={"perks": selectors.perks(actor=actor)},
        )
        if page is not None:
            return page
        messages.success(request, "已设立X项福利。")
        return redirect("care:perks")
    return render(
        request,
        "care/perk_list.html",
        {"perks": selectors.perks(actor=actor), "form": None, "title": "X项福利"},
    )


def perk_detail(request: HttpRequest, perk_id: int) -> HttpResponse:
    """Who is due this perk in a month (in the chosen union's subtree), and marking them
    delivered."""
    actor = request_actor(request)
    perk = selectors.access_perk(actor=actor, perk_id=perk_id)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    month = _day(request.GET.get("month", "") + "-01") or report_today().replace(day=1)
    form = PerkDeliverForm(request.POST or None, initial={"on": month})
    if request.method == "POST" and form.is_valid():
        try:
            n = perk_deliver(
                actor=actor, perk=perk, union=union, month=month, on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"已标记 {n} 人发放。")
            return redirect(f"/care/perks/{perk.pk}/?union={union.code}&month={month:%Y-%m}")
    due, total = perk_due(perk=perk, union=union, month=month, limit=200)
    return render(
        request,
        "care/perk_detail.html",
        {
            "perk": perk,
            "union": union,
            "unions": union_choices(actor=actor),
            "month": month,
            "due": due,
            "total": total,
            "form": form,
            "may_deliver": may_edit(actor, union),
        },
    )


# -- legal services ----------------------------------------------------------------------------


@require_GET
def legal_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    open_only = request.GET.get("open") == "1"
    rows, next_before = selectors.legal_page(
        actor=actor, union=union, open_only=open_only, before=before_param(request)
    )
    return render(
        request,
        "care/legal_list.html",
        {
            "union": union,
            "unions": union_choices(actor=actor),
            "rows": rows,
            "next_before": next_before,
            "open_only": open_only,
            "may_edit": may_edit(actor, union),
        },
    )


def legal_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    require_edit(actor, union)
    form = LegalForm(request.POST or None)
    saved: list[Any] = []
    page = form_page(
        request,
        form,
        lambda data: saved.append(legal_open(actor=actor, union=union, **data)),
        title=f"受理法律服务（{union.name}）",
        back="care:legal",
    )
    if page is not None:
        return page
    messages.success(request, f"已受理{saved[0].person_name}的{saved[0].get_kind_display()}。")
    return redirect("care:legal_case", legal_case_id=saved[0].pk)


def legal_detail(request: HttpRequest, legal_case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = selectors.access_legal(actor=actor, case_id=legal_case_id)
    editable = case.closed_on is None and may_edit(actor, case.union)
    form = LegalCloseForm(request.POST or None) if editable else None
    if form is not None:
        page = form_page(
            request,
            form,
            lambda data: legal_close(actor=actor, case=case, **data),
            title=f"{case.person_name}的{case.get_kind_display()}",
            back="care:legal",
            template="care/legal_detail.html",
            extra={"case": case},
        )
        if page is not None:
            return page
        messages.success(request, "已结案。")
        return redirect("care:legal_case", legal_case_id=case.pk)
    return render(request, "care/legal_detail.html", {"case": case, "form": None})


# -- counselling (湖工心安) ------------------------------------------------------------------------


def _monday(text: str) -> date:
    day = _day(text) or timezone.localdate()
    return day - timedelta(days=day.weekday())


@require_GET
def counseling_calendar(request: HttpRequest) -> HttpResponse:
    """The week's slots of the union's counselling stations; a counsellor sees their own."""
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    monday = _monday(request.GET.get("week", ""))
    days = selectors.counseling_week(actor=actor, union=union, monday=monday)
    return render(
        request,
        "care/counseling_calendar.html",
        {
            "union": union,
            "unions": union_choices(actor=actor),
            "days": days,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": timezone.localdate(),
            "now": timezone.now(),
            "has_slots": any(d.slots for d in days),
            "is_counselor": is_counselor(actor),
            "may_open": is_counselor(actor) or may_edit(actor, union),
        },
    )


def counseling_slot_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    if not is_counselor(actor):
        require_edit(actor, union)
    stations = {s.pk: s for s in selectors.counseling_stations(actor=actor, union=union)}
    people = {u.pk: u for u in selectors.counselors(actor=actor, union=union)}
    form = SlotForm(
        request.POST or None,
        stations=[(pk, f"{s.name}（{s.union.name}）") for pk, s in stations.items()],
        counselors=[
            (pk, f"{u.display_name or u.username}（{u.union}）") for pk, u in people.items()
        ],
    )
    saved: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        starts_at = datetime.combine(
            data["day"], data["at"], tzinfo=timezone.get_current_timezone()
        )
        saved.extend(
            slots_create(
                actor=actor,
                station=stations[data["station"]],
                counselor=people[data["counselor"]],
                starts_at=starts_at,
                minutes=data["minutes"],
                weeks=data["weeks"],
            )
        )

    page = form_page(
        request,
        form,
        save,
        title="开设心理咨询时段",
        back="care:counseling",
        extra={
            "empty_note": ""
            if stations and people
            else "本工会范围内还没有开放的心理健康服务站或在岗的咨询师。"
        },
    )
    if page is not None:
        return page
    messages.success(request, f"已开设 {len(saved)} 个咨询时段。")
    first = timezone.localdate(saved[0].starts_at)
    return redirect(f"/care/counseling/?union={union.code}&week={first:%Y-%m-%d}")


def _slot_context(actor: Any, slot: Any) -> dict[str, Any]:
    booking = selectors.slot_booking(slot)
    session = getattr(booking, "session", None) if booking is not None else None
    started = slot.starts_at <= timezone.now()
    own = is_own(actor, slot.counselor_id)
    editor = may_edit(actor, slot.union)
    waiting = booking is not None and booking.status == "booked"
    return {
        "slot": slot,
        "booking": booking,
        "session": session,
        "cancelled": selectors.slot_cancelled(slot),
        "may_book": booking is None and not started and may_book(actor, slot),
        "may_cancel": waiting and (own or editor),
        "may_no_show": waiting and started and (own or editor),
        "may_record": waiting and started and own,
        "may_read_notes": session is not None and own,
    }


def counseling_slot(request: HttpRequest, slot_id: int) -> HttpResponse:
    """A slot: its booking (or the form to book it), and what its counsellor may do."""
    actor = request_actor(request)
    slot = selectors.access_slot(actor=actor, slot_id=slot_id)
    context = _slot_context(actor, slot)
    form = BookingForm(request.POST or None) if context["may_book"] else None
    if request.method == "POST" and form is None:
        raise PermissionDenied("该时段不能预约。")
    if form is not None:
        page = form_page(
            request,
            form,
            lambda data: booking_make(actor=actor, slot=slot, **data),
            title=str(slot),
            back="care:counseling",
            template="care/counseling_slot.html",
            extra={**context, "cancel_form": None},
        )
        if page is not None:
            return page
        messages.success(request, "已预约。")
        return redirect("care:counseling_slot", slot_id=slot.pk)
    return render(
        request,
        "care/counseling_slot.html",
        {**context, "form": None, "cancel_form": CancelForm() if context["may_cancel"] else None},
    )


@require_POST
def counseling_cancel(request: HttpRequest, slot_id: int) -> HttpResponse:
    actor = request_actor(request)
    slot = selectors.access_slot(actor=actor, slot_id=slot_id)
    booking = selectors.slot_booking(slot)
    form = CancelForm(request.POST)
    if booking is None:
        raise PermissionDenied("该时段没有可取消的预约。")
    if form.is_valid():
        try:
            booking_cancel(actor=actor, booking=booking, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, "已取消预约，该时段可重新预约。")
            return redirect("care:counseling_slot", slot_id=slot.pk)
    context = _slot_context(actor, slot)
    return render(
        request, "care/counseling_slot.html", {**context, "form": None, "cancel_form": form}
    )


@require_POST
def counseling_no_show(request: HttpRequest, slot_id: int) -> HttpResponse:
    actor = request_actor(request)
    slot = selectors.access_slot(actor=actor, slot_id=slot_id)
    booking = selectors.slot_booking(slot)
    if booking is None:
        raise PermissionDenied("该时段没有预约。")
    try:
        no_show_mark(actor=actor, booking=booking)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已登记未到。")
    return redirect("care:counseling_slot", slot_id=slot.pk)


def counseling_record(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The counsellor records the session of the slot's booking."""
    actor = request_actor(request)
    slot = selectors.access_slot(actor=actor, slot_id=slot_id)
    booking = selectors.slot_booking(slot)
    if booking is None or not is_own(actor, slot.counselor_id):
        raise PermissionDenied("只有该时段的咨询师本人可以记录咨询。")
    form = SessionForm(request.POST or None, initial={"minutes": slot.minutes})
    page = form_page(
        request,
        form,
        lambda data: session_record(actor=actor, booking=booking, **data),
        title=f"记录咨询：{booking.person_name}（{slot}）",
        back="care:counseling",
    )
    if page is not None:
        return page
    messages.success(request, "已记录咨询，并计入“心理咨询”服务记录。")
    return redirect("care:counseling_slot", slot_id=slot.pk)


@require_GET
def counseling_notes(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The notes of the slot's session, for their author only; each read is audited."""
    actor = request_actor(request)
    slot = selectors.access_slot(actor=actor, slot_id=slot_id)
    booking = selectors.slot_booking(slot)
    session = getattr(booking, "session", None) if booking is not None else None
    if session is None:
        raise PermissionDenied("该时段没有咨询记录。")
    notes = session_notes(actor=actor, session=session)
    return render(
        request,
        "care/counseling_notes.html",
        {"slot": slot, "booking": booking, "session": session, "notes": notes},
    )
