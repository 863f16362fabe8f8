from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.core.jobs import job_start
from gonghui.core.middleware import request_actor
from gonghui.core.models import Role
from gonghui.core.scoping import require_role
from gonghui.orgs import selectors
from gonghui.orgs.tasks import union_counts_rebuild_task


def union_tree(request: HttpRequest) -> HttpResponse:
    union = request_actor(request).union
    if union is None:
        return render(request, "orgs/no_scope.html", status=403)
    return redirect("orgs:union_detail", union_code=union.code)


def union_detail(request: HttpRequest, union_code: str) -> HttpResponse:
    union = selectors.access_union(actor=request.user, code=union_code)
    q = request.GET.get("q", "").strip()
    context = {
        "union": union,
        "children": selectors.union_children(actor=request.user, union=union),
        "breadcrumbs": selectors.union_breadcrumbs(actor=request.user, union=union),
        "q": q,
        "results": selectors.union_search(actor=request.user, text=q) if q else None,
    }
    return render(request, "orgs/union_detail.html", context)


@require_POST
def union_counts_rebuild_start(request: HttpRequest, union_code: str) -> HttpResponse:
    union = selectors.access_union(actor=request.user, code=union_code)
    require_role(request_actor(request), Role.ADMIN)
    job = job_start(
        actor=request.user,
        kind="union_counts_rebuild",
        label="重建工会组织树统计数",
        union=union,
        task=union_counts_rebuild_task,
    )
    return redirect("job_detail", job_id=job.pk)
