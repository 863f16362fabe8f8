"""Pages of 能级工资集体协商: the contract ledger and a contract with its wage table and the
computed rise. Contracts come in by the `wage-contracts` sheet. Thin: parse, call, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.middleware import request_actor
from gonghui.wages import selectors
from gonghui.wages.permissions import may_edit


@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    rows, next_before = selectors.contract_page(
        actor=actor, before=int(before) if before.isdigit() else None
    )
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
