"""Account administration: every write to a staff account, checked and audited here.

An administrator acts on the accounts of their own subtree; the personal-data right is
granted and withdrawn by a city administrator only, with a reason. Passwords chosen by
someone else (a new account) must be changed at the next login; a forgotten password is
replaced through a one-time code the administrator hands over (no e-mail or SMS exists on
the intranet).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import PasswordResetCode, PiiGrant
from gonghui.accounts.permissions import require_admin, require_administer, require_city_admin
from gonghui.core import pii
from gonghui.core.audit import audit_record
from gonghui.core.models import AuditEvent, LoginFailure, Role, User
from gonghui.core.scoping import require_in_scope
from gonghui.core.security import login_is_locked, user_sessions_end, user_set_active
from gonghui.orgs.models import Union

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,30}$")
USERNAME_RULE = "账号须为 3～30 位英文字母、数字或 _ . -"
RESET_FAILED = "账号或重置码不正确，或重置码已失效。"
# No 0/O, 1/I/L: a code read out over the phone is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def password_generate() -> str:
    """An initial password that passes every password rule: 16 characters, four classes."""
    lower = "abcdefghijkmnpqrstuvwxyz"
    upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"

    def draw(alphabet: str, n: int) -> str:
        return "".join(secrets.choice(alphabet) for _ in range(n))

    while True:  # a draw that happens to spell a run or a repeat is drawn again
        password = f"{draw(upper, 1)}{draw(lower, 5)}-{draw(digits, 4)}-{draw(lower + upper, 4)}"
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def username_check(username: str) -> str:
    username = username.strip()
    if not USERNAME.match(username):
        raise ValidationError(USERNAME_RULE, code="username_format")
    return username


def _phone(raw: str) -> str:
    return pii.normalize_phone(raw) if raw and raw.strip() else ""


def _role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError("请选择角色。", code="role_required")
    return role


def _union_in_scope(actor: User, union: Union) -> None:
    require_in_scope(actor, union, "只能为本级及下级工会设置账号。")


@transaction.atomic
def user_create(
    *,
    actor: User,
    union: Union,
    username: str,
    display_name: str,
    role: str,
    phone: str = "",
) -> tuple[User, str]:
    """A new staff account with an initial password (returned once, never stored in clear);
    the user must change it at their first login."""
    require_admin(actor)
    _union_in_scope(actor, union)
    username = username_check(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"账号“{username}”已存在。", code="username_taken")
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError("请填写姓名。", code="name_required")
    password = password_generate()
    user = User.objects.create_user(
        username,
        password,
        union=union,
        role=_role(role),
        display_name=display_name[:64],
        phone=_phone(phone),
        must_change_password=True,
    )
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        union=union,
        summary=f"新建账号 {username}（{display_name}，{union.name}，{user.get_role_display()}）",
    )
    return user, password


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    display_name: str,
    role: str,
    union: Union,
    phone: str = "",
) -> User:
    """Change an account's name, phone, role or union (within the administrator's subtree)."""
    require_administer(actor, user)
    _union_in_scope(actor, union)
    role = _role(role)
    if user.pk == actor.pk and (role != user.role or union.pk != user.union_id):
        raise PermissionDenied("不能修改自己的角色或所属工会，请由其他管理员操作。")
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError("请填写姓名。", code="name_required")
    before = {
        "姓名": user.display_name,
        "角色": user.get_role_display(),
        "所属工会": user.union.name if user.union else "",
        "手机号码": user.phone,
    }
    user.display_name = display_name[:64]
    user.role = role
    user.union = union
    user.phone = _phone(phone)
    user.save(update_fields=["display_name", "role", "union", "phone"])
    after = {
        "姓名": user.display_name,
        "角色": user.get_role_display(),
        "所属工会": union.name,
        "手机号码": user.phone,
    }
    changes = [
        f"{k}：{before[k] or '（空）'} → {after[k] or '（空）'}"
        for k in before
        if before[k] != after[k]
    ]
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        union=union,
        summary=f"修改账号 {user.username}：" + ("；".join(changes) or "无变化"),
    )
    return user


def user_activate(*, actor: User, user: User, active: bool) -> User:
    require_administer(actor, user)
    if user.pk == actor.pk:
        raise PermissionDenied("不能停用自己的账号。")
    return user_set_active(actor=actor, user=user, active=active)


@transaction.atomic
def user_password_change(
    *, actor: User, old_password: str, new_password: str, session_key: str | None = None
) -> User:
    """A user replaces their own password; their other sessions end."""
    if not actor.check_password(old_password):
        raise ValidationError("原密码不正确。", code="old_password")
    if old_password == new_password:
        raise ValidationError("新密码不能与原密码相同。", code="password_same")
    validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    user_sessions_end(actor, keep=session_key)
    audit_record(actor=actor, action="user.password_change", obj=actor, summary="修改本人密码")
    return actor


@transaction.atomic
def user_reset_code_issue(*, actor: User, user: User) -> str:
    """A one-time code for ``user`` to set a new password with; earlier codes stop working.
    Returned once, to be handed over in person or by phone."""
    require_administer(actor, user)
    if user.pk == actor.pk:
        raise PermissionDenied("请在“修改密码”页修改自己的密码。")
    now = timezone.now()
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    PasswordResetCode.objects.create(
        user=user,
        code_hash=make_password(code),
        issued_by=actor,
        expires_at=now + timedelta(hours=settings.GONGHUI_RESET_CODE_HOURS),
    )
    audit_record(
        actor=actor,
        action="user.reset_code",
        obj=user,
        union=user.union,
        summary=f"为账号 {user.username} 生成一次性密码重置码",
    )
    return code


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def user_reset_code_redeem(*, username: str, code: str, new_password: str, ip: str | None) -> User:
    """Set a new password with a one-time code. Wrong codes count as failed logins, so the
    lockout stops guessing; the message never says whether the account exists."""
    username = username.strip()
    if login_is_locked(username=username, ip=ip):
        minutes = int(settings.GONGHUI_LOGIN_LOCKOUT.total_seconds() // 60)
        raise ValidationError(
            f"失败次数过多，账号或地址已被锁定，请{minutes}分钟后再试。", code="locked"
        )
    user = User.objects.filter(username=username, is_active=True).first()
    now = timezone.now()
    reset = (
        PasswordResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now)
        .order_by("-issued_at")
        .first()
        if user is not None
        else None
    )
    if reset is None or not check_password(_normalise_code(code), reset.code_hash):
        with transaction.atomic():
            LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
            audit_record(
                actor=None,
                actor_name=username[:150],
                action="user.reset_failed",
                union=user.union if user else None,
                outcome=AuditEvent.Outcome.FAILURE,
                ip=ip,
            )
        raise ValidationError(RESET_FAILED, code="reset_failed")
    assert user is not None
    validate_password(new_password, user)
    with transaction.atomic():
        claimed = PasswordResetCode.objects.filter(pk=reset.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:  # the same code redeemed twice at once
            raise ValidationError(RESET_FAILED, code="reset_failed")
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        user_sessions_end(user)
        LoginFailure.objects.filter(username=username.lower()).delete()
        audit_record(
            actor=user,
            action="user.reset",
            obj=user,
            summary=f"账号 {user.username} 用重置码设置了新密码",
            ip=ip,
        )
    return user


@transaction.atomic
def user_pii_set(*, actor: User, user: User, granted: bool, reason: str) -> PiiGrant:
    """Grant or withdraw the right to see full ID numbers and phones: a city administrator
    only, with a reason kept beside the change."""
    require_city_admin(actor)
    require_administer(actor, user)
    reason = reason.strip()
    if len(reason) < 4:
        raise ValidationError("请填写理由（至少 4 个字）。", code="reason_required")
    if user.pii_access == granted:
        raise ValidationError(
            "该账号已有此权限。" if granted else "该账号没有此权限。", code="pii_unchanged"
        )
    user.pii_access = granted
    user.save(update_fields=["pii_access"])
    grant = PiiGrant.objects.create(user=user, granted=granted, reason=reason[:200], actor=actor)
    audit_record(
        actor=actor,
        action="user.pii_grant" if granted else "user.pii_withdraw",
        obj=user,
        union=user.union,
        summary=f"{'授予' if granted else '撤销'} {user.username} 查看完整个人信息的权限：{reason}",
    )
    return grant
