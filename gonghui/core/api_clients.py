"""API clients: other government systems calling the API with a token.

An administrator issues a client bound to a union (its subtree is the scope) with read or
read-write access per area; the token is shown once and only its hash is stored; it can
be rotated (the old one stops at once) and revoked. A call with ``Authorization: Bearer
<token>`` is authenticated in LoginRequiredMiddleware: the client acts as an ``ApiActor``
(scoped like a staff user, never holding the personal-data right), every call is audited
under the client's name, and calls beyond GONGHUI_API_CALLS_PER_MINUTE are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.audit import audit_count_since, audit_record
from gonghui.core.models import ApiClient, AuditEvent, Role, User
from gonghui.core.scoping import require_in_scope

# The areas of the API a client may be given, each by the first path segment after
# /api/v1/ of its routes. A route whose segment is listed nowhere is closed to every client.
API_AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "orgs": ("组织建设（工会、企业、应建未建）", ("unions", "enterprises", "formation")),
    "members": ("会员（脱敏）", ("members",)),
    "aid": ("互助保障（方案、申请、发放）", ("workflow", "aid", "payouts")),
    "care": ("“9+X”服务（服务项目、服务记录，脱敏）", ("care",)),
    "reports": ("指标与目标", ("indicators", "targets", "reports")),
    "jobs": ("后台任务", ("jobs",)),
}
TOKEN_PREFIX = "ghk_"
CALL_ACTION = "api.call"


@dataclass
class ApiActor:
    """The acting identity of a token call: scoped to its client's union, a viewer (or a
    staff user where it may write), never holding the personal-data right."""

    client: ApiClient
    union: Any
    role: str = Role.VIEWER
    pii_access: bool = False
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False
    pk: None = None
    must_change_password: bool = False
    audit_name: str = field(default="")

    def get_username(self) -> str:
        return self.audit_name

    def __str__(self) -> str:
        return self.audit_name


def _digest(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def _check_permissions(permissions: dict[str, str]) -> dict[str, str]:
    clean = {}
    for area, access in permissions.items():
        if area not in API_AREAS or access not in ("read", "write", ""):
            raise ValidationError(f"未知的接口权限：{area}={access}", code="api_permission")
        if access:
            clean[area] = access
    if not clean:
        raise ValidationError("请至少开放一个接口范围。", code="api_permission")
    return clean


def _require_admin_over(actor: User, union: Any) -> None:
    if getattr(actor, "role", None) != Role.ADMIN or actor.union is None:
        raise PermissionDenied("只有管理员可以管理接口客户端。")
    require_in_scope(actor, union, "只能为本级及下级工会开通接口。")


def api_client_create(
    *, actor: User, name: str, union: Any, permissions: dict[str, str]
) -> tuple[ApiClient, str]:
    """A new client and its token (shown this once)."""
    _require_admin_over(actor, union)
    name = name.strip()
    if not name:
        raise ValidationError("请填写系统名称。", code="api_name")
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError("已有同名的接口客户端。", code="api_name")
    prefix, token = _new_token()
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            union=union,
            permissions=_check_permissions(permissions),
            prefix=prefix,
            token_hash=_digest(token),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="api_client.create",
            obj=client,
            union=union,
            summary=f"开通接口客户端“{name}”（{union.name}）：{_permission_text(client)}",
        )
    return client, token


def api_client_rotate(*, actor: User, client: ApiClient) -> str:
    """A new token for the client; the old one stops working at once."""
    _require_admin_over(actor, client.union)
    if not client.is_active:
        raise ValidationError("该接口客户端已停用。", code="api_revoked")
    prefix, token = _new_token()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(
            prefix=prefix, token_hash=_digest(token), rotated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="api_client.rotate",
            obj=client,
            union=client.union,
            summary=f"更换接口客户端“{client.name}”的令牌",
        )
    return token


def api_client_revoke(*, actor: User, client: ApiClient) -> None:
    _require_admin_over(actor, client.union)
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(is_active=False, revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action="api_client.revoke",
            obj=client,
            union=client.union,
            summary=f"停用接口客户端“{client.name}”",
        )


def _permission_text(client: ApiClient) -> str:
    parts = [
        f"{API_AREAS[a][0]}{'读写' if v == 'write' else '只读'}"
        for a, v in client.permissions.items()
        if a in API_AREAS
    ]
    return "、".join(parts)


def api_area_of(path: str) -> str:
    """The area of an API path ("" when no area lists it)."""
    parts = path.split("/")
    segment = parts[3] if len(parts) > 3 and parts[1] == "api" else ""
    for area, (_, segments) in API_AREAS.items():
        if segment in segments:
            return area
    return ""


class ApiRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def api_authenticate(*, token: str, method: str, path: str) -> ApiActor:
    """The actor of a token call, audited; ApiRefused (401, 403, 429) with a Chinese reason."""
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
        raise ApiRefused(401, "接口令牌无效。")
    prefix = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
    client = ApiClient.objects.select_related("union").filter(prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.token_hash, _digest(token)):
        raise ApiRefused(401, "接口令牌无效。")
    if not client.is_active:
        raise ApiRefused(401, "该接口客户端已停用。")
    actor = ApiActor(client=client, union=client.union, audit_name=f"接口:{client.name}")
    area = api_area_of(path)
    access = client.permissions.get(area, "")
    writing = method not in ("GET", "HEAD", "OPTIONS")
    if not access or (writing and access != "write"):
        audit_record(
            actor=actor,
            action=CALL_ACTION,
            union=client.union,
            outcome=AuditEvent.Outcome.DENIED,
            summary=f"{method} {path}：未开放该接口范围",
        )
        raise ApiRefused(403, "该接口客户端未开放此范围" + ("的写入权限。" if access else "。"))
    if writing:
        actor.role = Role.STAFF
    since = timezone.now() - timedelta(minutes=1)
    if audit_count_since(actor=actor, action=CALL_ACTION, since=since) >= (
        settings.GONGHUI_API_CALLS_PER_MINUTE
    ):
        raise ApiRefused(429, "调用过于频繁，请稍后再试。")
    audit_record(actor=actor, action=CALL_ACTION, union=client.union, summary=f"{method} {path}")
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return actor
