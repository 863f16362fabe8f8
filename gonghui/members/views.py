from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from gonghui.core import pii
from gonghui.core.middleware import request_actor
from gonghui.core.pages import form_page
from gonghui.core.pii_search import GET_REFUSED, pii_query_kind, pii_search_allow
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import in_scope
from gonghui.members import selectors
from gonghui.members.extensions import member_filters, member_panels
from gonghui.members.forms import (
    MemberEditForm,
    MemberJoinForm,
    MemberLeaveForm,
    MemberTransferForm,
)
from gonghui.members.models import Member, MemberTransfer
from gonghui.members.permissions import may_cancel_transfer, may_edit_members, require_member_editor
from gonghui.members.services import member_join, member_leave, member_reveal, member_update
from gonghui.members.transfers import (
    transfer_cancel,
    transfer_decide,
    transfer_propose,
    transfers_visible,
)
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_choices, union_destination, union_of_page


@dataclass
class RosterSearch:
    """What a roster page was asked: its union, the search text, and whether the text is a
    full ID number or phone (then it came by POST and was counted and audited)."""

    union: Union
    q: str
    kind: str
    error: str
    before: int | None
    params: Any


def roster_search(
    request: HttpRequest, *, where: str, keep: Sequence[str] = ()
) -> RosterSearch | HttpResponse:
    """A roster's search, by name through the URL; a full ID number or phone comes in a POST
    body, counted and audited (core.pii_search), and never in a URL. A name search by POST
    goes back to a URL (with the ``keep`` parameters), so its pages can be followed."""
    actor = request_actor(request)
    params = request.POST if request.method == "POST" else request.GET
    union = union_of_page(actor=actor, code=params.get("union"))
    q = params.get("q", "").strip()[:50]
    kind = pii_query_kind(q)
    error = ""
    if request.method == "POST" and not kind:
        carried = "".join(f"&{k}={quote(params.get(k, ''))}" for k in keep if params.get(k))
        return redirect(f"{request.path}?union={quote(union.code)}&q={quote(q)}{carried}")
    if kind and request.method != "POST":
        error, q = GET_REFUSED, ""
    elif kind:
        try:
            pii_search_allow(actor=actor, kind=kind, text=q, where=where)
        except ValidationError as exc:
            error = exc.messages[0]
    before_raw = request.GET.get("before", "")
    before = int(before_raw) if before_raw.isdigit() and not kind else None
    return RosterSearch(union, q, kind, error, before, params)


def member_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.union is None:
        return render(request, "orgs/no_scope.html", status=403)
    asked = roster_search(request, where="会员名册", keep=[f.key for f in member_filters()])
    if isinstance(asked, HttpResponse):
        return asked
    chosen = {f.key: asked.params.get(f.key, "") for f in member_filters()}
    carried = "".join(f"&{k}={quote(v)}" for k, v in chosen.items() if v)
    members, next_before = (
        ([], None)
        if asked.error
        else selectors.member_page(
            actor=actor, union=asked.union, text=asked.q, before=asked.before, filters=chosen
        )
    )
    extra_filters = [
        {"key": f.key, "label": f.label, "choices": f.choices(actor), "value": chosen[f.key]}
        for f in member_filters()
    ]
    return render(
        request,
        "members/member_list.html",
        {
            "union": asked.union,
            "members": members,
            "next_before": None if asked.kind else next_before,
            # A full number is not written back into the page (nor into a next-page link).
            "q": "" if asked.kind else asked.q,
            "search_error": asked.error,
            "unions": union_choices(actor=actor),
            "extra_filters": extra_filters,
            "carried": carried,
            "may_edit": may_edit_members(actor),
        },
        status=429 if asked.error and asked.kind and request.method == "POST" else 200,
    )


def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "events": selectors.member_events(member=member),
            "history": selectors.member_history(actor=actor, member=member),
            "transfer_form": MemberTransferForm(),
            "leave_form": MemberLeaveForm(),
            "open_transfer": selectors.member_open_transfer(member=member),
            "panels": [
                {"template": p.template, **p.context(actor, member)} for p in member_panels()
            ],
        },
    )


@require_POST
def member_reveal_view(request: HttpRequest, member_id: int, field: str) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    try:
        value = member_reveal(actor=actor, member=member, field=field)
    except ValidationError as exc:
        return HttpResponse(exc.messages[0], status=400)
    return HttpResponse(
        format_html('<span class="font-monospace" data-testid="revealed">{}</span>', value)
    )


def member_edit_view(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    require_member_editor(actor)
    initial = {
        "employer_name": member.employer_name,
        "employer_uscc": member.employer_uscc,
        "employment_form": member.employment_form,
        "occupation": member.occupation,
        "skill_grade": member.skill_grade,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member_update(actor=actor, member=member, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, "会员信息已修改。")
            return redirect("members:member_detail", member_id=member.pk)
    return render(
        request,
        "members/member_edit.html",
        {"member": member, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def member_transfer_view(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    form = MemberTransferForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
            )
        data = form.cleaned_data
        done = transfer_propose(
            actor=actor,
            member=member,
            to_union=union_destination(ref=data["to_union"]),
            on=data["on"],
            reason=data["reason"],
            employer_name=data["employer_name"],
            employer_uscc=data["employer_uscc"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if isinstance(done, MemberTransfer):
            messages.success(request, f"已向{done.to_union.name}提出转会申请，对方接收后生效。")
        else:
            messages.success(request, f"已转入{done.union.name}。")
    return redirect("members:member_detail", member_id=member.pk)


@require_POST
def member_leave_view(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    require_member_editor(actor)
    form = MemberLeaveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择退会原因并填写退会日期。", code="leave_form")
        member_leave(
            actor=actor,
            member=member,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已办理退会。")
    return redirect("members:member_detail", member_id=member.pk)


def transfer_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    transfers = list(transfers_visible(actor=actor)[:200])
    may_handle = may_edit_members(actor)
    for t in transfers:
        t.may_cancel = may_cancel_transfer(actor, t)  # type: ignore[attr-defined]
    return render(
        request,
        "members/transfer_list.html",
        {
            "incoming": [
                t
                for t in transfers
                if in_scope(actor, t.to_union) and t.state == MemberTransfer.State.PROPOSED
            ],
            "transfers": transfers,
            "may_handle": may_handle,
        },
    )


@require_POST
def transfer_decide_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = request_actor(request)
    try:
        transfer_decide(
            actor=actor,
            transfer_id=transfer_id,
            accept=request.POST.get("accept") == "1",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已处理转会申请。")
    return redirect("members:transfer_list")


@require_POST
def transfer_cancel_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = request_actor(request)
    try:
        transfer_cancel(actor=actor, transfer_id=transfer_id)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤回转会申请。")
    return redirect("members:transfer_list")


def member_new(request: HttpRequest) -> HttpResponse:
    """入会登记: the office keys in one person who joins (a roster import does many)."""
    actor = request_actor(request)
    require_member_editor(actor)
    own = actor.union
    initial = (
        {"union": own.code} if own is not None and own.level in ("township", "grassroots") else {}
    )
    form = MemberJoinForm(request.POST or None, initial=initial)
    saved: list[Member] = []

    def save(data: dict[str, Any]) -> None:
        try:
            union = selectors.holding_union_named(actor=actor, ref=data.pop("union"))
        except ValidationError as exc:
            raise ValidationError({"union": exc.messages}) from exc
        problems: list[tuple[str, str]] = []
        for field, check in (
            ("id_number", pii.normalize_id_number),
            ("phone", pii.normalize_phone),
        ):
            if data[field].strip() or field == "id_number":
                try:
                    data[field] = check(data[field])
                except ValidationError as exc:
                    problems.append((field, exc.messages[0]))
        if data["join_date"] > timezone.localdate():
            problems.append(("join_date", "入会日期不能晚于今天。"))
        problems_raise(problems)
        saved.append(member_join(actor=actor, union=union, **data))

    page = form_page(
        request,
        form,
        save,
        title="入会登记",
        back="members:member_list",
        template="members/worker_form.html",
    )
    if page is not None:
        return page
    messages.success(request, f"{saved[0].name}已入会。")
    return redirect("members:member_detail", member_id=saved[0].pk)
