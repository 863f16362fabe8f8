"""Staff login rules of 等保 2.0 level 3: lockout, password strength, session lifetime."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as django_login
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.core.models import AuditEvent, LoginFailure, StaffSession, User

# One message for an unknown user, a wrong password and a disabled account, so that the
# login form does not tell an attacker which accounts exist.
LOGIN_FAILED = "用户名或密码错误。"
LOGIN_LOCKED = "登录失败次数过多，账号或地址已被锁定，请{minutes}分钟后再试。"
SESSION_ABSOLUTE_KEY = "gonghui_login_at"


class CharacterClassValidator:
    """A password needs at least three of: lowercase, uppercase, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、符号中的三类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"


# Words a password must not be built on (with digits and symbols around them): the names of
# this product and city, the usual defaults and the common Chinese choices.
PASSWORD_DENY_WORDS = frozenset(
    [
        "password",
        "passwd",
        "admin",
        "administrator",
        "root",
        "system",
        "manager",
        "user",
        "test",
        "guest",
        "welcome",
        "qwerty",
        "qwertyuiop",
        "asdf",
        "asdfgh",
        "asdfghjkl",
        "zxcv",
        "zxcvbn",
        "zxcvbnm",
        "abc",
        "abcd",
        "abcde",
        "abcdef",
        "iloveyou",
        "woaini",
        "woaiwojia",
        "aini",
        "gonghui",
        "gonghuiju",
        "zonggonghui",
        "huzhou",
        "hz",
        "zhejiang",
        "china",
        "huzhougonghui",
        "changeme",
        "letmein",
        "default",
        "secret",
        "mima",
        "zhangsan",
        "lisi",
        "wangwu",
    ]
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


class PatternPasswordValidator:
    """A password that passes the length and character-class rules only by padding: one
    character repeated (Aa1!aaaaaaaa), too few different characters, a run along the
    keyboard or the alphabet, or a common word with digits and symbols around it."""

    def validate(self, password: str, user: Any = None) -> None:
        lower = password.lower()
        if re.search(r"(.)\1{3}", password):
            raise ValidationError("密码不能含有连续重复 4 次以上的字符。", code="password_repeat")
        if len(set(lower)) < 6:
            raise ValidationError("密码须至少包含 6 个不同的字符。", code="password_variety")
        for row in _KEYBOARD_ROWS:
            for start in range(len(row) - 4):
                run = row[start : start + 5]
                if run in lower or run[::-1] in lower:
                    raise ValidationError(
                        f"密码不能含有键盘或字母表上连续的字符（如 {run}）。",
                        code="password_sequence",
                    )
        # The letters (read through 0→o, @→a, …) left once the common words are taken out:
        # a passphrase keeps words of its own, a padded default keeps next to none.
        read = re.sub(r"(?<=[a-z])[0-9@$]+(?=[a-z])", lambda m: m[0].translate(_LEET), lower)
        letters = re.sub(r"[^a-z]", "", read)
        rest = letters
        for word in sorted(PASSWORD_DENY_WORDS, key=len, reverse=True):
            rest = rest.replace(word, "")
        if rest != letters and len(rest) < 4:
            raise ValidationError(
                "密码不能以常见单词或本系统、本市的名称为主体，请换一个不易猜到的密码。",
                code="password_denied",
            )

    def get_help_text(self) -> str:
        return "密码不能是重复字符、键盘顺序或常见单词加数字。"


def login_is_locked(*, username: str, ip: str | None, now: datetime | None = None) -> bool:
    """Locked when the account, or the address, failed too often within the lockout window."""
    since = (now or timezone.now()) - settings.GONGHUI_LOGIN_LOCKOUT
    limit = settings.GONGHUI_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= limit


class LoginError(Exception):
    pass


def staff_login(*, request: HttpRequest, username: str, password: str, ip: str | None) -> User:
    """Authenticate and start a session, or raise LoginError with the message to show."""
    username = username.strip()
    if login_is_locked(username=username, ip=ip):
        known = User.objects.filter(username=username).select_related("union").first()
        audit_record(
            actor=None,
            actor_name=username[:150],
            action="login.locked",
            union=known.union if known else None,
            outcome=AuditEvent.Outcome.DENIED,
            ip=ip,
        )
        minutes = int(settings.GONGHUI_LOGIN_LOCKOUT.total_seconds() // 60)
        raise LoginError(LOGIN_LOCKED.format(minutes=minutes))
    user = authenticate(request, username=username, password=password)
    if user is None:
        known = User.objects.filter(username=username).select_related("union").first()
        with transaction.atomic():
            LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
            audit_record(
                actor=None,
                actor_name=username[:150],
                action="login.failed",
                union=known.union if known else None,
                outcome=AuditEvent.Outcome.FAILURE,
                ip=ip,
            )
        raise LoginError(LOGIN_FAILED)
    assert isinstance(user, User)
    with transaction.atomic():
        django_login(request, user)
        request.session[SESSION_ABSOLUTE_KEY] = timezone.now().isoformat()
        request.session.save()
        StaffSession.objects.get_or_create(user=user, session_key=request.session.session_key or "")
        LoginFailure.objects.filter(username=username.lower()).delete()
        audit_record(actor=user, action="login.success", ip=ip)
    return user


def user_sessions_end(user: User, keep: str | None = None) -> None:
    """End every session of ``user`` but ``keep`` (the one that changed the password)."""
    sessions = StaffSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Enable or disable a staff user; disabling ends every session they have open."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user_sessions_end(user)
    audit_record(
        actor=actor,
        action="user.enable" if active else "user.disable",
        obj=user,
        union=user.union,
        summary=f"{'启用' if active else '停用'}账号 {user.username}",
    )
    return user


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after login, however active it was.

    The idle limit (30 minutes) is the session's own expiry, renewed on each request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_ABSOLUTE_KEY)
            expired = started is None or (
                timezone.now() - datetime.fromisoformat(started) > settings.GONGHUI_SESSION_ABSOLUTE
            )
            if expired:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# Where a user whose password someone else chose may still go before changing it.
PASSWORD_CHANGE_PATH = "/accounts/password/"
PASSWORD_CHANGE_ALLOWED = (PASSWORD_CHANGE_PATH, "/accounts/logout/", "/static/")


class PasswordChangeRequiredMiddleware:
    """A user with an initial password (a new account) changes it before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            getattr(user, "is_authenticated", False)
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(PASSWORD_CHANGE_ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先修改初始密码。"}, status=403)
            return redirect(PASSWORD_CHANGE_PATH)
        return self.get_response(request)
