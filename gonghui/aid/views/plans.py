"""Pages of mutual-aid plans and enrollment: list, detail, edit, the fee table and its
export, and the "enroll every member" action."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.aid import selectors
from gonghui.aid.forms import PlanForm
from gonghui.aid.models import MutualAidPlan
from gonghui.aid.permissions import may_edit_plan
from gonghui.aid.services.plan_tools import plan_copy_next_year, plan_preview
from gonghui.aid.services.plans import (
    enrollment_enroll_union_start,
    enrollment_fees_export,
    plan_data,
    plan_update,
)
from gonghui.core.formatting import yuan
from gonghui.core.middleware import request_actor
from gonghui.core.models import Role
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_breadcrumbs, union_of_page

ENROLLERS = (Role.ADMIN, Role.STAFF)
INPUT = {"class": "form-control"}


def _initial(plan: MutualAidPlan) -> dict[str, Any]:
    return {k: v for k, v in plan_data(plan).items() if k != "categories"}


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "aid/plan_list.html",
        {"plans": selectors.plans_with_enrolled(actor=actor)},
    )


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    return render(
        request,
        "aid/plan_detail.html",
        {
            "plan": plan,
            "terms": selectors.plan_terms_rows(plan),
            "approval_above": yuan(plan.city_approval_above),
            "enrolled": selectors.plan_enrolled_count(actor=actor, plan=plan),
            "can_edit": may_edit_plan(actor, plan),
            "has_claims": selectors.plan_has_claims(plan),
        },
    )


@require_GET
def plan_preview_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A payout for an example cost under the plan, as the claims compute it (htmx)."""
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    error, payout = "", None
    try:
        payout = plan_preview(
            plan=plan,
            category=request.GET.get("category", ""),
            self_paid=request.GET.get("self_paid", ""),
        )
    except ValidationError as exc:
        error = "；".join(exc.messages)
    return render(request, "aid/_plan_preview.html", {"payout": payout, "error": error})


@require_POST
def plan_copy_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    if not may_edit_plan(actor, plan):
        raise PermissionDenied("只有举办工会的管理员才能复制互助方案。")
    try:
        copy = plan_copy_next_year(actor=actor, plan=plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("aid:plan_detail", plan_id=plan.pk)
    messages.success(
        request, f"已按{plan.year}年度方案建立{copy.year}年度方案 {copy.code}，请核对后保存。"
    )
    return redirect("aid:plan_edit", plan_id=copy.pk)


def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    if not may_edit_plan(actor, plan):
        raise PermissionDenied("只有举办工会的管理员才能修改互助方案。")
    form = PlanForm(request.POST or None, initial=_initial(plan), categories=plan.categories)
    if request.method == "POST" and form.is_valid():
        try:
            result = plan_update(actor=actor, plan=plan, data=form.plan_values())
        except ValidationError as exc:
            by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for key, errors in by_field.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            if result.status == "unchanged":
                messages.info(request, "没有修改任何内容。")
            else:
                messages.success(request, f"已保存：{'、'.join(result.changed)}。")
            return redirect("aid:plan_detail", plan_id=plan.pk)
    return render(
        request,
        "aid/plan_edit.html",
        {
            "plan": plan,
            "form": form,
            "has_claims": selectors.plan_has_claims(plan),
        },
        status=400 if form.errors else 200,
    )


def _fee_union(request: HttpRequest, code: str) -> Union:
    return union_of_page(actor=request_actor(request), code=code)


def _default_enroll_date(plan: MutualAidPlan) -> date:
    """Today, brought inside the plan's enrollment window."""
    return min(max(timezone.localdate(), plan.enroll_from), plan.enroll_to)


@require_GET
def enrollment_fees(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    union = _fee_union(request, request.GET.get("union", ""))
    return render(
        request,
        "aid/enrollment_fees.html",
        {
            "plan": plan,
            "union": union,
            "table": selectors.enrollment_fees(actor=actor, plan=plan, union=union),
            "breadcrumbs": union_breadcrumbs(actor=actor, union=union),
            "can_enroll": actor.role in ENROLLERS and union.path.startswith(plan.union.path),
            "enroll_date": _default_enroll_date(plan),
        },
    )


@require_GET
def enrollment_fees_download(request: HttpRequest, plan_id: int) -> FileResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    union = _fee_union(request, request.GET.get("union", ""))
    tmp = Path(tempfile.mkdtemp()) / f"{union.name}-{plan.code}参保费.xlsx"
    enrollment_fees_export(actor=actor, plan=plan, union=union, path=tmp)
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)


@require_POST
def enrollment_enroll_union(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.access_plan(actor=actor, plan_id=plan_id)
    union = _fee_union(request, request.POST.get("union", ""))
    back = f"{reverse('aid:enrollment_fees', args=[plan.pk])}?union={union.code}"
    raw = request.POST.get("enrolled_on", "").strip()
    try:
        enrolled_on = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, "参保日期应为日期，格式如 2023-01-01。", extra_tags="danger")
        return redirect(back)
    try:
        job = enrollment_enroll_union_start(
            actor=actor, plan=plan, union=union, enrolled_on=enrolled_on
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages), extra_tags="danger")
        return redirect(back)
    return redirect("job_detail", job_id=job.pk)


urlpatterns: list[URLPattern] = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/preview/", plan_preview_view, name="plan_preview"),
    path("plans/<int:plan_id>/copy/", plan_copy_view, name="plan_copy"),
    path("plans/<int:plan_id>/enrollment/", enrollment_fees, name="enrollment_fees"),
    path(
        "plans/<int:plan_id>/enrollment/export/",
        enrollment_fees_download,
        name="enrollment_fees_export",
    ),
    path(
        "plans/<int:plan_id>/enrollment/enroll/",
        enrollment_enroll_union,
        name="enrollment_enroll_union",
    ),
]
