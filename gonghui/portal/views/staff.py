"""The union office's pages of the portal (/portal/): the join applications to review, the
activation codes to hand out, and verifying a member card. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.core.pagination import keyset_page
from gonghui.core.qr import qr_svg
from gonghui.core.workflow.models import State
from gonghui.core.workflow.services import may_act_at
from gonghui.core.workflow.views import panel_context
from gonghui.members.models import Member, Worker
from gonghui.members.permissions import may_edit_members, require_member_editor
from gonghui.members.selectors import access_member, access_worker, holding_union_named
from gonghui.portal import forms, selectors
from gonghui.portal.services import accounts, card
from gonghui.portal.services.events import event_approve, event_create
from gonghui.portal.services.joining import event_is_open
from gonghui.portal.workflows import JOIN


def joins(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    rows, next_before = keyset_page(
        selectors.joins_page(actor, state=state), before=before_param(request), size=50
    )
    return render(
        request,
        "portal/staff_joins.html",
        {
            "next_before": next_before,
            "rows": [(j, JOIN.state_label(j.state)) for j in rows],
            "state": state,
            "states": [(s, JOIN.state_label(s)) for s in State.values if s != State.PAID],
        },
    )


def join_detail(request: HttpRequest, join_id: int) -> HttpResponse:
    item = selectors.access_join(actor=request_actor(request), join_id=join_id)
    return render(
        request,
        "portal/staff_join_detail.html",
        {"item": item, **panel_context(request, JOIN, item)},
    )


def code_issue(request: HttpRequest) -> HttpResponse:
    """Issue a code for the member (?member=) or registered worker (?worker=) named."""
    actor = request_actor(request)
    member_id, worker_id = request.GET.get("member", ""), request.GET.get("worker", "")
    person: Member | Worker
    if member_id.isdigit():
        person = access_member(actor=actor, member_id=int(member_id))
        back = reverse("members:member_detail", args=[person.pk])
    else:
        person = access_worker(actor=actor, worker_id=int(worker_id) if worker_id.isdigit() else 0)
        back = reverse("members:worker_detail", args=[person.pk])
    context: dict[str, Any] = {"person": person, "back": back}
    if request.method == "POST":
        code = accounts.activation_code_issue(actor=actor, person=person)
        url = request.build_absolute_uri(reverse("portal:activate")) + f"?code={code}"
        context |= {
            "code": accounts.code_format(code),
            "qr": qr_svg(url),
            "url": url,
            "days": accounts.settings.GONGHUI_PORTAL_CODE_DAYS,
        }
    return render(request, "portal/staff_code.html", context)


def card_verify(request: HttpRequest) -> HttpResponse:
    scanned = request.GET.get("t")  # the card's QR code is this page's address with ?t=
    form = forms.VerifyForm(request.POST or ({"token": scanned} if scanned else None))
    check = None
    error = ""
    if form.is_bound and form.is_valid():
        try:
            check = card.card_verify(actor=request_actor(request), token=form.cleaned_data["token"])
        except ValidationError as exc:
            error = "；".join(exc.messages)
    return render(
        request,
        "portal/staff_verify.html",
        {"form": form, "check": check, "error": error},
        status=400 if error else 200,
    )


def events(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    own = actor.union
    initial = (
        {"union": own.code} if own is not None and own.level in ("township", "grassroots") else {}
    )
    form = forms.EventForm(request.POST or None, initial=initial)
    created: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        try:
            union = holding_union_named(actor=actor, ref=data.pop("union"))
        except ValidationError as exc:
            raise ValidationError({"union": exc.messages}) from exc
        created.append(event_create(actor=actor, **data, union=union))

    if request.method == "POST":
        require_member_editor(actor)
        page = form_page(
            request,
            form,
            save,
            title="新建集中入会活动",
            back="portal:events",
            template="portal/staff_event_form.html",
        )
        if page is not None:
            return page
        messages.success(request, "已新建集中入会活动：活动当天出示二维码，职工扫码申请。")
        return redirect("portal:event_detail", event_id=created[0].pk)
    events = list(selectors.events_page(actor)[:100])
    figures = selectors.events_figures([e.pk for e in events])
    rows = [(e, figures[e.pk]) for e in events]
    return render(
        request,
        "portal/staff_events.html",
        {"rows": rows, "form": form, "may_edit": may_edit_members(actor)},
    )


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = request_actor(request)
    event = selectors.access_event(actor=actor, event_id=event_id)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
        try:
            report = event_approve(actor=actor, event=event, ids=ids)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已通过 {len(report.done)} 份入会申请。")
            for message in sorted(set(report.refused.values())):
                messages.warning(request, message)
        return redirect("portal:event_detail", event_id=event.pk)
    url = request.build_absolute_uri(reverse("portal:join")) + f"?event={event.pk}"
    return render(
        request,
        "portal/staff_event.html",
        {
            "event": event,
            "figures": selectors.event_figures(event),
            "rows": [(j, JOIN.state_label(j.state)) for j in selectors.event_applications(event)],
            "qr": qr_svg(url, scale=5),
            "url": url,
            "open": event_is_open(event),
            "may_approve": _reviews_at(actor, event),
        },
    )


def _reviews_at(actor: Any, event: Any) -> bool:
    probe = _Probe(event.union)
    return any(may_act_at(actor, s, probe) for s in JOIN.applicable_steps(probe))


class _Probe:
    """An application of the event's union, to ask whether the actor reviews there."""

    def __init__(self, union: Any) -> None:
        self.union = union
