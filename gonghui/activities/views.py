"""Pages of 工作台账: activities (the list, a new one, one in detail) and 春风送岗 fairs (the
list, a new one, one with its positions, closing it). Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gonghui.activities import selectors
from gonghui.activities.forms import ActivityForm, JobFairForm
from gonghui.activities.kinds import kinds
from gonghui.activities.permissions import may_edit, require_edit
from gonghui.activities.services import activity_create, fair_close, fair_create
from gonghui.core.middleware import request_actor
from gonghui.orgs.selectors import union_of_page


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    rows, next_before = selectors.activity_page(
        actor=actor, before=int(before) if before.isdigit() else None
    )
    labels = {k.key: k.label for k in kinds().values()}
    for row in rows:
        row.kind_label = labels.get(row.kind, row.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "activities/list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "may_edit": may_edit(actor, actor.union),
        },
    )


def activity_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)  # one's own union; 404 without one
    require_edit(actor, union)
    form = ActivityForm(request.POST or None)
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
            )
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                name = "uscc" if field == "enterprise" else field
                form.add_error(name if name in form.fields else None, messages_)
        else:
            messages.success(request, f"已录入“{record.title}”。")
            return redirect("activities:detail", activity_id=record.pk)
    return render(request, "activities/form.html", {"form": form})


@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    record = selectors.access_activity(actor=request_actor(request), activity_id=activity_id)
    kind = kinds().get(record.kind)
    return render(
        request,
        "activities/detail.html",
        {
            "record": record,
            "kind": kind,
            "extras": [(f.header, record.extra.get(f.key)) for f in (kind.extra if kind else ())],
        },
    )


# --- 春风送岗 job fairs ------------------------------------------------------------------


@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    rows, next_before = selectors.fair_page(
        actor=actor, before=int(before) if before.isdigit() else None
    )
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
            for field, messages_ in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
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
