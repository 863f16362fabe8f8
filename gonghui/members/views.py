from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from gonghui.core.middleware import request_actor
from gonghui.core.models import Role
from gonghui.core.scoping import require_role
from gonghui.members import selectors
from gonghui.members.extensions import member_filters, member_panels
from gonghui.members.services import member_leave, member_reveal, member_transfer
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import access_union, union_choices


def member_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.union is None:
        return render(request, "orgs/no_scope.html", status=403)
    code = request.GET.get("union", "")
    union = access_union(actor=actor, code=code) if code else actor.union
    before_raw = request.GET.get("before", "")
    q = request.GET.get("q", "")
    chosen = {f.key: request.GET.get(f.key, "") for f in member_filters()}
    members, next_before = selectors.member_page(
        actor=actor,
        union=union,
        text=q,
        before=int(before_raw) if before_raw.isdigit() else None,
        filters=chosen,
    )
    extra_filters = [
        {"key": f.key, "label": f.label, "choices": f.choices(actor), "value": chosen[f.key]}
        for f in member_filters()
    ]
    carried = "".join(f"&{k}={quote(v)}" for k, v in chosen.items() if v)
    return render(
        request,
        "members/member_list.html",
        {
            "union": union,
            "members": members,
            "next_before": next_before,
            "q": q,
            "unions": union_choices(actor=actor),
            "extra_filters": extra_filters,
            "carried": carried,
        },
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


@require_POST
def member_transfer_view(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    require_role(actor, Role.ADMIN, Role.STAFF)
    code = request.POST.get("to_union", "").strip()
    to_union = Union.objects.visible_to(actor).filter(code=code).first()
    try:
        if to_union is None:
            raise ValidationError("在您的管辖范围内找不到该工会代码。", code="union_not_found")
        member_transfer(actor=actor, member=member, to_union=to_union)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已转入{to_union.name}。")
    return redirect("members:member_detail", member_id=member.pk)


@require_POST
def member_leave_view(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request_actor(request)
    member = selectors.access_member(actor=actor, member_id=member_id)
    require_role(actor, Role.ADMIN, Role.STAFF)
    try:
        member_leave(actor=actor, member=member)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已办理退会。")
    return redirect("members:member_detail", member_id=member.pk)
