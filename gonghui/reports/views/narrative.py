"""半年一汇报, 季度一展示 and 年度一总结: the printable pages and their .docx downloads.

Query parameters: ``union`` (a code in the user's subtree; their own union by default),
``year`` (this year by default) and, for the showcase, ``quarter`` (this quarter by
default). A union outside the scope is a 404, as everywhere."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from gonghui.core.indicators.periods import report_today
from gonghui.core.middleware import request_actor
from gonghui.core.replica import reads_from_replica
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_children, union_of_page
from gonghui.reports.docx_writer import narrative_download
from gonghui.reports.narrative import (
    Narrative,
    annual_summary,
    half_year_report,
    quarter_showcase,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
YEARS = range(2000, 2101)


def _union(request: HttpRequest) -> Union:
    return union_of_page(actor=request_actor(request), code=request.GET.get("union"))


def _number(request: HttpRequest, name: str, default: int, allowed: range) -> int:
    raw = request.GET.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise Http404(f"参数 {name} 无效") from None
    if value not in allowed:
        raise Http404(f"参数 {name} 无效")
    return value


def _year(request: HttpRequest) -> int:
    return _number(request, "year", report_today().year, YEARS)


def _quarter(request: HttpRequest) -> int:
    return _number(request, "quarter", (report_today().month + 2) // 3, range(1, 5))


def _page(request: HttpRequest, narrative: Narrative, docx_url: str, query: dict) -> HttpResponse:
    actor = request_actor(request)
    # The unions one may switch to: one's own and its children, and the one shown.
    own = actor.union
    choices: list[Union] = []
    if own is not None:
        choices = [own, *union_children(actor=actor, union=own)]
    if narrative.union not in choices:
        choices.append(narrative.union)
    this_year = timezone.localdate().year
    return render(
        request,
        "reports/narrative.html",
        {
            "narrative": narrative,
            "docx_url": f"{docx_url}?{urlencode(query)}",
            "union_choices": choices,
            "years": range(this_year, this_year - 6, -1),
            "quarters": [(q, f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)],
        },
    )


def _docx(request: HttpRequest, narrative: Narrative) -> HttpResponse:
    data = narrative_download(actor=request_actor(request), narrative=narrative)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(narrative.file_name)}"
    response["Cache-Control"] = "no-store"
    return response


def _wants_quarter(request: HttpRequest) -> bool:
    """``?kind=quarter&quarter=2`` on the half-year address asks for the showcase."""
    return request.GET.get("kind") == "quarter"


@require_GET
@reads_from_replica
def half_year_page(request: HttpRequest) -> HttpResponse:
    if _wants_quarter(request):
        return quarter_page(request)
    union, year = _union(request), _year(request)
    narrative = half_year_report(union=union, year=year)
    query = {"union": union.code, "year": year}
    return _page(request, narrative, reverse("reports:half_year_docx"), query)


@require_GET
@reads_from_replica
def half_year_docx(request: HttpRequest) -> HttpResponse:
    if _wants_quarter(request):
        return quarter_docx(request)
    union, year = _union(request), _year(request)
    return _docx(request, half_year_report(union=union, year=year))


@require_GET
@reads_from_replica
def quarter_page(request: HttpRequest) -> HttpResponse:
    union, year, quarter = _union(request), _year(request), _quarter(request)
    narrative = quarter_showcase(union=union, year=year, quarter=quarter)
    query = {"union": union.code, "year": year, "quarter": quarter}
    return _page(request, narrative, reverse("reports:quarter_docx"), query)


@require_GET
@reads_from_replica
def quarter_docx(request: HttpRequest) -> HttpResponse:
    union, year, quarter = _union(request), _year(request), _quarter(request)
    return _docx(request, quarter_showcase(union=union, year=year, quarter=quarter))


@require_GET
@reads_from_replica
def annual_page(request: HttpRequest) -> HttpResponse:
    union, year = _union(request), _year(request)
    narrative = annual_summary(union=union, year=year)
    query = {"union": union.code, "year": year}
    return _page(request, narrative, reverse("reports:annual_docx"), query)


@require_GET
@reads_from_replica
def annual_docx(request: HttpRequest) -> HttpResponse:
    union, year = _union(request), _year(request)
    return _docx(request, annual_summary(union=union, year=year))


urlpatterns: list[URLPattern] = [
    path("half-year/", half_year_page, name="half_year"),
    path("half-year/docx/", half_year_docx, name="half_year_docx"),
    path("quarter/", quarter_page, name="quarter"),
    path("quarter/docx/", quarter_docx, name="quarter_docx"),
    path("annual/", annual_page, name="annual"),
    path("annual/docx/", annual_docx, name="annual_docx"),
]
