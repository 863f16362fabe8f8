"""Account pages: the list, create and edit, enable and disable, reset codes, the personal-data
right, one's own password, and redeeming a reset code. Thin: services decide."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.accounts import selectors, services
from gonghui.accounts.bulk import credentials_fetch
from gonghui.accounts.forms import (
    PasswordChangeForm,
    PiiForm,
    ResetRedeemForm,
    UserCreateForm,
    UserForm,
)
from gonghui.accounts.permissions import may_administer_accounts, may_grant_pii, require_admin
from gonghui.core.middleware import client_ip, request_actor
from gonghui.core.models import Role
from gonghui.orgs.selectors import union_from_ref

PAGE_SIZE = 100


def _form_error(form: object, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)  # type: ignore[attr-defined]


def user_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    text = request.GET.get("q", "")[:50]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    users = list(selectors.users_search(actor=actor, text=text, role=role)[: PAGE_SIZE + 1])
    return render(
        request,
        "accounts/user_list.html",
        {
            "staff_users": users[:PAGE_SIZE],
            "more": len(users) > PAGE_SIZE,
            "q": text,
            "role": role,
            "roles": Role.choices,
            "can_admin": may_administer_accounts(actor),
            "can_grant": may_grant_pii(actor),
        },
    )


def user_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_admin(actor)
    form = UserCreateForm(request.POST or None, initial={"role": Role.STAFF})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            union = union_from_ref(actor=actor, ref=data["union"])
            user, password = services.user_create(
                actor=actor,
                union=union,
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            # The initial password is shown this once and kept nowhere in clear.
            response = render(
                request, "accounts/user_created.html", {"target": user, "password": password}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": "新建账号"},
        status=400 if form.errors else 200,
    )


def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    target = selectors.access_user(actor=actor, user_id=user_id)
    initial = {
        "display_name": target.display_name,
        "union": f"{target.union.code} {target.union.name}" if target.union else "",
        "role": target.role,
        "phone": target.phone,
    }
    form = UserForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_admin(actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update(
                    actor=actor,
                    user=target,
                    display_name=data["display_name"],
                    role=data["role"],
                    union=union_from_ref(actor=actor, ref=data["union"]),
                    phone=data["phone"],
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                return redirect("accounts:user_edit", user_id=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": f"账号 {target.username}",
            "target": target,
            "can_admin": may_administer_accounts(actor),
            "can_grant": may_grant_pii(actor),
            "pii_form": PiiForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    target = selectors.access_user(actor=actor, user_id=user_id)
    services.user_activate(actor=actor, user=target, active=request.POST.get("active") == "1")
    if request.POST.get("next") == "edit":
        return redirect("accounts:user_edit", user_id=target.pk)
    return redirect("accounts:user_list")


@require_POST
def user_reset_code(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    target = selectors.access_user(actor=actor, user_id=user_id)
    code = services.user_reset_code_issue(actor=actor, user=target)
    response = render(request, "accounts/reset_code.html", {"target": target, "code": code})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def user_pii(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    target = selectors.access_user(actor=actor, user_id=user_id)
    form = PiiForm(request.POST)
    granted = request.POST.get("granted") == "1"
    error = ""
    if form.is_valid():
        try:
            services.user_pii_set(
                actor=actor, user=target, granted=granted, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            return redirect("accounts:user_edit", user_id=target.pk)
    else:
        if not may_grant_pii(actor):
            raise PermissionDenied("只有市总工会的管理员可以授予或撤销查看完整个人信息的权限。")
        error = "请填写理由。"
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": UserForm(initial={"display_name": target.display_name}),
            "title": f"账号 {target.username}",
            "target": target,
            "can_admin": may_administer_accounts(actor),
            "can_grant": may_grant_pii(actor),
            "pii_form": form,
            "pii_error": error,
        },
        status=400,
    )


def pii_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_admin(actor)
    holders = list(selectors.pii_holders(actor=actor))
    reasons = selectors.pii_reasons(holders)
    return render(
        request,
        "accounts/pii_list.html",
        {
            "holders": [(u, reasons.get(u.pk)) for u in holders],
            "history": selectors.pii_history(actor=actor),
        },
    )


def credentials(request: HttpRequest, token: str) -> HttpResponse:
    actor = request_actor(request)
    data, filename = credentials_fetch(actor=actor, token=token)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def password_change(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_password_change(
                actor=actor,
                old_password=data["old_password"],
                new_password=data["new_password"],
                session_key=request.session.session_key,
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            update_session_auth_hash(request, actor)
            return render(request, "accounts/password_changed.html")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": actor.must_change_password},
        status=400 if form.errors else 200,
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    """Public: set a new password with the one-time code an administrator handed over."""
    form = ResetRedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_reset_code_redeem(
                username=data["username"],
                code=data["code"],
                new_password=data["new_password"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return render(request, "accounts/password_reset_done.html")
    return render(
        request,
        "accounts/password_reset.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
