"""The workers' own pages (/m/): thin, each reading through ``selectors`` from the signed-in
worker's account and writing through ``services``. A staff user who opens them is told
where their pages are; the middleware keeps a worker out of everything else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gonghui.core.middleware import client_ip
from gonghui.core.problems import problems_show
from gonghui.core.qr import qr_svg
from gonghui.core.security import LoginError
from gonghui.members.models import MassEnrollment
from gonghui.portal import forms, selectors
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services import accounts, card, joining
from gonghui.portal.workflows import JOIN


def worker_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page is the worker's own: it gets their account as ``account``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = selectors.account_of(request.user)
        if account is None:
            return render(request, "portal/staff_here.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapped


def page_context(request: HttpRequest, account: WorkerAccount, **context: Any) -> dict[str, Any]:
    return {"account": account, "unread": selectors.unread_count(account), **context}


@worker_only
def home(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    member = selectors.member_of(account)
    joins = list(selectors.my_joins(account)[:5])
    return render(
        request,
        "portal/home.html",
        page_context(
            request,
            account,
            member=member if member and member.status == member.Status.ACTIVE else None,
            lines=selectors.my_applications(account)[:5],
            open_join=next((j for j in joins if j.state in joining.OPEN_STATES), None),
            tab="home",
        ),
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            accounts.worker_login(
                request=request,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except LoginError as exc:
            error = str(exc)
        else:
            return redirect(_next(request))
    status = 400 if error else 200
    return render(
        request,
        "portal/login.html",
        {"form": form, "error": error, "next": _next(request, "")},
        status=status,
    )


def _next(request: HttpRequest, default: str = "/m/") -> str:
    """Where to go after signing in: the portal page asked for (an event's QR code leads to
    its join form), never elsewhere."""
    target = request.GET.get("next", "")
    if target.startswith("/m/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return default


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


def _sign_in(request: HttpRequest, account: WorkerAccount, password: str) -> None:
    phone_user = account.user.username
    from gonghui.core.security import staff_login

    staff_login(request=request, username=phone_user, password=password, ip=client_ip(request))


def signup(request: HttpRequest) -> HttpResponse:
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_signup(
                form=accounts.SignupForm(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    password=data["password"],
                ),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            _sign_in(request, account, data["password"])
            messages.success(request, "注册成功，欢迎使用职工服务。")
            return redirect(_next(request))
    return render(
        request,
        "portal/signup.html",
        {"form": form, "next": _next(request, "")},
        status=400 if form.errors else 200,
    )


def activate(request: HttpRequest) -> HttpResponse:
    form = forms.ActivateForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_activate(
                code=data["code"],
                phone=data["phone"],
                password=data["password"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            _sign_in(request, account, data["password"])
            messages.success(request, "账号已激活。")
            return redirect(_next(request))
    return render(
        request, "portal/activate.html", {"form": form}, status=400 if form.errors else 200
    )


@worker_only
def join(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    event = _event(request)
    union = selectors.joinable_union(request.POST.get("union") or request.GET.get("union"))
    if event is not None:
        union = event.union
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = joining.join_apply(
                account=account,
                form=joining.JoinForm(
                    union=union,
                    employer_name=data["employer_name"],
                    employer_uscc=data["employer_uscc"],
                    employment_form=data["employment_form"],
                    occupation=data["occupation"],
                    mass_enrollment=event,
                ),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(
                request, f"入会申请已提交给{item.union.name}，审核结果会在消息中通知您。"
            )
            return redirect("portal:my_join", join_id=item.pk)
    query = request.GET.get("q", "")
    return render(
        request,
        "portal/join.html",
        page_context(
            request,
            account,
            form=form,
            union=union,
            event=event,
            query=query,
            found=selectors.unions_for_join(query) if query and union is None else [],
            member=selectors.member_of(account),
        ),
        status=400 if form.errors else 200,
    )


def _event(request: HttpRequest) -> MassEnrollment | None:
    raw = request.POST.get("event") or request.GET.get("event") or ""
    return (
        MassEnrollment.objects.select_related("union").filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )


@worker_only
def my_join(request: HttpRequest, account: WorkerAccount, join_id: int) -> HttpResponse:
    item = selectors.access_own_join(account=account, join_id=join_id)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            joining.join_withdraw(account=account, item=item)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已撤回这份入会申请。")
        return redirect("portal:my_join", join_id=item.pk)
    return render(
        request,
        "portal/join_detail.html",
        page_context(
            request,
            account,
            item=item,
            state=JOIN.state_label(item.state),
            timeline=selectors.timeline(JOIN, item),
            may_withdraw=item.state in joining.OPEN_STATES,
        ),
    )


@worker_only
def applications(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    return render(
        request,
        "portal/applications.html",
        page_context(request, account, lines=selectors.my_applications(account), tab="apps"),
    )


def members_only(request: HttpRequest, account: WorkerAccount, what: str) -> HttpResponse:
    """What a worker who is not (or no longer) a member is told on a members' page."""
    return render(
        request, "portal/members_only.html", page_context(request, account, what=what), status=404
    )


@worker_only
def member_card(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    member = selectors.member_of(account)
    if member is None or member.status != member.Status.ACTIVE:
        return members_only(request, account, "使用电子会员卡")
    token = card.card_token(member)
    url = request.build_absolute_uri(reverse("portal:card_verify")) + f"?t={token}"
    return render(
        request,
        "portal/card.html",
        page_context(
            request,
            account,
            member=member,
            member_no=card.member_no(member),
            qr=qr_svg(url, scale=5),
            shown_at=timezone.localtime(),
            minutes=card.settings.GONGHUI_PORTAL_CARD_MINUTES,
            tab="card",
        ),
    )


@worker_only
def inbox(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    found = selectors.messages_of(account)
    WorkerAccount.objects.filter(pk=account.pk).update(messages_seen_at=timezone.now())
    return render(
        request,
        "portal/messages.html",
        page_context(request, account, found=found, unread=0, tab="messages"),
    )


@worker_only
def me(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    return render(
        request,
        "portal/me.html",
        page_context(
            request,
            account,
            member=selectors.member_of(account),
            registration=selectors.registration_of(account),
            tab="me",
        ),
    )


def int_param(raw: Any) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0
