"""Programmes with targets over several years (湖工有爱 共富班车): the list, and a
programme's progress for a union and each union below, with the pace to the target year.

``?union=CODE`` (a union in the user's subtree, else 404; default the user's own) and, on a
programme, ``?target=N`` for one participation target by occupation."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from gonghui.core import formatting
from gonghui.core.dates import report_today
from gonghui.core.formatting import light_css, light_label
from gonghui.core.middleware import request_actor
from gonghui.core.replica import reads_from_replica
from gonghui.core.scoping import access
from gonghui.orgs.selectors import union_choices, union_of_page
from gonghui.reports.models import Programme, ProgrammeTarget
from gonghui.reports.programmes import Progress, programme_progress, target_by_occupation


@require_GET
@reads_from_replica
def programme_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    programmes = Programme.objects.visible_to(actor).select_related("union")
    return render(request, "reports/programmes.html", {"programmes": programmes})


@require_GET
@reads_from_replica
def programme_detail(request: HttpRequest, programme_code: str) -> HttpResponse:
    actor = request_actor(request)
    programme = access(Programme.objects.select_related("union"), actor=actor, code=programme_code)
    union = union_of_page(actor=actor, code=request.GET.get("union"))
    today = report_today()
    progress = programme_progress(actor=actor, programme=programme, union=union, today=today)
    chosen = None
    occupations = []
    if request.GET.get("target"):
        chosen = ProgrammeTarget.objects.filter(
            programme=programme,
            pk=request.GET["target"] if request.GET["target"].isdigit() else 0,
            measure=ProgrammeTarget.Measure.PARTICIPATION,
        ).first()
        if chosen is None:
            raise Http404("没有这个参与率目标。")
        occupations = target_by_occupation(
            actor=actor, programme=programme, target=chosen, union=union, today=today
        )
    return render(
        request,
        "reports/programme.html",
        {
            "progress": progress,
            "union": union,
            "unions": union_choices(actor=actor),
            "children": [c for c, _ in progress.targets[0].children] if progress.targets else [],
            "rows": [
                {
                    "target": t.target,
                    "goal": _number(t.target.value, t.unit),
                    "total": _cell(t.total, t.unit),
                    "children": [_cell(p, t.unit) for _, p in t.children],
                }
                for t in progress.targets
            ],
            "chosen": chosen,
            "occupations": [(label, _cell(p, "%"), people) for label, p, people in occupations],
        },
    )


def _number(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    return formatting.cell(value, unit)


def _cell(progress: Progress, unit: str) -> dict[str, str]:
    return {
        "value": _number(progress.value, unit),
        "completion": "" if progress.completion is None else f"{progress.completion:.1f}%",
        "light": light_label(progress.light, ""),
        "light_class": light_css(progress.light),
    }


urlpatterns: list[URLPattern] = [
    path("programmes/", programme_list, name="programmes"),
    path("programmes/<str:programme_code>/", programme_detail, name="programme"),
]
