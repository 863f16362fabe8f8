"""驾驶舱 pages: the dashboard (the staff home page) and the JSON the charts reload from
when the user picks another indicator. Thin: scope from ``access_union``, data from
``gonghui.reports.dashboard``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from gonghui.core.indicators.periods import last_complete_month
from gonghui.core.indicators.registry import indicator_get
from gonghui.core.middleware import request_actor
from gonghui.core.replica import reads_from_replica
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_breadcrumbs, union_of_page
from gonghui.reports.dashboard import (
    DEFAULT_INDICATOR,
    chart_indicators,
    dashboard_build,
    dashboard_charts,
    month_choices,
    month_parse,
)


def _union(request: HttpRequest) -> Union | None:
    """The union asked for (``?union=``, 404 outside the actor's subtree), else the actor's
    own; None for a user without a union."""
    actor = request_actor(request)
    code = request.GET.get("union", "").strip()
    if not code and actor.union is None:
        return None
    return union_of_page(actor=actor, code=code)


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    return month_parse(request.GET.get("month", ""), today) or last_complete_month()


@require_GET
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    union = _union(request)
    if union is None:
        return render(request, "orgs/no_scope.html", status=403)
    year, month = _month(request)
    board = dashboard_build(
        union=union,
        year=year,
        month=month,
        indicator_key=request.GET.get("indicator", DEFAULT_INDICATOR),
    )
    context = {
        "board": board,
        "breadcrumbs": union_breadcrumbs(actor=request_actor(request), union=union),
        "months": month_choices(timezone.localdate(), (year, month)),
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
@reads_from_replica
def dashboard_data(request: HttpRequest) -> JsonResponse:
    """The charts of one indicator, for the dashboard's indicator picker."""
    union = _union(request)
    if union is None:
        return JsonResponse({"error": "您的账号尚未分配所属工会。"}, status=403)
    year, month = _month(request)
    keys = {i.key for i in chart_indicators()}
    key = request.GET.get("indicator", DEFAULT_INDICATOR)
    if key not in keys:
        return JsonResponse({"error": "没有这个指标。"}, status=400)
    charts = dashboard_charts(union=union, year=year, month=month, indicator=indicator_get(key))
    return JsonResponse(charts, json_dumps_params={"ensure_ascii": False})


urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/data/", dashboard_data, name="dashboard_data"),
]
