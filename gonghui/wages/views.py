"""Pages of 能级工资与民主管理: the contract ledger and a contract with its wage table and the
computed rise; the ledger of 职代会 and 厂务公开 with the forms that record them from an
enterprise's page. Contracts come in by the `wage-contracts` sheet. Thin: parse, call,
render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.core.problems import problems_raise, problems_show
from gonghui.core.workflow.models import State
from gonghui.core.workflow.views import panel_context
from gonghui.orgs.selectors import access_enterprise, enterprises_of
from gonghui.wages import selectors
from gonghui.wages.forms import CongressForm, DisclosureForm, ReliefForm, SettleForm
from gonghui.wages.models import DuesRelief, ReliefKind
from gonghui.wages.permissions import may_edit, require_edit
from gonghui.wages.services.democracy import congress_record, disclosure_record
from gonghui.wages.services.relief import ReliefTerms, relief_apply, relief_settle
from gonghui.wages.workflows import RELIEF


@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.contract_page(actor=actor, before=before_param(request))
    return render(
        request,
        "wages/list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(actor=request_actor(request), contract_id=contract_id)
    return render(
        request,
        "wages/detail.html",
        {"record": contract, **selectors.contract_table(contract)},
    )


@require_GET
def democracy(request: HttpRequest) -> HttpResponse:
    """The sessions or the disclosures recorded in scope, and a search for the enterprise to
    record one at."""
    actor = request_actor(request)
    kind = "disclosure" if request.GET.get("kind") == "disclosure" else "congress"
    page = selectors.disclosure_page if kind == "disclosure" else selectors.congress_page
    rows, next_before = page(actor=actor, before=before_param(request))
    q = request.GET.get("q", "").strip()[:50]
    found = list(enterprises_of(actor=actor, union=actor.union, text=q)[:20]) if q else None
    return render(
        request,
        "wages/democracy.html",
        {
            "kind": kind,
            "rows": rows,
            "next_before": next_before,
            "q": q,
            "found": found,
            "may_edit": may_edit(actor, actor.union),
        },
    )


def congress_new(request: HttpRequest, uscc: str) -> HttpResponse:
    actor = request_actor(request)
    enterprise = access_enterprise(actor=actor, uscc=uscc)
    require_edit(actor, enterprise.union or enterprise.owner_union)
    page = form_page(
        request,
        CongressForm(request.POST or None),
        lambda data: congress_record(actor=actor, enterprise=enterprise, **data),
        title=f"登记职代会：{enterprise.name}",
        back="orgs:enterprise_detail",
        back_args=(enterprise.uscc,),
    )
    if page is not None:
        return page
    messages.success(request, "已登记职代会会议。")
    return redirect("orgs:enterprise_detail", uscc=enterprise.uscc)


def disclosure_new(request: HttpRequest, uscc: str) -> HttpResponse:
    actor = request_actor(request)
    enterprise = access_enterprise(actor=actor, uscc=uscc)
    require_edit(actor, enterprise.union or enterprise.owner_union)
    page = form_page(
        request,
        DisclosureForm(request.POST or None),
        lambda data: disclosure_record(actor=actor, enterprise=enterprise, **data),
        title=f"登记厂务公开：{enterprise.name}",
        back="orgs:enterprise_detail",
        back_args=(enterprise.uscc,),
    )
    if page is not None:
        return page
    messages.success(request, "已登记厂务公开事项。")
    return redirect("orgs:enterprise_detail", uscc=enterprise.uscc)


@require_GET
def relief_list(request: HttpRequest) -> HttpResponse:
    """The relief ledger: every application in scope with its state, the granted totals,
    and the deferrals past due."""
    actor = request_actor(request)
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    overdue = request.GET.get("overdue") == "1"
    rows, next_before = selectors.relief_page(
        actor=actor,
        state=state if state in State.values else "",
        kind=kind if kind in ReliefKind.values else "",
        overdue=overdue,
        before=before_param(request),
    )
    return render(
        request,
        "wages/relief_list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "state": state,
            "kind": kind,
            "overdue": overdue,
            "states": [(s, RELIEF.state_label(s)) for s in State.values if s != State.PAID],
            "kinds": ReliefKind.choices,
            "totals": selectors.relief_totals(actor=actor),
            "may_edit": may_edit(actor, actor.union),
        },
    )


def relief_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_edit(actor, actor.union)
    form = ReliefForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
    made: list[DuesRelief] = []

    def save(data: dict[str, Any]) -> None:
        try:
            enterprise = access_enterprise(actor=actor, uscc=data["uscc"])
        except Http404:
            problems_raise([("uscc", "您的管辖范围内没有该统一社会信用代码的企业")])
        terms = ReliefTerms(
            kind=data["kind"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            payroll=data["payroll"],
            amount=data["amount"],
            due_on=data["due_on"],
        )
        made.append(
            relief_apply(
                actor=actor,
                enterprise=enterprise,
                terms=terms,
                reason=data["reason"],
                reason_note=data["reason_note"],
                policy=data["policy"],
            )
        )

    page = form_page(request, form, save, title="申请缓减工会经费", back="wages:reliefs")
    if page is not None:
        return page
    messages.success(request, "已提交区县总工会审核。")
    return redirect("wages:relief", dues_relief_id=made[0].pk)


def relief_detail(request: HttpRequest, dues_relief_id: int) -> HttpResponse:
    actor = request_actor(request)
    relief = selectors.access_relief(actor=actor, relief_id=dues_relief_id)
    form = SettleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relief_settle(actor=actor, relief=relief, settled_on=form.cleaned_data["settled_on"])
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, "已登记补缴。")
            return redirect("wages:relief", dues_relief_id=relief.pk)
    may_settle = (
        relief.kind == ReliefKind.DEFER
        and relief.state == State.APPROVED
        and relief.settled_on is None
        and may_edit(actor, relief.union)
    )
    return render(
        request,
        "wages/relief_detail.html",
        {
            "item": relief,
            "settle_form": form if may_settle else None,
            **panel_context(request, RELIEF, relief),
        },
    )
