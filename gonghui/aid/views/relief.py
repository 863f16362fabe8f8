"""Pages of 会员大病救助: the list, the new-application form, the detail page with the
workflow panel, and the yearly policies."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from gonghui.aid import selectors
from gonghui.aid.forms import ApplyForm, FindForm
from gonghui.aid.permissions import may_apply_relief, may_set_relief_policy
from gonghui.aid.services import relief as svc
from gonghui.aid.workflows import RELIEF
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param
from gonghui.core.scoping import access
from gonghui.core.workflow import State
from gonghui.core.workflow.selectors import may_correct
from gonghui.core.workflow.views import panel_context
from gonghui.members.models import Member
from gonghui.orgs.selectors import access_union

PAGE_SIZE = 50
TIER_ROWS = 5


@require_GET
def relief_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    rows, next_before = selectors.relief_page(
        actor=actor, state=state, before=before_param(request)
    )
    return render(
        request,
        "aid/relief_list.html",
        {
            "rows": rows,
            "next_query": urlencode(
                {k: v for k, v in {"state": state, "before": next_before}.items() if v}
            )
            if next_before
            else "",
            "state": state,
            "states": State.choices,
            "may_apply": may_apply_relief(actor),
            "may_set_policy": may_set_relief_policy(actor),
        },
    )


def relief_new(request: HttpRequest) -> HttpResponse:
    """Two steps: find the member by full ID number (through the keyed hash), then fill in
    the diagnosis from the applicable policy's list, the cost and the payee."""
    actor = request_actor(request)
    context: dict[str, Any] = {"may_apply": may_apply_relief(actor)}
    if request.method != "POST":
        context["find"] = FindForm(initial={"year": timezone.localdate().year})
        return render(request, "aid/relief_new.html", context)
    if request.POST.get("step") == "apply":
        form = ApplyForm(request.POST)
        member = None
        if form.is_valid():
            member = access(
                Member.objects.select_related("union"),
                actor=actor,
                pk=form.cleaned_data["member_id"],
            )
            try:
                application = svc.relief_apply(
                    actor=actor,
                    member=member,
                    year=form.cleaned_data["year"],
                    diagnosis=form.cleaned_data["diagnosis"],
                    self_paid_year=form.cleaned_data["self_paid_year"],
                    payee_bank=form.cleaned_data["payee_bank"],
                    payee_account=form.cleaned_data["payee_account"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已提交大病救助申请 #{application.pk}，等待初审。")
                return redirect("aid:relief_detail", relief_id=application.pk)
        elif str(request.POST.get("member_id", "")).isdigit():
            member = access(
                Member.objects.select_related("union"),
                actor=actor,
                pk=int(request.POST["member_id"]),
            )
        if member is None:
            context["find"] = FindForm(initial={"year": timezone.localdate().year})
            context["error"] = "请先查找会员。"
            return render(request, "aid/relief_new.html", context)
        return _render_apply(request, context, member, request.POST.get("year", ""), form)
    find = FindForm(request.POST)
    context["find"] = find
    if not find.is_valid():
        return render(request, "aid/relief_new.html", context)
    try:
        member = selectors.relief_member_find(actor=actor, id_number=find.cleaned_data["id_number"])
    except ValidationError as exc:
        find.add_error("id_number", exc)
        return render(request, "aid/relief_new.html", context)
    year = find.cleaned_data["year"]
    form = ApplyForm(initial={"member_id": member.pk, "year": year})
    return _render_apply(request, context, member, str(year), form)


def _render_apply(
    request: HttpRequest, context: dict[str, Any], member: Member, year: str, form: ApplyForm
) -> HttpResponse:
    policy = svc.relief_policy_for(member.union, int(year)) if year.isdigit() else None
    context.update(
        {
            "member": member,
            "year": year,
            "policy": policy,
            "tiers": svc.relief_tiers(policy) if policy else [],
            "form": form,
            "values": form.data if form.is_bound else {},
        }
    )
    return render(request, "aid/relief_new.html", context)


def relief_detail(request: HttpRequest, relief_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.access_relief(actor=actor, relief_id=relief_id)
    return render(
        request,
        "aid/relief_detail.html",
        {
            "item": item,
            "tier": svc.relief_tier_for(item.policy, item.self_paid_year),
            "tiers": svc.relief_tiers(item.policy),
            **panel_context(request, RELIEF, item),
            "may_correct": may_correct(RELIEF, item, actor),
        },
    )


@require_GET
def relief_policy_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    may_set = may_set_relief_policy(actor)
    scope = actor.union.path if actor.union else "-"
    rows = [
        # An ancestor's policy applies here but is edited by the ancestor's admins.
        (p, svc.relief_tiers(p), may_set and p.union.path.startswith(str(scope)))
        for p in selectors.relief_policies(actor=actor)
    ]
    return render(
        request,
        "aid/relief_policy_list.html",
        {"rows": rows, "may_set_policy": may_set},
    )


class PolicyForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=svc.FIRST_YEAR)
    name = forms.CharField(label="名称", max_length=128, required=False)
    fund_name = forms.CharField(label="资金来源", max_length=128, required=False)
    diseases = forms.CharField(label="重大疾病目录（每行一种）", widget=forms.Textarea)


def relief_policy_edit(request: HttpRequest, union_code: str) -> HttpResponse:
    """The policy of one union for a year (``?year=``): admins of a city or county union."""
    actor = request_actor(request)
    union = access_union(actor=actor, code=union_code)
    if not may_set_relief_policy(actor):
        raise PermissionDenied("只有市、区县工会的管理员可以设置大病救助政策。")
    year_raw = request.POST.get("year") or request.GET.get("year") or ""
    year = int(year_raw) if year_raw.isdigit() else timezone.localdate().year
    existing = selectors.relief_policy_of(union=union, year=year)
    error = ""
    if request.method == "POST":
        form = PolicyForm(request.POST)
        tiers = [
            {
                "from": request.POST.get(f"tier_from_{i}", "").strip(),
                "to": request.POST.get(f"tier_to_{i}", "").strip() or None,
                "grant": request.POST.get(f"tier_grant_{i}", "").strip(),
            }
            for i in range(TIER_ROWS)
        ]
        filled = [t for t in tiers if t["from"] or t["grant"] or t["to"]]
        if form.is_valid():
            try:
                policy = svc.relief_policy_save(
                    actor=actor,
                    union=union,
                    year=form.cleaned_data["year"],
                    tiers=filled,
                    diseases=form.cleaned_data["diseases"].splitlines(),
                    name=form.cleaned_data["name"],
                    fund_name=form.cleaned_data["fund_name"] or "会员大病救助金",
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                messages.success(request, f"已保存“{policy.name}”。")
                return redirect("aid:relief_policy_list")
        rows = [(t["from"], t["to"] or "", t["grant"]) for t in tiers]
    else:
        initial: dict[str, Any] = {"year": year, "fund_name": "会员大病救助金"}
        rows = []
        if existing is not None:
            initial.update(
                name=existing.name,
                fund_name=existing.fund_name,
                diseases="\n".join(existing.diseases),
            )
            rows = [
                (f"{t.lower:.2f}", "" if t.upper is None else f"{t.upper:.2f}", f"{t.grant:.2f}")
                for t in svc.relief_tiers(existing)
            ]
        form = PolicyForm(initial=initial)
    rows += [("", "", "")] * (TIER_ROWS - len(rows))
    return render(
        request,
        "aid/relief_policy_form.html",
        {
            "union": union,
            "form": form,
            "rows": rows[:TIER_ROWS],
            "existing": existing,
            "error": error,
            "may_set_policy": may_set_relief_policy(actor),
        },
    )


urlpatterns: list[URLPattern] = [
    path("relief/", relief_list, name="relief_list"),
    path("relief/new/", relief_new, name="relief_new"),
    path("relief/<int:relief_id>/", relief_detail, name="relief_detail"),
    path("relief/policies/", relief_policy_list, name="relief_policy_list"),
    path("relief/policies/<str:union_code>/", relief_policy_edit, name="relief_policy_edit"),
]
