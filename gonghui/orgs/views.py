from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.dates import report_today
from gonghui.core.jobs import job_start
from gonghui.core.middleware import request_actor
from gonghui.orgs import selectors
from gonghui.orgs.extensions import enterprise_panels
from gonghui.orgs.formation import formation_close, formation_worklist_export
from gonghui.orgs.forms import FormationCloseForm
from gonghui.orgs.models import FormationTask
from gonghui.orgs.permissions import require_formation_closer, require_tree_admin


def union_tree(request: HttpRequest) -> HttpResponse:
    union = request_actor(request).union
    if union is None:
        return render(request, "orgs/no_scope.html", status=403)
    return redirect("orgs:union_detail", union_code=union.code)


def union_detail(request: HttpRequest, union_code: str) -> HttpResponse:
    union = selectors.access_union(actor=request_actor(request), code=union_code)
    q = request.GET.get("q", "").strip()
    context = {
        "union": union,
        "children": selectors.union_children(actor=request_actor(request), union=union),
        "breadcrumbs": selectors.union_breadcrumbs(actor=request_actor(request), union=union),
        "q": q,
        "results": selectors.union_search(actor=request_actor(request), text=q) if q else None,
    }
    return render(request, "orgs/union_detail.html", context)


def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """An enterprise of the register, with what other modules record about it."""
    actor = request_actor(request)
    enterprise = selectors.access_enterprise(actor=actor, uscc=uscc)
    panels = [{"template": p.template, **p.context(actor, enterprise)} for p in enterprise_panels()]
    return render(request, "orgs/enterprise_detail.html", {"e": enterprise, "panels": panels})


def union_pick(request: HttpRequest) -> HttpResponse:
    """Options for the union picker: unions in scope whose name or code matches what was typed."""
    text = (request.GET.get("union") or request.GET.get("q") or "").strip()[:50]
    unions = (
        selectors.union_search(actor=request_actor(request), text=text, limit=20) if text else []
    )
    return render(request, "orgs/_union_options.html", {"unions": unions})


def union_destination_pick(request: HttpRequest) -> HttpResponse:
    """Options for choosing a transfer's receiving union (city-wide; see the selector)."""
    text = (request.GET.get("to_union") or request.GET.get("union") or "").strip()[:50]
    return render(
        request, "orgs/_union_options.html", {"unions": selectors.union_destinations(text=text)}
    )


@require_POST
def union_counts_rebuild_start(request: HttpRequest, union_code: str) -> HttpResponse:
    union = selectors.access_union(actor=request_actor(request), code=union_code)
    require_tree_admin(request_actor(request))
    job = job_start(
        actor=request_actor(request),
        kind="union_counts_rebuild",
        label="重建工会组织树统计数",
        union=union,
    )
    return redirect("job_detail", job_id=job.pk)


WORKLIST_PAGE = 50


def formation_worklist(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.union is None:
        return render(request, "orgs/no_scope.html", status=403)
    union = selectors.union_of_page(actor=actor, code=request.GET.get("union"))
    year = report_today().year
    if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        year = int(request.GET["year"])
    total, per_child = selectors.formation_progress(actor=actor, union=union, year=year)
    q = request.GET.get("q", "")
    above_scale = request.GET.get("above_scale") == "1"
    status = request.GET.get("status", FormationTask.Status.OPEN)
    if status not in FormationTask.Status.values:
        status = FormationTask.Status.OPEN
    tasks = selectors.formation_tasks(
        actor=actor, union=union, status=status, text=q, above_scale=above_scale
    )
    page = Paginator(tasks, WORKLIST_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/formation_worklist.html",
        {
            "union": union,
            "year": year,
            "total": total,
            "per_child": per_child,
            "tasks": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "q": q,
            "above_scale": above_scale,
            "status": status,
            "breadcrumbs": selectors.union_breadcrumbs(actor=actor, union=union),
        },
    )


def formation_close_view(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = request_actor(request)
    task = selectors.access_formation_task(actor=actor, task_id=task_id)
    if task.status == FormationTask.Status.CLOSED:
        # Already closed: say when and how, rather than offer the form again.
        return render(request, "orgs/formation_closed.html", {"task": task})
    joint = selectors.joint_unions_of(township=task.township_union)
    form = FormationCloseForm(request.POST or None, joint_unions=joint)
    if request.method == "POST":
        require_formation_closer(actor)
        if form.is_valid():
            try:
                formation_close(
                    actor=actor,
                    task=task,
                    mode=form.cleaned_data["mode"],
                    formed_on=form.cleaned_data["formed_on"],
                    joint_union=form.cleaned_data["joint_union"],
                    union_name=form.cleaned_data["union_name"],
                    chair=form.cleaned_data["chair"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{task.enterprise.name} 已建会销号。")
                return redirect(
                    f"{reverse('orgs:formation_worklist')}?union={task.township_union.code}"
                )
    return render(
        request,
        "orgs/formation_close.html",
        {"task": task, "form": form},
        status=400 if form.errors else 200,
    )


def formation_export(request: HttpRequest) -> FileResponse:
    actor = request_actor(request)
    union = selectors.union_of_page(actor=actor, code=request.GET.get("union"))
    tmp = Path(tempfile.mkdtemp()) / f"{union.name}-应建未建台账.xlsx"
    formation_worklist_export(actor=actor, union=union, path=tmp)
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)
