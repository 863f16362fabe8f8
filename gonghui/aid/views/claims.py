"""互助金申请 pages: the list in scope, the entry form with its documents, the detail page
with the workflow panel, and the documents served privately."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from gonghui.aid.documents import (
    INLINE_TYPES,
    claim_check,
    claim_create_with_documents,
    claim_document_open,
    required_labels,
)
from gonghui.aid.forms import ClaimForm, member_by_id_number
from gonghui.aid.models import Category
from gonghui.aid.permissions import may_enter_claims
from gonghui.aid.selectors import (
    access_claim,
    claim_documents,
    claim_filters,
    claim_years,
    claims_page,
    enrollments_of,
)
from gonghui.aid.workflows import CLAIM
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.formatting import yuan
from gonghui.core.middleware import request_actor
from gonghui.core.pii_search import pii_search_allow
from gonghui.core.scoping import access
from gonghui.core.workflow import State
from gonghui.core.workflow.selectors import may_correct
from gonghui.core.workflow.views import panel_context
from gonghui.members.models import Member
from gonghui.orgs.selectors import union_choices

# --- Pages --------------------------------------------------------------------------------


def claim_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.union is None:
        return render(request, "orgs/no_scope.html", status=403)
    filters = claim_filters(actor=actor, params=request.GET)
    claims, next_before = claims_page(actor=actor, filters=filters)
    return render(
        request,
        "aid/claim_list.html",
        {
            "claims": [
                {
                    "claim": c,
                    "name": pii.mask_name(c.member.name),
                    "amount": yuan(c.amount),
                    "step": CLAIM.step_label(c.step),
                }
                for c in claims
            ],
            "filters": filters,
            "next_query": filters.query(before=next_before) if next_before else "",
            "unions": union_choices(actor=actor),
            "states": State.choices,
            "categories": Category.choices,
            "years": claim_years(actor=actor),
            "can_enter": may_enter_claims(actor),
        },
    )


def claim_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not may_enter_claims(actor):
        # A redirect rather than 403: the list says who may enter claims.
        messages.warning(request, "只有基层或乡镇（街道）工会的工作人员可以录入互助金申请。")
        return redirect("aid:claim_list")
    preset = _preset_member(request, actor)
    if request.method != "POST":
        form = ClaimForm(actor=actor, member=preset)
        return render(request, "aid/claim_form.html", _form_context(form))
    form = ClaimForm(request.POST, request.FILES, actor=actor, member=preset)
    if form.is_valid():
        try:
            claim = claim_create_with_documents(
                actor=actor, uploads=form.uploads(), **form.claim_fields()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"已提交互助金申请 #{claim.pk}，互助金 {yuan(claim.amount)} 元，"
                f"当前环节：{CLAIM.step_label(claim.step) or claim.get_state_display()}。",
            )
            return redirect("aid:claim_detail", claim_id=claim.pk)
    elif form.only_documents_wrong():
        refused = claim_check(actor=actor, **form.claim_fields())
        if refused is not None:
            form.add_service_errors(refused)
    return render(request, "aid/claim_form.html", _form_context(form), status=200)


def _preset_member(request: HttpRequest, actor: Actor) -> Member | None:
    """The member named by ?member= (from the member's page), inside the actor's scope."""
    raw = request.GET.get("member", "")
    if not raw.isdigit():
        return None
    return access(Member.objects.select_related("union"), actor=actor, pk=int(raw))


def _member_context(member: Member | None) -> dict[str, Any]:
    if member is None:
        return {"member": None}
    return {
        "member": member,
        "member_masked_name": pii.mask_name(member.name),
        "enrollments": enrollments_of(member),
    }


def _form_context(form: ClaimForm) -> dict[str, Any]:
    return {
        "form": form,
        **_member_context(form.member),
        "documents": form.document_rows(),
        "requirements": [
            (label, "、".join(required_labels(key))) for key, label in Category.choices
        ],
    }


@require_POST
def claim_member_lookup(request: HttpRequest) -> HttpResponse:
    """The member a typed ID number names, masked, for the form to show before saving.
    A lookup of a valid number is a search by it: counted and audited (core.pii_search)."""
    actor = request_actor(request)
    text = request.POST.get("id_number", "").strip()[:40]
    member, error, hint = None, "", ""
    if not may_enter_claims(actor):
        error = "您无权录入互助金申请。"
    elif len(text.replace(" ", "")) < 15:
        hint = "请输入完整的身份证号。"  # still typing: not an error yet
    else:
        try:
            pii.normalize_id_number(text)
            pii_search_allow(actor=actor, kind="id_number", text=text, where="互助金申请录入")
            member = member_by_id_number(actor=actor, text=text)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if member is None:
                error = "在您管辖范围内的会员中没有找到这个身份证号。"
    return render(
        request, "aid/claim_member.html", {**_member_context(member), "error": error, "hint": hint}
    )


def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = request_actor(request)
    claim = access_claim(actor=actor, claim_id=claim_id)
    context = {
        "claim": claim,
        "documents": claim_documents(claim),
        "required": required_labels(claim.category),
        "calculation": [
            {"label": line.get("label", ""), "amount": line.get("amount", "")}
            for line in (claim.calculation or [])
            if isinstance(line, dict)
        ],
        "yuan": {
            name: yuan(getattr(claim, name))
            for name in ("amount", "total_cost", "insurance_paid", "self_paid")
        },
    }
    context.update(panel_context(request, CLAIM, claim))
    context["may_correct"] = may_correct(CLAIM, claim, actor)
    return render(request, "aid/claim_detail.html", context)


def claim_document(request: HttpRequest, claim_id: int, document_id: int) -> FileResponse:
    """A claim's document, for users who may see the claim. PDF and images open in the
    browser; nothing else is stored, but anything else would download."""
    actor = request_actor(request)
    document, handle = claim_document_open(actor=actor, claim_id=claim_id, document_id=document_id)
    inline = document.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=not inline,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Medical documents: not kept by shared caches or the browser's back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("claims/", claim_list, name="claim_list"),
    path("claims/new/", claim_new, name="claim_new"),
    path("claims/new/member/", claim_member_lookup, name="claim_member_lookup"),
    path("claims/<int:claim_id>/", claim_detail, name="claim_detail"),
    path(
        "claims/<int:claim_id>/documents/<int:document_id>/",
        claim_document,
        name="claim_document",
    ),
]
