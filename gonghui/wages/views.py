"""Pages of 能级工资与民主管理: the contract ledger and a contract with its wage table and the
computed rise; the ledger of 职代会 and 厂务公开 with the forms that record them from an
enterprise's page. Contracts come in by the `wage-contracts` sheet. Thin: parse, call,
render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.orgs.selectors import access_enterprise, enterprises_of
from gonghui.wages import selectors
from gonghui.wages.forms import CongressForm, DisclosureForm
from gonghui.wages.permissions import may_edit, require_edit
from gonghui.wages.services.democracy import congress_record, disclosure_record


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
