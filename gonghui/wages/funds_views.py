"""Pages of 经费支出管理: a union's budget by year with what each line spent, the expenditure
ledger and the over-standard list the county explains, the spending standards, the
allocations to the unions below, and the assets with their rent roll. Thin: parse, call,
render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gonghui.core.dates import report_today
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.core.problems import problems_show
from gonghui.orgs.selectors import union_of_page, unions_visible
from gonghui.wages import selectors
from gonghui.wages.forms import (
    AllocationForm,
    AssetForm,
    BudgetLineForm,
    CloseForm,
    ExpenditureForm,
    ExplainForm,
    LeaseForm,
    RentForm,
    StandardForm,
)
from gonghui.wages.models import BudgetLine
from gonghui.wages.permissions import may_keep_funds, require_funds
from gonghui.wages.services.assets import asset_create, lease_create, rent_receive, rent_roll
from gonghui.wages.services.funds import (
    Spending,
    allocation_record,
    budget_line_set,
    budget_year_close,
    expenditure_explain,
    expenditure_record,
    may_explain,
    standard_set,
)


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "") or request.POST.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else report_today().year


def budget(request: HttpRequest) -> HttpResponse:
    """A union's budget for a year (its own by default; ``?union=`` for one below)."""
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    year = _year(request)
    may_keep = may_keep_funds(actor, union)
    line_form = BudgetLineForm(request.POST if "add_line" in request.POST else None)
    close_form = CloseForm(request.POST if "close" in request.POST else None)
    if request.method == "POST":
        require_funds(actor, union)
        form: Any = line_form if "add_line" in request.POST else close_form
        if form.is_valid():
            try:
                if form is line_form:
                    budget_line_set(actor=actor, union=union, year=year, **form.cleaned_data)
                    messages.success(request, "已保存预算项目。")
                else:
                    found = selectors.budget_of(actor=actor, union=union, year=year)["budget"]
                    if found is None:
                        raise ValidationError({"closed_on": ["该年度尚无预算"]})
                    budget_year_close(
                        actor=actor, budget=found, closed_on=form.cleaned_data["closed_on"]
                    )
                    messages.success(request, f"{year}年预算已关账。")
            except ValidationError as exc:
                problems_show(form, exc)
            else:
                return redirect(f"{request.path}?union={union.code}&year={year}")
    return render(
        request,
        "wages/budget.html",
        {
            "union": union,
            "year": year,
            "line_form": line_form,
            "close_form": close_form,
            "may_keep": may_keep,
            **selectors.budget_of(actor=actor, union=union, year=year),
        },
    )


@require_GET
def expenditure_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    over = request.GET.get("over") == "1"
    rows, next_before = selectors.expenditure_page(
        actor=actor, over=over, before=before_param(request)
    )
    return render(
        request,
        "wages/expenditure_list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "over": over,
            "may_keep": may_keep_funds(actor, actor.union),
        },
    )


def expenditure_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_funds(actor, union)
    lines = (
        BudgetLine.objects.filter(budget__union=union, budget__closed_on__isnull=True)
        .select_related("budget")
        .order_by("-budget__year", "category", "name")
    )
    form = ExpenditureForm(
        request.POST or None, lines=lines, activities=selectors.activities_to_link(union=union)
    )
    made: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        line = data.pop("line")
        made.append(
            expenditure_record(actor=actor, union=union, line=line, spending=Spending(**data))
        )

    page = form_page(request, form, save, title="登记经费支出", back="wages:expenditures")
    if page is not None:
        return page
    if made[0].over_standard:
        messages.warning(request, f"已登记，但超过支出标准：{made[0].over_standard}")
    else:
        messages.success(request, "已登记经费支出。")
    return redirect("wages:expenditure", expenditure_id=made[0].pk)


def expenditure_detail(request: HttpRequest, expenditure_id: int) -> HttpResponse:
    actor = request_actor(request)
    expenditure = selectors.access_expenditure(actor=actor, expenditure_id=expenditure_id)
    form = ExplainForm(request.POST or None, initial={"explanation": expenditure.explanation})
    if request.method == "POST" and form.is_valid():
        try:
            expenditure_explain(
                actor=actor, expenditure=expenditure, text=form.cleaned_data["explanation"]
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, "已保存说明。")
            return redirect("wages:expenditure", expenditure_id=expenditure.pk)
    return render(
        request,
        "wages/expenditure_detail.html",
        {
            "e": expenditure,
            "explain_form": form if may_explain(actor, expenditure) else None,
        },
    )


@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "wages/standard_list.html",
        {
            "rows": selectors.standards_applying(union=union_of_page(actor=actor, code=None)),
            "may_keep": may_keep_funds(actor, actor.union),
        },
    )


def standard_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_funds(actor, union)
    page = form_page(
        request,
        StandardForm(request.POST or None),
        lambda data: standard_set(actor=actor, union=union, **data),
        title="制定支出标准",
        back="wages:standards",
    )
    if page is not None:
        return page
    messages.success(request, "已保存支出标准。")
    return redirect("wages:standards")


@require_GET
def allocation_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.allocation_page(actor=actor, before=before_param(request))
    return render(
        request,
        "wages/allocation_list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "may_keep": may_keep_funds(actor, actor.union),
        },
    )


def allocation_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_funds(actor, union)
    below = (
        unions_visible(actor=actor)
        .filter(depth__lte=union.depth + 1)
        .exclude(pk=union.pk)
        .order_by("path")
    )
    page = form_page(
        request,
        AllocationForm(request.POST or None, unions=below),
        lambda data: allocation_record(actor=actor, **data),
        title="拨付经费",
        back="wages:allocations",
    )
    if page is not None:
        return page
    messages.success(request, "已登记经费拨付。")
    return redirect("wages:allocations")


@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    """The rent roll: every asset in scope, its leases with rent due, paid and in arrears on
    the report day, and those ending within 90 days."""
    actor = request_actor(request)
    on = report_today()
    arrears = request.GET.get("arrears") == "1"
    ending = request.GET.get("ending") == "1"
    return render(
        request,
        "wages/asset_list.html",
        {
            "on": on,
            "arrears": arrears,
            "ending": ending,
            "may_keep": may_keep_funds(actor, actor.union),
            **selectors.rent_roll_of(actor=actor, on=on, arrears=arrears, ending=ending),
        },
    )


def asset_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_funds(actor, union)
    page = form_page(
        request,
        AssetForm(request.POST or None),
        lambda data: asset_create(actor=actor, union=union, **data),
        title="登记工会资产",
        back="wages:assets",
    )
    if page is not None:
        return page
    messages.success(request, "已登记资产。")
    return redirect("wages:assets")


def lease_new(request: HttpRequest, asset_id: int) -> HttpResponse:
    actor = request_actor(request)
    asset = selectors.access_asset(actor=actor, asset_id=asset_id)
    require_funds(actor, asset.union)
    page = form_page(
        request,
        LeaseForm(request.POST or None),
        lambda data: lease_create(actor=actor, asset=asset, **data),
        title=f"登记出租：{asset.name}",
        back="wages:assets",
    )
    if page is not None:
        return page
    messages.success(request, "已登记租赁合同。")
    return redirect("wages:assets")


def lease_detail(request: HttpRequest, lease_id: int) -> HttpResponse:
    actor = request_actor(request)
    lease = selectors.access_lease(actor=actor, lease_id=lease_id)
    form = RentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rent_receive(actor=actor, lease=lease, **form.cleaned_data)
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, "已登记租金收款。")
            return redirect("wages:lease", lease_id=lease.pk)
    [line] = rent_roll([lease], on=report_today())
    return render(
        request,
        "wages/lease_detail.html",
        {
            "lease": lease,
            "line": line,
            "on": report_today(),
            "payments": list(lease.payments.all()),
            "form": form if may_keep_funds(actor, lease.asset.union) else None,
        },
    )
