"""退回修改 pages: correct a returned claim or relief application and submit it again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from gonghui.aid.forms import ClaimCorrectForm, ReliefCorrectForm
from gonghui.aid.selectors import access_claim, access_relief, claim_documents
from gonghui.aid.services.corrections import claim_correct, relief_correct
from gonghui.aid.views.claims import _form_context
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.core.formatting import yuan
from gonghui.core.middleware import request_actor
from gonghui.core.workflow.selectors import may_correct


def claim_correct_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = request_actor(request)
    claim = access_claim(actor=actor, claim_id=claim_id)
    if not may_correct(CLAIM, claim, actor):
        raise PermissionDenied("该申请当前不能修改：只有退回修改的申请，由录入方修改后重新提交。")
    documents = claim_documents(claim)
    initial = {
        name: getattr(claim, name)
        for name in (
            "category",
            "hospital",
            "start_date",
            "discharge_date",
            "invoice_no",
            "total_cost",
            "insurance_paid",
            "self_paid",
            "payee_bank",
        )
    }
    form = ClaimCorrectForm(
        request.POST or None,
        request.FILES or None,
        actor=actor,
        claim=claim,
        documents=documents,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_correct(
                actor=actor,
                claim_id=claim.pk,
                uploads=form.uploads(),
                remove_documents=form.removed_documents(),
                **form.correction_fields(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"已修改并重新提交互助金申请 #{claim.pk}，互助金 {yuan(claim.amount)} 元。",
            )
            return redirect("aid:claim_detail", claim_id=claim.pk)
    return render(
        request,
        "aid/claim_correct.html",
        {**_form_context(form), "claim": claim, "existing": documents},
    )


def relief_correct_view(request: HttpRequest, relief_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = access_relief(actor=actor, relief_id=relief_id)
    if not may_correct(RELIEF, item, actor):
        raise PermissionDenied("该申请当前不能修改：只有退回修改的申请，由录入方修改后重新提交。")
    initial = {
        "diagnosis": item.diagnosis,
        "self_paid_year": item.self_paid_year,
        "payee_bank": item.payee_bank,
    }
    form = ReliefCorrectForm(request.POST or None, item=item, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            item = relief_correct(actor=actor, relief_id=item.pk, **form.cleaned_data)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, f"已修改并重新提交大病救助申请 #{item.pk}。")
            return redirect("aid:relief_detail", relief_id=item.pk)
    return render(
        request,
        "aid/relief_correct.html",
        {"form": form, "item": item, "error": error, "diseases": item.policy.diseases},
        status=400 if error or form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("claims/<int:claim_id>/correct/", claim_correct_view, name="claim_correct"),
    path("relief/<int:relief_id>/correct/", relief_correct_view, name="relief_correct"),
]
