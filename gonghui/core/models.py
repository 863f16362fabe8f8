from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from gonghui.core.roles import Role
from gonghui.core.scoping import ScopedQuerySet

__all__ = ["Role"]  # defined in core.roles, read here by most callers


class UserManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Django's user-manager methods on top of the scoped queryset."""

    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """A staff user. Their union is their scope; their role says what they may do there."""

    # A row pointing at a person never belongs to that person's union (indicator facts).
    facts_person = True

    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="所属工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.VIEWER)
    display_name = models.CharField("姓名", max_length=64, blank=True)
    # The right to see full ID numbers and phones; every use of it is audited.
    pii_access = models.BooleanField("可查看完整个人信息", default=False)
    phone = models.CharField("手机号码", max_length=11, blank=True)  # a work contact
    # Set for a password someone else chose (a new account): changed at the next login.
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEventQuerySet(ScopedQuerySet):
    """The ORM's half of append-only; the database's half is a trigger (migration 0009)
    that refuses UPDATE and DELETE from any client, raw SQL included."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("审计日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("审计日志只能追加，不能删除；过期日志由 audit_prune 清理。")


class AuditEvent(models.Model):
    """One append-only line of the audit log. Written by services, never by signals."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILURE = "failure", "失败"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # No database constraint and nothing done on delete: the log is never updated, so a
    # deleted user or union leaves its number here, and actor_name still says who acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept apart from the FK so the log still names who acted after a user is deleted.
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="所属工会",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.TextField("摘要", blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    outcome = models.CharField(
        "结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("审计日志只能追加，不能删除。")


class LoginFailure(models.Model):
    """A failed login, kept to lock out an account or an address after repeated failures.

    Stored in the database, so the lockout holds across several app servers.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}"


class StaffSession(models.Model):
    """Which sessions belong to which user, so that disabling a user can end them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


class Job(models.Model):
    """Long work done by a task worker, with progress the pages poll."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=64)
    label = models.CharField("名称", max_length=128)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    failed = models.PositiveIntegerField("失败数", default=0)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField("错误", blank=True)  # for the operator's log, never shown
    # Why it failed, in Chinese, for the person who started it.
    reason = models.CharField("失败原因", max_length=500, blank=True)
    # The task that runs it (its import path), so a failed job can be run again.
    task = models.CharField("任务", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # The running worker's last sign of life (on SQLite a side file carries it: see jobs.py).
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * (self.done + self.failed) / self.total))

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class PeriodicRun(models.Model):
    """When each periodic task was last enqueued. The scheduler claims a due row under a
    lock, so with several schedulers running each task is still enqueued once per period."""

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class IndicatorFact(models.Model):
    """An indicator's value for one owning union in one month (core/indicators/facts.py):
    a flow's value in the month, a stock's change over the month (the stock at a month's end
    is the sum up to it), a median's values counted by value. Kept from the change log, read
    by the reports; rows that would hold nothing are not written."""

    indicator = models.CharField(max_length=64)
    owner = models.IntegerField()  # the owning union's id (no key: facts never hold a union up)
    month = models.DateField()  # the first day
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    histogram = models.JSONField(null=True)  # medians: {value: how many}

    class Meta:
        indexes = [
            models.Index(fields=["indicator", "owner", "month"], name="core_fact_owner"),
            models.Index(fields=["indicator", "month"], name="core_fact_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.owner} {self.month:%Y-%m}"


class FactChange(models.Model):
    """A record of ``source`` changed that belongs to row ``ref`` of table ``tbl`` (a union,
    or a row leading to one): written by the database's own triggers in the changing
    transaction, whatever wrote it (a service, an import's COPY, an update()); drained by
    ``facts_drain``. Not unique: a writer must never skip its row because a drain is about to
    delete an equal one."""

    source = models.CharField(max_length=64)
    tbl = models.CharField(max_length=64)
    ref = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.source}: {self.tbl} {self.ref}"


class FactsState(models.Model):
    """The months the facts cover (one row); without it the reports count live."""

    first_month = models.DateField()
    last_month = models.DateField()
    built_at = models.DateTimeField()
    # The indicators kept, each with the fingerprint of its query's SQL when its facts were
    # counted (a changed declaration is counted again), and the tables with triggers.
    indicators = models.JSONField(default=dict)
    tables = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.first_month:%Y-%m}—{self.last_month:%Y-%m}"


# The workflow engine's trail lives in its own module; importing it here registers it.
from gonghui.core.workflow.models import ReviewEntry  # noqa: E402, F401


class ApiClient(models.Model):
    """Another government system that calls the API with a token: its union's subtree is
    its scope, and each area (组织、会员、互助…) is closed, readable, or read-write to it.
    The token is shown once when issued; only its hash is kept."""

    class Access(models.TextChoices):
        NONE = "", "无"
        READ = "read", "只读"
        WRITE = "write", "读写"

    name = models.CharField("系统名称", max_length=64, unique=True)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    permissions = models.JSONField("权限", default=dict, blank=True)  # {area: "read"|"write"}
    prefix = models.CharField("令牌前缀", max_length=16, unique=True)
    token_hash = models.CharField("令牌摘要", max_length=64)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    rotated_at = models.DateTimeField("令牌更换时间", null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近调用", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "接口客户端"
        verbose_name_plural = "接口客户端"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
