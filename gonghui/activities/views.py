"""Pages of 工作台账: activities (the list, a new one, one in detail) and 春风送岗 fairs (the
list, a new one, one with its positions, closing it). Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.activities import selectors
from gonghui.activities.forms import (
    ActivityForm,
    CaseForm,
    JobFairForm,
    PartnershipForm,
    SelectForm,
)
from gonghui.activities.kinds import kinds
from gonghui.activities.permissions import may_edit, may_select, require_edit, require_select
from gonghui.activities.services import (
    MAX_PHOTOS,
    activity_create,
    activity_photos_add,
    activity_select,
    case_create,
    fair_close,
    fair_create,
    partnership_create,
)
from gonghui.core.attachments import private_file_response
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param
from gonghui.core.problems import problems_show
from gonghui.orgs.selectors import union_choices, union_of_page


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """The ledger of a union's subtree, by kind and month, as a list or (for a month) a
    calendar."""
    actor = request_actor(request)
    filters = selectors.activity_filters(actor=actor, params=request.GET)
    calendar = request.GET.get("view") == "calendar"
    if calendar and filters.month is None:
        today = timezone.localdate()
        filters.month = (today.year, today.month)
    labels = {k.key: k.label for k in kinds().values()}
    context: dict[str, object] = {
        "filters": filters,
        "kinds": list(kinds().values()),
        "unions": union_choices(actor=actor),
        "calendar": calendar,
        "may_edit": may_edit(actor, actor.union),
        "labels": labels,
    }
    if calendar:
        assert filters.month is not None
        year, month = filters.month
        before = (year - 1, 12) if month == 1 else (year, month - 1)
        after = (year + 1, 1) if month == 12 else (year, month + 1)
        context["weeks"] = selectors.activity_calendar(actor=actor, filters=filters)
        context["month_before"] = filters.query(month=f"{before[0]}-{before[1]:02d}")
        context["month_after"] = filters.query(month=f"{after[0]}-{after[1]:02d}")
    else:
        rows, next_before = selectors.activity_page(actor=actor, filters=filters)
        for row in rows:
            row.kind_label = labels.get(row.kind, row.kind)  # type: ignore[attr-defined]
        context.update(rows=rows, next_before=next_before)
    return render(request, "activities/list.html", context)


def activity_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)  # one's own union; 404 without one
    require_edit(actor, union)
    form = ActivityForm(request.POST or None)
    photo_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = selectors.enterprise_of_activity(
                actor=actor, union=union, uscc=data["uscc"]
            )
            record = activity_create(
                actor=actor,
                union=union,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                enterprise=enterprise,
                site=data["site"],
                attendance=data["attendance"],
                speakers=data["speakers"],
                extra=form.extra_values(),
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            kept = problems_show(form, exc, rename={"enterprise": "uscc"}, apart=("photos",))
            photo_errors.extend(kept.get("photos", []))
        else:
            messages.success(request, f"已录入“{record.title}”。")
            return redirect("activities:detail", activity_id=record.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "photo_errors": photo_errors, "max_photos": MAX_PHOTOS},
        status=400 if photo_errors or form.errors else 200,
    )


def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """An activity with its photos; its staff add photos, the city's staff pick it as a
    优秀活动案例 and its speaker as a 领讲员."""
    actor = request_actor(request)
    record = selectors.access_activity(actor=actor, activity_id=activity_id)
    kind = kinds().get(record.kind)
    select = SelectForm(initial={"showcase": record.showcase, "lead_speaker": record.lead_speaker})
    photo_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "photos":
                added = activity_photos_add(
                    actor=actor, activity=record, photos=request.FILES.getlist("photos")
                )
                messages.success(request, f"已上传照片 {added} 张。")
            elif action == "select":
                select = SelectForm(request.POST)
                select.is_valid()
                activity_select(
                    actor=actor,
                    activity=record,
                    showcase=select.cleaned_data.get("showcase", False),
                    lead_speaker=select.cleaned_data.get("lead_speaker", False),
                )
                messages.success(request, "已保存选定。")
            else:
                raise PermissionDenied("未知的操作。")
        except ValidationError as exc:
            photo_errors.extend(problems_show(select, exc, apart=("photos",)).get("photos", []))
        else:
            return redirect("activities:detail", activity_id=record.pk)
    return render(
        request,
        "activities/detail.html",
        {
            "record": record,
            "kind": kind,
            "extras": [(f.header, record.extra.get(f.key)) for f in (kind.extra if kind else ())],
            "photos": selectors.activity_photos(activity=record),
            "may_edit": may_edit(actor, record.union),
            "may_select": may_select(actor),
            "select": select,
            "photo_errors": photo_errors,
            "max_photos": MAX_PHOTOS,
        },
        status=400 if photo_errors or select.errors else 200,
    )


@require_GET
def activity_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = selectors.access_photo(actor=request_actor(request), photo_id=photo_id)
    return private_file_response(photo.file, photo.content_type, photo.original_name)


# --- 优秀活动案例 and 典型工作案例 ---------------------------------------------------------------


@require_GET
def showcase_gallery(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    year = request.GET.get("year", "")
    return render(
        request,
        "activities/showcase.html",
        {
            "gallery": selectors.showcase_gallery(
                actor=actor, year=int(year) if year.isdigit() else None
            ),
            "may_select": may_select(actor),
            "year": year,
        },
    )


def case_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_select(actor)
    form = CaseForm(
        request.POST or None,
        unions=union_choices(actor=actor),
        activities=selectors.case_activity_choices(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(
                actor=actor,
                union=form.chosen_union(),
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                summary=form.cleaned_data["summary"],
                cover=request.FILES.get("cover"),
                activities=form.chosen_activities(),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"已选定典型工作案例“{case.title}”。")
            return redirect("activities:case", case_id=case.pk)
    return render(request, "activities/case_form.html", {"form": form})


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = selectors.access_case(actor=actor, case_id=case_id)
    return render(
        request,
        "activities/case_detail.html",
        {"case": case, "activities": selectors.case_activities(actor=actor, case=case)},
    )


@require_GET
def case_cover(request: HttpRequest, case_id: int) -> FileResponse:
    case = selectors.access_case(actor=request_actor(request), case_id=case_id)
    if not case.cover:
        raise Http404("这个案例没有封面照片。")
    return private_file_response(case.cover, case.cover_type, f"{case.title}封面")


# --- 春风送岗 job fairs ------------------------------------------------------------------


@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.fair_page(actor=actor, before=before_param(request))
    return render(
        request,
        "activities/fair_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def fair_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = JobFairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fair = fair_create(
                actor=actor,
                union=union,
                title=data["title"],
                held_on=data["held_on"],
                mode=data["mode"],
                venue=data["venue"],
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"已录入招聘会“{fair.title}”，请导入岗位。")
            return redirect("activities:fair", fair_id=fair.pk)
    return render(request, "activities/fair_form.html", {"form": form})


@require_GET
def fair_detail(request: HttpRequest, fair_id: int) -> HttpResponse:
    actor = request_actor(request)
    fair = selectors.access_fair(actor=actor, fair_id=fair_id)
    return render(
        request,
        "activities/fair_detail.html",
        {
            "fair": fair,
            "positions": selectors.fair_positions(fair=fair),
            "totals": selectors.fair_totals(fair=fair),
            "may_edit": may_edit(actor, fair.union),
        },
    )


@require_POST
def fair_close_view(request: HttpRequest, fair_id: int) -> HttpResponse:
    actor = request_actor(request)
    fair = selectors.access_fair(actor=actor, fair_id=fair_id)
    try:
        fair_close(actor=actor, fair=fair)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"招聘会“{fair.title}”已结束，岗位不再增加。")
    return redirect("activities:fair", fair_id=fair.pk)


# --- 东西部协作 and 对口支援 ------------------------------------------------------------------


@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.partnership_page(actor=actor, before=before_param(request))
    return render(
        request,
        "activities/partnership_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def partnership_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = partnership_create(actor=actor, union=union, **data)
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"已录入与{agreement.partner}的“{agreement.title}”。")
            return redirect("activities:partnership", partnership_id=agreement.pk)
    return render(request, "activities/partnership_form.html", {"form": form})


@require_GET
def partnership_detail(request: HttpRequest, partnership_id: int) -> HttpResponse:
    agreement = selectors.access_partnership(
        actor=request_actor(request), partnership_id=partnership_id
    )
    return render(request, "activities/partnership_detail.html", {"agreement": agreement})
