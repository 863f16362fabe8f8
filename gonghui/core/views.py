"""Kernel pages: login, home, area placeholders, audit log, jobs, staff accounts. Thin."""

from __future__ import annotations

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gonghui.core import selectors
from gonghui.core.audit import audit_action_choices, audit_action_label
from gonghui.core.forms import AuditFilterForm, LoginForm
from gonghui.core.jobs import job_result_open, job_retry
from gonghui.core.middleware import client_ip, passive, request_actor
from gonghui.core.navigation import area_by_slug
from gonghui.core.security import LoginError, staff_login

PAGE_SIZE = 50


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    # Staff land on the leaders' dashboard (驾驶舱); a user without a union has no figures
    # to see and keeps the union tree's explanation.
    if request_actor(request).union is None:
        return redirect("orgs:union_tree")
    return redirect("reports:dashboard")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            staff_login(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except LoginError as exc:
            error = str(exc)
        else:
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target or "/")
    status = 400 if error else 200
    return render(request, "core/login.html", {"form": form, "error": error}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def area(request: HttpRequest, area_slug: str) -> HttpResponse:
    area = area_by_slug(area_slug)
    if area is None:
        raise Http404("没有这个栏目。")
    return render(request, "core/area.html", {"area": area})


def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(
        request.GET or None,
        actions=audit_action_choices(),
        actors=selectors.audit_actors(actor=request_actor(request)),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(
        actor=request_actor(request), **{k: v for k, v in filters.items() if v}
    )
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    page = list(events[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "events": [(e, audit_action_label(e.action)) for e in page],
            "has_more": has_more,
            "next_before": page[-1].id if page else None,
            "query": query.urlencode(),
        },
    )


def jobs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/jobs.html",
        {"jobs": selectors.jobs_visible(actor=request_actor(request))[:PAGE_SIZE]},
    )


def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(actor=request_actor(request), job_id=job_id)
    return render(request, "core/job_detail.html", {"job": job})


@passive
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(actor=request_actor(request), job_id=job_id)
    return render(request, "core/_job_progress.html", {"job": job})


@require_POST
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = request_actor(request)
    job = selectors.access_job(actor=actor, job_id=job_id)
    try:
        again = job_retry(actor=actor, job=job)
    except ValidationError as exc:
        return render(
            request,
            "core/job_detail.html",
            {"job": job, "retry_error": "；".join(exc.messages)},
            status=400,
        )
    return redirect("job_detail", job_id=again.pk)


def job_result(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.access_job(actor=request_actor(request), job_id=job_id)
    if not job.result_file:
        raise Http404("该任务没有结果文件。")
    return FileResponse(
        job_result_open(actor=request_actor(request), job=job),
        as_attachment=True,
        filename=str(job.result_file.name).rsplit("/", 1)[-1],
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
