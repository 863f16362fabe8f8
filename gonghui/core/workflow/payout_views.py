"""Pages of 发放批次 (every type that declares a payout): the list, a new batch (finance), a batch with its lines, marking it
paid, returning a line, and the bank-transfer export (finance)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.middleware import request_actor
from gonghui.core.models import Role
from gonghui.core.scoping import require_role
from gonghui.core.workflow import payables
from gonghui.core.workflow import payouts as svc
from gonghui.core.workflow.permissions import BATCH_LEVELS, may_pay
from gonghui.orgs.selectors import access_union

PAGE_SIZE = 50
LINES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def payout_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    page = Paginator(svc.payout_batches(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/payout_list.html",
        {
            "page": page,
            "may_pay": may_pay(actor),
            "own_union": actor.union,
            "purposes": [wf.payout.purpose for wf in payables().values() if wf.payout],
        },
    )


def payout_new(request: HttpRequest, union_code: str) -> HttpResponse:
    """What waits for payment in the union's subtree, per type, then the new batch."""
    actor = request_actor(request)
    union = access_union(actor=actor, code=union_code)
    require_role(actor, Role.FINANCE)
    error = ""
    name = ""
    payable = payables()
    chosen = list(payable)
    if request.method == "POST":
        name = request.POST.get("name", "")
        chosen = [k for k in request.POST.getlist("workflows") if k in payable]
        try:
            batch = svc.payout_batch_create(actor=actor, union=union, name=name, workflows=chosen)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(
                request, f"已建立发放批次：{batch.item_count} 笔，合计 {batch.total} 元。"
            )
            return redirect("payout_detail", batch_id=batch.pk)
    return render(
        request,
        "workflow/payout_new.html",
        {
            "union": union,
            "summary": svc.payout_eligible_summary(actor=actor, union=union),
            "error": error,
            "name": name,
            "chosen": chosen,
            "level_ok": union.level in BATCH_LEVELS,
        },
    )


@require_GET
def payout_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = request_actor(request)
    batch = svc.access_batch(actor=actor, batch_id=batch_id)
    page = Paginator(svc.payout_lines(batch=batch), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workflow/payout_detail.html",
        {
            "batch": batch,
            "page": page,
            "may_pay": may_pay(actor),
            "today": timezone.localdate(),
        },
    )


@require_POST
def payout_paid(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = request_actor(request)
    batch = svc.access_batch(actor=actor, batch_id=batch_id)
    require_role(actor, Role.FINANCE)
    try:
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        messages.error(request, "请填写正确的发放日期。")
        return redirect("payout_detail", batch_id=batch.pk)
    try:
        batch = svc.payout_batch_mark_paid(
            actor=actor,
            batch=batch,
            bank_reference=request.POST.get("bank_reference", ""),
            paid_on=paid_on,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已标记为已发放：{batch.item_count} 笔，合计 {batch.total} 元。")
    return redirect("payout_detail", batch_id=batch.pk)


@require_POST
def payout_return(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = request_actor(request)
    batch = svc.access_batch(actor=actor, batch_id=batch_id)
    require_role(actor, Role.FINANCE)
    raw = request.POST.get("item", "")
    item = svc.access_line(actor=actor, batch=batch, item_id=int(raw) if raw.isdigit() else 0)
    try:
        returned = svc.payout_item_return(
            actor=actor, item=item, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"已将明细 #{item.pk} 标记为银行退回。"
            + (
                "已发放的明细须由另一位财务人员复核后，该申请才能重新发放。"
                if returned.return_needs_confirm
                else "该申请重新待发放。"
            ),
        )
    return redirect("payout_detail", batch_id=batch.pk)


@require_POST
def payout_return_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = request_actor(request)
    batch = svc.access_batch(actor=actor, batch_id=batch_id)
    require_role(actor, Role.FINANCE)
    raw = request.POST.get("item", "")
    item = svc.access_line(actor=actor, batch=batch, item_id=int(raw) if raw.isdigit() else 0)
    try:
        svc.payout_return_confirm(actor=actor, item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已复核明细 #{item.pk} 的银行退回，该申请可以重新发放。")
    return redirect("payout_detail", batch_id=batch.pk)


@require_GET
def payout_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    actor = request_actor(request)
    batch = svc.access_batch(actor=actor, batch_id=batch_id)
    data = svc.payout_batch_export(actor=actor, batch=batch)
    response = HttpResponse(data, content_type=XLSX)
    name = svc.payout_export_filename(batch)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("payouts/", payout_list, name="payout_list"),
    path("payouts/new/<str:union_code>/", payout_new, name="payout_new"),
    path("payouts/<int:batch_id>/", payout_detail, name="payout_detail"),
    path("payouts/<int:batch_id>/paid/", payout_paid, name="payout_paid"),
    path("payouts/<int:batch_id>/return/", payout_return, name="payout_return"),
    path(
        "payouts/<int:batch_id>/return-confirm/",
        payout_return_confirm,
        name="payout_return_confirm",
    ),
    path("payouts/<int:batch_id>/export/", payout_export, name="payout_export"),
]
