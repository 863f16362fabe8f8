"""Pages of 服务阵地: the registry (by kind and state) and a site with its facilities.
Sites come in by the ``sites`` sheet. Thin: parse, call, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.middleware import request_actor
from gonghui.sites import selectors
from gonghui.sites.models import SiteKind
from gonghui.sites.permissions import may_edit


@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    kind = request.GET.get("kind", "")
    kind = kind if kind in SiteKind.values else ""
    rows, next_before = selectors.site_page(
        actor=actor, kind=kind, before=int(before) if before.isdigit() else None
    )
    return render(
        request,
        "sites/list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "kind": kind,
            "kinds": SiteKind.choices,
            "may_edit": may_edit(actor, actor.union),
        },
    )


@require_GET
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    site = selectors.access_site(actor=request_actor(request), site_id=site_id)
    return render(
        request,
        "sites/detail.html",
        {"site": site, "facilities": [f.name for f in site.facilities.all()]},
    )
