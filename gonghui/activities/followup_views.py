"""Pages of 大调研, 督导 and follow-up items: visits (list, new, detail), the inbox 我的督办,
the board per union with lights, a task assigned downward, an item with its steps, an
evidence file. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gonghui.activities import selectors
from gonghui.activities.forms import (
    CompleteForm,
    FollowUpTaskForm,
    ResearchVisitForm,
    ReturnForm,
    SupervisionForm,
)
from gonghui.activities.models import FOUR_QUESTIONS
from gonghui.activities.permissions import may_edit, require_edit
from gonghui.activities.services.followups import (
    followup_assign,
    followup_complete,
    followup_return,
    followup_start,
    followup_verify,
    may_verify,
    may_work_on,
    research_visit_create,
    supervision_create,
)
from gonghui.core.attachments import private_file_response
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param
from gonghui.core.problems import problems_show
from gonghui.orgs.selectors import union_of_page


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    problems_show(form, exc, rename={"enterprise": "uscc"})


# --- 大调研 ---------------------------------------------------------------------------------


@require_GET
def research_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.research_page(actor=actor, before=before_param(request))
    return render(
        request,
        "activities/research_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def research_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    owners = selectors.followup_owners(actor=actor, union=union)
    form = ResearchVisitForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        findings = form.findings(assigned_by=union)
        if not form.errors:
            data = form.cleaned_data
            try:
                enterprise = selectors.enterprise_of_activity(
                    actor=actor, union=union, uscc=data["uscc"]
                )
                visit = research_visit_create(
                    actor=actor,
                    union=union,
                    visited_on=data["visited_on"],
                    leaders=data["leaders"],
                    enterprise=enterprise,
                    place=data["place"],
                    people_met=data["people_met"],
                    answers=form.answers(),
                    findings=findings,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"已录入大调研走访，交办问题 {len(findings)} 个。")
                return redirect("activities:research", research_id=visit.pk)
    return render(request, "activities/research_form.html", {"form": form})


@require_GET
def research_detail(request: HttpRequest, research_id: int) -> HttpResponse:
    actor = request_actor(request)
    visit = selectors.access_research(actor=actor, visit_id=research_id)
    answers = [(q, visit.answers.get(k, "")) for k, q in FOUR_QUESTIONS]
    return render(
        request,
        "activities/research_detail.html",
        {
            "visit": visit,
            "answers": answers,
            "findings": selectors.findings_of(actor=actor, research_visit=visit),
        },
    )


# --- 督导 -----------------------------------------------------------------------------------


@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.supervision_page(actor=actor, before=before_param(request))
    return render(
        request,
        "activities/supervision_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def supervision_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    owners = selectors.followup_owners(actor=actor, union=union, levels_down=2)
    targets = [u for u in owners if u.depth == union.depth + 1]
    form = SupervisionForm(request.POST or None, targets=targets, owners=owners[1:])
    if request.method == "POST" and form.is_valid():
        findings = form.findings(assigned_by=union)
        target = form.target_union()
        if target is None:
            form.add_error("target", "请选择被督导工会")
        if not form.errors and target is not None:
            data = form.cleaned_data
            try:
                visit = supervision_create(
                    actor=actor,
                    union=union,
                    target=target,
                    topic=data["topic"],
                    visited_on=data["visited_on"],
                    leaders=data["leaders"],
                    findings=findings,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"已录入督导，交办问题 {len(findings)} 个。")
                return redirect("activities:supervision", supervision_id=visit.pk)
    return render(
        request, "activities/supervision_form.html", {"form": form, "has_targets": bool(targets)}
    )


@require_GET
def supervision_detail(request: HttpRequest, supervision_id: int) -> HttpResponse:
    actor = request_actor(request)
    visit = selectors.access_supervision(actor=actor, visit_id=supervision_id)
    return render(
        request,
        "activities/supervision_detail.html",
        {"visit": visit, "findings": selectors.findings_of(actor=actor, supervision=visit)},
    )


# --- follow-up items ------------------------------------------------------------------------


@require_GET
def followup_inbox(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "activities/followup_inbox.html",
        {
            "inbox": selectors.followup_inbox(actor=actor),
            "may_assign": may_edit(actor, actor.union),
        },
    )


@require_GET
def followup_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union") or None)
    return render(
        request,
        "activities/followup_board.html",
        {
            "union": union,
            "rows": selectors.followup_board(actor=actor, union=union),
            "own_union": actor.union,
        },
    )


def followup_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    owners = selectors.followup_owners(actor=actor, union=union)
    form = FollowUpTaskForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            item = followup_assign(actor=actor, assigned_by=union, finding=form.finding())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已交办“{item.title}”给{item.owner.name}。")
            return redirect("activities:followup", followup_id=item.pk)
    return render(request, "activities/followup_form.html", {"form": form})


def followup_detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.access_followup(actor=actor, followup_id=followup_id)
    complete = CompleteForm()
    send_back = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start":
                followup_start(actor=actor, item=item)
                messages.success(request, "已开始办理。")
            elif action == "complete":
                complete = CompleteForm(request.POST)
                complete.is_valid()
                followup_complete(
                    actor=actor,
                    item=item,
                    evidence=complete.cleaned_data.get("evidence", ""),
                    files=request.FILES.getlist("files"),
                )
                messages.success(request, "已办结，等待交办工会验收。")
            elif action == "verify":
                followup_verify(actor=actor, item=item)
                messages.success(request, "已验收。")
            elif action == "return":
                send_back = ReturnForm(request.POST)
                send_back.is_valid()
                followup_return(
                    actor=actor, item=item, reason=send_back.cleaned_data.get("reason", "")
                )
                messages.success(request, "已退回责任工会重新办理。")
            else:
                raise PermissionDenied("未知的操作。")
        except ValidationError as exc:
            form = complete if action == "complete" else send_back
            problems_show(form, exc)
        else:
            return redirect("activities:followup", followup_id=item.pk)
    return render(
        request,
        "activities/followup_detail.html",
        {
            "item": item,
            "files": selectors.followup_files(item=item),
            "overdue": item.overdue_on(timezone.localdate()),
            "may_work": may_work_on(actor, item),
            "may_verify": may_verify(actor, item),
            "complete": complete,
            "send_back": send_back,
        },
        status=400 if complete.errors or send_back.errors else 200,
    )


@require_GET
def followup_file(request: HttpRequest, file_id: int) -> FileResponse:
    """An evidence file, for users who may see its item."""
    stored = selectors.access_followup_file(actor=request_actor(request), file_id=file_id)
    return private_file_response(stored.file, stored.content_type, stored.original_name)
