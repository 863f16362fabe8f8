"""目标 (targets): the grid of a union's and its child unions' targets for a year, edited in
place by the union's admin and staff, and downloaded in the layout the import reads.

``?union=CODE`` (a union in the user's subtree, else 404; default the user's own) and
``?year=YYYY`` (default this year)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.indicators.periods import report_today
from gonghui.core.middleware import request_actor
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_choices, union_of_page
from gonghui.reports.sheets import (
    EDITORS,
    TARGET_LEVELS,
    TargetGrid,
    target_year,
    targets_export,
    targets_grid,
    targets_save,
    year_choices,
)

FIELD_PREFIX = "t:"


def _union(request: HttpRequest, code: str) -> Union:
    return union_of_page(actor=request_actor(request), code=code)


def _year(raw: str) -> int:
    try:
        return target_year(raw) if raw else report_today().year
    except ValidationError:
        return report_today().year


def _page(request: HttpRequest, grid: TargetGrid, status: int = 200) -> HttpResponse:
    actor = request_actor(request)
    years = year_choices(actor)
    if str(grid.year) not in {y for y, _ in years}:
        years.append((str(grid.year), f"{grid.year}年"))
    years.sort(reverse=True)  # on the page, in calendar order
    return render(
        request,
        "reports/targets.html",
        {
            "grid": grid,
            "union": grid.union,
            "year": grid.year,
            "years": years,
            "unions": union_choices(actor=actor),
            "can_edit": actor.role in EDITORS and bool(grid.unions),
            "field_prefix": FIELD_PREFIX,
            "takes_targets": grid.union.level in TARGET_LEVELS,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def targets_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    data = request.POST if request.method == "POST" else request.GET
    union = _union(request, data.get("union", "") or request.GET.get("union", ""))
    year = _year(data.get("year", "") or request.GET.get("year", ""))
    if request.method == "GET":
        return _page(request, targets_grid(union=union, year=year))
    # Fields are named t:<indicator key>:<union code>; anything else is ignored.
    entries: dict[tuple[str, str], str] = {}
    for name in request.POST:
        if name.startswith(FIELD_PREFIX):
            key, _, code = name.removeprefix(FIELD_PREFIX).partition(":")
            entries[(key, code)] = request.POST.get(name, "")
    outcome = targets_save(actor=actor, union=union, year=year, entries=entries)
    if outcome.grid is not None:
        messages.error(
            request,
            f"有 {outcome.errors} 个目标填写有误，未保存任何修改，请更正后重新保存。",
            extra_tags="danger",
        )
        return _page(request, outcome.grid, status=400)
    if outcome.saved or outcome.cleared:
        messages.success(
            request,
            f"已保存 {outcome.saved} 个目标"
            + (f"，清除 {outcome.cleared} 个" if outcome.cleared else "")
            + "。",
        )
    else:
        messages.info(request, "没有修改。")
    query = urlencode({"union": union.code, "year": year})
    return redirect(f"{reverse('reports:targets')}?{query}")


@require_GET
def targets_download(request: HttpRequest) -> FileResponse:
    actor = request_actor(request)
    union = _union(request, request.GET.get("union", ""))
    year = _year(request.GET.get("year", ""))
    tmp = Path(tempfile.mkdtemp()) / f"{union.name}{year}年度目标.xlsx"
    targets_export(actor=actor, union=union, path=tmp, year=year)
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)


urlpatterns: list[URLPattern] = [
    path("targets/", targets_page, name="targets"),
    path("targets/export/", targets_download, name="targets_export"),
]
