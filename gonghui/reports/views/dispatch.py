"""每月一调度 on screen: the table of a union for a month, its .xlsx download, and the
drill-down from a number to each child union's value and, at a union without child
unions, to the records behind it (masked, as everywhere).

Every page takes ``?union=CODE`` (a union in the user's subtree, else 404; default the
user's own) and ``?month=YYYY-MM`` (default the last complete month)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.audit import audit_record
from gonghui.core.formatting import change_signed, light_css, percent_one, points_signed
from gonghui.core.indicators.periods import Period, last_complete_month, parse_month
from gonghui.core.indicators.registry import Indicator, Tree, indicator_get, indicator_values
from gonghui.core.middleware import request_actor
from gonghui.core.replica import reads_from_replica
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_breadcrumbs, union_choices, union_of_page
from gonghui.reports.dispatch import DispatchRow, DispatchTable, dispatch_table
from gonghui.reports.dispatch_export import (
    DASH,
    dispatch_export,
    dispatch_filename,
    dispatch_title,
    format_as_of,
    format_rank_change,
    format_value,
    light_note,
    ranking_basis,
)
from gonghui.reports.submissions import (
    Adjustment,
    adjustments,
    changes_since,
    dispatch_submit,
    may_submit,
    submission_of,
    table_from_snapshot,
)

RECORDS_PER_PAGE = 100
# A union with more children than this lists only those with a value in the drill-down
# (a township may have hundreds of grassroots unions, most with nothing this month).
ALL_CHILDREN_UP_TO = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Params:
    union: Union
    year: int
    month: int
    error: str  # a month that could not be read, shown above the default month's table

    @property
    def month_value(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def query(self, union: str = "", **extra: str) -> str:
        """The query string of this union (or another) and month, with ``extra``."""
        code = union or self.union.code
        return urlencode({"union": code, "month": self.month_value, **extra})


def _params(request: HttpRequest) -> Params:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    year, month = last_complete_month()
    error = ""
    if request.GET.get("month"):
        try:
            year, month = parse_month(request.GET["month"])
        except ValueError as exc:
            error = f"{exc}已显示{year}年{month}月。"
    return Params(union, year, month, error)


def _pickers(request: HttpRequest, params: Params) -> dict[str, Any]:
    """The union picker (the user's own union and the city, county and township unions
    below it, indented by level) and the latest month that can be picked."""
    today = timezone.localdate()
    unions = union_choices(actor=request_actor(request))
    if params.union.pk not in {u.pk for u in unions}:
        unions.append(params.union)  # a grassroots union reached by drilling down
    top = min((u.depth for u in unions), default=1)
    return {
        "union_options": [
            {
                "code": u.code,
                "label": "\u3000" * (u.depth - top) + u.name,
                "selected": u.pk == params.union.pk,
            }
            for u in unions
        ],
        "month_max": f"{today.year}-{today.month:02d}",
    }


def _cell(indicator: Indicator, value: Decimal | None) -> dict[str, Any]:
    """A number for a template: the text people read and the raw value (data-value)."""
    return {"text": format_value(indicator, value), "raw": "" if value is None else str(value)}


def _signed(indicator: Indicator, delta: Decimal | None) -> str:
    """An adjustment as people read it: +129, −3.50."""
    if delta is None:
        return ""
    text = format_value(indicator, abs(delta))
    return f"+{text}" if delta > 0 else f"−{text}"


def _row_view(
    row: DispatchRow, params: Params, rowspan: int, change: Adjustment | None = None
) -> dict[str, Any]:
    indicator = row.indicator
    change = change or Adjustment()
    link = reverse("reports:dispatch_indicator", args=[indicator.key])
    return {
        "number": row.number,
        "key": indicator.key,
        "section": indicator.section,
        "section_rowspan": rowspan,  # 0: the section cell is merged into the row above
        "label": indicator.label,
        "unit": indicator.unit,
        "target": _cell(indicator, row.target),
        "month": _cell(indicator, row.month),
        "ytd": _cell(indicator, row.ytd),
        "adjust_month": _signed(indicator, change.month),
        "adjust_ytd": _signed(indicator, change.ytd),
        "last_year_ytd": _cell(indicator, row.last_year_ytd),
        "completion": percent_one(row.completion),
        "expected": percent_one(row.expected),
        "gap": points_signed(row.gap),
        "gap_negative": row.gap is not None and row.gap < 0,
        "yoy": change_signed(row.yoy, indicator.unit),
        "light": row.light,
        "light_class": light_css(row.light),
        "light_label": row.light_label,
        "month_url": f"{link}?{params.query(period='month')}",
        "ytd_url": f"{link}?{params.query(period='ytd')}",
        "basis": ranking_basis(row),
        "children": [
            {
                "code": c.code,
                "name": c.name,
                "month": _cell(indicator, c.month),
                "ytd": _cell(indicator, c.ytd),
                "adjust_ytd": _signed(indicator, change.children.get(c.code, {}).get("ytd")),
                "completion": percent_one(c.completion) if c.completion is not None else "",
                "rank": c.rank,
                "rank_change": c.rank_change,
                "rank_change_text": format_rank_change(c.rank_change),
                "rank_change_class": (
                    "text-success"
                    if (c.rank_change or 0) > 0
                    else "text-danger"
                    if (c.rank_change or 0) < 0
                    else "text-body-secondary"
                ),
                "url": f"{link}?{params.query(c.code, period='ytd')}",
            }
            for c in row.children
        ],
    }


def _rows_view(
    table: DispatchTable, params: Params, changes: dict[str, Adjustment] | None = None
) -> list[dict[str, Any]]:
    changes = changes or {}
    views = []
    for i, row in enumerate(table.rows):
        section = row.indicator.section
        first = i == 0 or table.rows[i - 1].indicator.section != section
        span = 0
        if first:
            span = 1
            while i + span < len(table.rows) and table.rows[i + span].indicator.section == section:
                span += 1
        views.append(_row_view(row, params, span, changes.get(row.indicator.key)))
    return views


@require_GET
@reads_from_replica
def dispatch_page(request: HttpRequest) -> HttpResponse:
    """The table of a month: live, or, once the union has submitted it, as submitted, with
    what changed since beside it."""
    params = _params(request)
    actor = request_actor(request)
    submission = submission_of(union=params.union, year=params.year, month=params.month)
    changes: dict[str, Adjustment] = {}
    later: list[Any] = []
    if submission is not None:
        table = table_from_snapshot(submission)
        live = dispatch_table(union=params.union, year=params.year, month=params.month)
        changes = adjustments(table, live)
        if changes:
            later = list(changes_since(union=params.union, since=submission.submitted_at))
    else:
        table = dispatch_table(union=params.union, year=params.year, month=params.month)
    submittable = (params.year, params.month) <= last_complete_month(timezone.localdate())
    return render(
        request,
        "reports/dispatch.html",
        {
            "params": params,
            "table": table,
            "title": dispatch_title(table),
            "as_of": format_as_of(table.as_of),
            "rows": _rows_view(table, params, changes),
            "export_url": f"{reverse('reports:dispatch_export')}?{params.query()}",
            "submit_url": f"{reverse('reports:dispatch_submit')}?{params.query()}",
            "submission": submission,
            "adjusted": bool(changes),
            "later": later,
            "may_submit": submission is None and submittable and may_submit(actor, params.union),
            "note": light_note(),
            **_pickers(request, params),
        },
    )


@require_POST
def dispatch_submit_view(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    try:
        dispatch_submit(
            actor=request_actor(request), union=params.union, year=params.year, month=params.month
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已上报{params.union.name}{params.year}年{params.month}月的调度表。"
        )
    return redirect(f"{reverse('reports:dispatch')}?{params.query()}")


@require_GET
@reads_from_replica
def dispatch_download(request: HttpRequest) -> FileResponse:
    params = _params(request)
    actor = request_actor(request)
    submission = submission_of(union=params.union, year=params.year, month=params.month)
    buffer = io.BytesIO()
    if submission is not None:
        # The workbook of a submitted month is the one submitted.
        table = table_from_snapshot(submission)
        buffer.write(bytes(submission.workbook))
        audit_record(
            actor=actor,
            action="report.dispatch.export",
            union=params.union,
            summary=f"导出已上报的{dispatch_title(table)}",
        )
    else:
        table = dispatch_export(
            actor=actor,
            union=params.union,
            year=params.year,
            month=params.month,
            target=buffer,
        )
    buffer.seek(0)
    response = FileResponse(
        buffer, as_attachment=True, filename=dispatch_filename(table), content_type=XLSX
    )
    response["Cache-Control"] = "no-store"
    return response


def _period(params: Params, which: str) -> Period:
    if which == "month":
        return Period.month(params.year, params.month)
    return Period.year_to_date(params.year, params.month)


def _record_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


@require_GET
@reads_from_replica
def dispatch_indicator(request: HttpRequest, indicator_key: str) -> HttpResponse:
    """One indicator of one union for the month or year to date: each child's value, with
    a link further down; at a union without child unions, the records behind the value."""
    try:
        indicator = indicator_get(indicator_key)
    except KeyError as exc:
        raise Http404("没有这个指标。") from exc
    params = _params(request)
    which = "month" if request.GET.get("period") == "month" else "ytd"
    period = _period(params, which)
    union = params.union
    tree = Tree.of(union)
    values = indicator_values(indicator, union, [period], tree)[0]
    link = reverse("reports:dispatch_indicator", args=[indicator.key])

    shown = tree.children
    if len(shown) > ALL_CHILDREN_UP_TO:
        shown = [c for c in shown if values.child(c.code)]
    children = [
        {
            "name": child.name,
            "code": child.code,
            "value": _cell(indicator, values.child(child.code)),
            "share": _share(indicator, values.child(child.code), values.total),
            "url": f"{link}?{params.query(child.code, period=which)}",
        }
        for child in shown
    ]
    hidden = len(tree.children) - len(shown)
    own = None
    if tree.children and indicator.kind != "ratio" and indicator.combine == "sum":
        # What the union owns itself (members directly under a township union, say).
        rest = (values.total or Decimal(0)) - sum(
            (values.child(c.code) or Decimal(0) for c in tree.children), Decimal(0)
        )
        if rest:
            own = _cell(indicator, rest)

    records_page = None
    record_rows: list[list[str]] = []
    if not tree.children and indicator.records is not None:
        records = indicator.records(union, period)
        records_page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
        record_rows = [
            [_record_text(column.value(obj)) for column in indicator.record_columns]
            for obj in records_page
        ]
    breakdown = indicator.breakdown(union.path, period) if indicator.breakdown else None

    crumbs = [
        {
            "name": u.name,
            "url": f"{link}?{params.query(u.code, period=which)}",
        }
        for u in union_breadcrumbs(actor=request_actor(request), union=union)
    ]
    return render(
        request,
        "reports/dispatch_indicator.html",
        {
            "params": params,
            "indicator": indicator,
            "union": union,
            "period": period,
            "which": which,
            "total": _cell(indicator, values.total),
            "children": children,
            "hidden_children": hidden,
            "own": own,
            "has_children": bool(tree.children),
            "records_page": records_page,
            "show_records": records_page is not None,
            "record_headers": [c.header for c in indicator.record_columns],
            "record_rows": record_rows,
            "breakdown": sorted(breakdown.items(), key=lambda kv: -kv[1]) if breakdown else [],
            "crumbs": crumbs,
            "month_url": f"{link}?{params.query(period='month')}",
            "ytd_url": f"{link}?{params.query(period='ytd')}",
            "page_query": params.query(period=which),
            "table_url": f"{reverse('reports:dispatch')}?{params.query()}",
            "as_of": format_as_of(timezone.now()),
            "ytd_label": "1月" if params.month == 1 else f"1—{params.month}月",
            "unit_suffix": "" if indicator.unit == "%" else indicator.unit,
        },
    )


def _share(indicator: Indicator, value: Decimal | None, total: Decimal | None) -> str:
    """A child's share of the union's value, for indicators that add up."""
    if indicator.kind == "ratio" or indicator.combine != "sum" or value is None or not total:
        return DASH
    return percent_one((value * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


urlpatterns: list[URLPattern] = [
    path("dispatch/", dispatch_page, name="dispatch"),
    path("dispatch/export/", dispatch_download, name="dispatch_export"),
    path("dispatch/submit/", dispatch_submit_view, name="dispatch_submit"),
    path("dispatch/<str:indicator_key>/", dispatch_indicator, name="dispatch_indicator"),
]
