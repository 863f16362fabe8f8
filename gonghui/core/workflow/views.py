"""The engine's pages: the panel every application page includes, the generic transition
endpoint, the reviewer's inbox with bulk approval, and the public notice page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.middleware import request_actor
from gonghui.core.workflow import Action, Workflow, workflow_get
from gonghui.core.workflow import selectors as wf
from gonghui.core.workflow.notice import (
    notice_board,
    notice_qr_svg,
    notice_setting_for,
    notice_setting_save,
)
from gonghui.core.workflow.services import transition, workflow_bulk_start
from gonghui.orgs.models import Union

INBOX_SHOWN = 200
INLINE_BULK_LIMIT = 50  # more than this runs as a job with a progress bar


def _workflow(key: str) -> Workflow:
    try:
        return workflow_get(key)
    except KeyError as exc:
        raise Http404("没有这种申请类型。") from exc


def item_url(workflow: Workflow, item: Any) -> str:
    return reverse(workflow.url_name, args=[item.pk]) if workflow.url_name else "/"


def panel_context(request: HttpRequest, workflow: Workflow, item: Any) -> dict[str, Any]:
    """What ``workflow/_panel.html`` shows: where the item stands, its trail, the buttons."""
    actor = request_actor(request)
    return {
        "wf": workflow,
        "wf_item": item,
        "wf_state": workflow.state_label(item.state),
        "wf_step": workflow.step_label(item.step),
        "wf_steps": wf.step_path(workflow, item),
        "wf_trail": [
            {
                "entry": e,
                "step": workflow.step_label(e.step),
                # The type's own name for the state (已入会, 已录取), as the badge says.
                "to_state": workflow.state_label(e.to_state),
            }
            for e in wf.trail(workflow, item)
        ],
        "wf_actions": [(a.value, a.label) for a in wf.allowed_actions(workflow, item, actor)],
        "wf_overdue": wf.is_overdue(workflow, item),
        "wf_transition_url": reverse(
            "workflow_transition", kwargs={"workflow_key": workflow.key, "item_id": item.pk}
        ),
    }


@require_POST
def transition_view(request: HttpRequest, workflow_key: str, item_id: int) -> HttpResponse:
    workflow = _workflow(workflow_key)
    actor = request_actor(request)
    action = request.POST.get("action", "")
    if action not in wf.USER_ACTIONS:
        raise Http404("没有这个操作。")
    try:
        item = transition(
            workflow, item_id, action, actor=actor, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        item = workflow.model.objects.visible_to(actor).get(pk=item_id)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        item = workflow.model.objects.visible_to(actor).get(pk=item_id)
    else:
        messages.success(
            request,
            f"已{Action(action).label}。当前状态：{workflow.state_label(item.state)}"
            + (f"（{workflow.step_label(item.step)}）" if item.step else ""),
        )
    if request.POST.get("next") == "inbox":
        return redirect("workflow_inbox")
    return redirect(item_url(workflow, item))


def inbox_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    now = timezone.now()
    sections = []
    for section in wf.inbox(actor):
        total = section.items.count()
        rows = []
        for item in section.items[:INBOX_SHOWN]:
            rows.append(
                {
                    "item": item,
                    "url": item_url(section.workflow, item),
                    "applicant": section.workflow.applicant_of(item),
                    "step": section.workflow.step_label(item.step),
                    "waited": (now - item.step_since).days if item.step_since else 0,
                    "overdue": wf.is_overdue(section.workflow, item, now),
                }
            )
        sections.append({"workflow": section.workflow, "total": total, "rows": rows})
    return render(
        request,
        "workflow/inbox.html",
        {"sections": sections, "shown": INBOX_SHOWN, "inline_limit": INLINE_BULK_LIMIT},
    )


@require_POST
def inbox_bulk_view(request: HttpRequest) -> HttpResponse:
    """批量通过: the selected items, or every item waiting at the actor's steps."""
    actor = request_actor(request)
    workflow = _workflow(request.POST.get("workflow", ""))
    if not wf.steps_of(actor, workflow):
        raise PermissionDenied("您没有可审核的环节。")
    if request.POST.get("scope") == "all":
        section = next(s for s in wf.inbox(actor) if s.workflow.key == workflow.key)
        ids = list(section.items.values_list("pk", flat=True))
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        messages.warning(request, "请先勾选要通过的申请。")
        return redirect("workflow_inbox")
    if len(ids) <= INLINE_BULK_LIMIT:
        from gonghui.core.workflow.services import transition_many

        report = transition_many(workflow, ids, Action.APPROVE, actor=actor)
        messages.success(request, f"已通过 {len(report.done)} 件。")
        for pk, reason in list(report.refused.items())[:20]:
            messages.warning(request, f"#{pk}：{reason}")
        return redirect("workflow_inbox")
    job = workflow_bulk_start(actor=actor, workflow=workflow, action=Action.APPROVE, ids=ids)
    return redirect("job_detail", job_id=job.pk)


def notice_view(request: HttpRequest, union_code: str) -> HttpResponse:
    """公示: open to anyone (workers check it), each person shown as the union's setting allows."""
    board = notice_board(_notice_union(union_code))
    return render(
        request,
        "workflow/notice.html",
        {
            "board": board,
            "union": board.union,
            "groups": board.groups,
            "today": timezone.localdate(),
            "print_url": reverse("workflow_notice_print", args=[union_code]),
        },
    )


def notice_print_view(request: HttpRequest, union_code: str) -> HttpResponse:
    """The notice as a sheet to post on the wall: the period, whom to contact, a QR code."""
    board = notice_board(_notice_union(union_code))
    url = request.build_absolute_uri(reverse("workflow_notice", args=[union_code]))
    return render(
        request,
        "workflow/notice_print.html",
        {"board": board, "today": timezone.localdate(), "url": url, "qr": notice_qr_svg(url)},
    )


def _notice_union(union_code: str) -> Union:
    union = Union.objects.filter(code=union_code).first()
    if union is None:
        raise Http404("没有这个工会。")
    return union


def notice_settings_view(request: HttpRequest) -> HttpResponse:
    """An administrator's settings of their own union's notice."""
    actor = request_actor(request)
    if actor.union is None:
        raise Http404
    setting = notice_setting_for(actor.union)
    error = ""
    if request.method == "POST":
        try:
            setting = notice_setting_save(
                actor=actor,
                union=actor.union,
                contact=request.POST.get("contact", ""),
                name_shown=request.POST.get("name_shown", ""),
                id_shown=request.POST.get("id_shown", ""),
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "公示设置已保存。")
            return redirect("workflow_notice_settings")
    return render(
        request,
        "workflow/notice_settings.html",
        {
            "setting": setting,
            "inherited": setting.union_id != actor.union.pk,
            "union": actor.union,
            "error": error,
            "name_choices": setting.NameShown.choices,
            "id_choices": setting.IdShown.choices,
        },
        status=400 if error else 200,
    )
