"""Writing and pruning the audit log.

Services call ``audit_record`` inside their transaction, so an event exists exactly when the
change it describes was committed. The client address comes from the request being served
(set by ``RequestContextMiddleware``) unless a caller passes one.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from gonghui.core.actors import SERVER, Actor
from gonghui.core.models import AuditEvent, User
from gonghui.core.pii import scrub_personal

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)

# The Chinese name of every audited action, registered by the app that writes it (in its
# AppConfig.ready), so the log reads as sentences and can be filtered from a list.
_ACTION_LABELS: dict[str, str] = {}


def audit_actions_register(labels: dict[str, str], *, default: bool = False) -> None:
    """Name audit actions in Chinese. ``default`` names (the workflow engine's "<type>：
    <action>") never replace a name an app registered for the same action."""
    if default:
        for code, label in labels.items():
            _ACTION_LABELS.setdefault(code, label)
    else:
        _ACTION_LABELS.update(labels)


@functools.cache
def _workflows_named() -> None:
    """Each workflow type names its transitions when it registers: find them once."""
    autodiscover_modules("workflows")


def audit_action_label(code: str) -> str:
    """The Chinese name of an action; an application's transition reads "<type>：<action>"."""
    _workflows_named()
    return _ACTION_LABELS.get(code, code)


def audit_action_choices() -> list[tuple[str, str]]:
    """Every action a user may filter by, in the order of their Chinese names."""
    _workflows_named()
    return sorted(_ACTION_LABELS.items(), key=lambda item: item[1])


audit_actions_register(
    {
        "login.success": "登录成功",
        "login.failed": "登录失败",
        "login.locked": "登录被锁定",
        "job.start": "发起后台任务",
        "job.retry": "重新运行后台任务",
        "job.result_download": "下载任务结果文件",
        "audit.prune": "清理过期审计日志",
        "keys.rotate": "轮换数据密钥",
        "notice.setting": "修改公示设置",
        "pii.search": "按完整身份证号或手机号查询",
        "api.call": "接口调用",
        "api_client.create": "开通接口客户端",
        "api_client.rotate": "更换接口令牌",
        "api_client.revoke": "停用接口客户端",
    }
)


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    union: Any = None,
    summary: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. ``summary`` must never carry raw personal data (use masked values).
    ``actor`` is None only when no one was identified (a failed login or reset under a name
    given by the visitor, kept in ``actor_name``); the server's own work acts as SERVER."""
    event = audit_event_row(
        actor=actor,
        action=action,
        obj=obj,
        union=union,
        summary=summary,
        outcome=outcome,
        ip=ip,
        actor_name=actor_name,
    )
    event.save(force_insert=True)
    return event


def audit_count_since(*, actor: Actor, action: str, since: Any) -> int:
    """How many ``action`` events the actor has to its name since ``since``: the counter of
    the per-user limits (searches by a full number, API calls). A user row is matched by id,
    an identity that names itself (an API client) by that name."""
    named = getattr(actor, "audit_name", "")
    mine = {"actor_name": named} if named else {"actor_id": actor.pk}
    return AuditEvent.objects.filter(**mine, action=action, at__gte=since).count()


def audit_event_row(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    union: Any = None,
    summary: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """The event ``audit_record`` would append, unsaved: for a writer that inserts it in a
    transaction of its own connection (an import's background writer)."""
    if union is None and obj is not None:
        union = obj if obj._meta.model_name == "union" else getattr(obj, "union", None)
    if union is None and actor is not None:
        union = getattr(actor, "union", None)
    if union is None:
        # Events about no union (a failed login by an unknown name) belong to the root, so
        # the city's administrators see them.
        from gonghui.orgs.models import Union

        union = Union.objects.filter(depth=1).order_by("path").first()
    # A user row, or an identity that names itself (an API client's actor).
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    named = getattr(actor, "audit_name", "")
    return AuditEvent(
        at=timezone.now(),
        actor=actor if isinstance(actor, User) and not named else None,
        actor_name=actor_name or named or (actor.get_username() if actor and is_user else ""),
        union=union,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=scrub_personal(summary)[:2000],
        ip=ip or current_ip.get(),
        outcome=outcome,
    )


_unlocked = threading.local()


def _prune_unlocked() -> int:
    return 1 if getattr(_unlocked, "on", False) else 0


def audit_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Register gonghui_audit_prune() on each SQLite connection: the delete trigger of the
    audit log asks it whether this thread is inside the sanctioned prune."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("gonghui_audit_prune", 0, _prune_unlocked)


@contextlib.contextmanager
def audit_unlocked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside an atomic block: the audit log's delete trigger lets rows go. Only
    ``audit_prune`` uses it (and the test suite's flush between transactional tests)."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        if not conn.in_atomic_block:
            raise RuntimeError("audit_unlocked needs a transaction")
        with conn.cursor() as cursor:
            cursor.execute("SET LOCAL gonghui.audit_prune = 'on'")
    _unlocked.on = True
    try:
        yield
    finally:
        _unlocked.on = False
        if conn.vendor == "postgresql" and conn.in_atomic_block:
            with conn.cursor() as cursor:
                cursor.execute("SET LOCAL gonghui.audit_prune = 'off'")


def audit_prune(
    *, now: Any = None, retention_days: int | None = None, actor: Actor = SERVER
) -> int:
    """Delete events older than the retention period; returns how many were removed.

    The one sanctioned way to remove audit events: in one transaction the database's
    append-only trigger is unlocked for this deletion only, and an audit.prune event
    (which no prune removes, being new) records who pruned what."""
    days = settings.GONGHUI_AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        old = AuditEvent.objects.filter(at__lt=cutoff)
        with audit_unlocked():
            removed = int(old._raw_delete(old.db))
        audit_record(
            actor=actor,
            action="audit.prune",
            summary=f"清理 {cutoff:%Y-%m-%d %H:%M} 之前（保存期 {days} 天）的审计日志 {removed} 条",
        )
    return removed


def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    events: list[tuple[models.Model, Any, str]],
    ip: str | None = None,
) -> int:
    """Append one event per (object, union, summary) in one statement: bulk actions write an
    event per item without a round trip per item."""
    # A system actor (the server operator) is named though it is no user row.
    name = actor.get_username() if actor is not None else ""
    address = ip or current_ip.get()
    rows = [
        AuditEvent(
            actor=actor if isinstance(actor, User) else None,
            actor_name=name,
            union=union,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary=scrub_personal(summary)[:2000],
            ip=address,
        )
        for obj, union, summary in events
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
