"""The activity ledger (活动台账): every 班前十分钟, 宣讲, 文体活动, livestream, campus visit and
forum a union holds, one row each, of a kind declared in ``kinds.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet


class Activity(models.Model):
    kind = models.CharField("类型", max_length=32, db_index=True)
    title = models.CharField("活动名称", max_length=128)
    held_on = models.DateField("活动日期")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="开展企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.CharField("地点", max_length=128, blank=True)
    attendance = models.PositiveIntegerField("参与人次", default=0)
    speakers = models.CharField("主讲人", max_length=200, blank=True)
    # The kind's own fields (主讲人类型, 观看人次, 学校…), as its declaration names them.
    extra = models.JSONField("类型字段", default=dict, blank=True)
    showcase = models.BooleanField("优秀活动案例", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "活动台账"
        verbose_name_plural = "活动台账"
        ordering = ["-held_on", "-id"]
        constraints = [
            # The sheet's natural key: importing the same row again creates nothing.
            models.UniqueConstraint(
                fields=["union", "kind", "title", "held_on"], name="activity_once"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance__lte=100_000), name="activity_attendance_bounded"
            ),
        ]
        indexes = [models.Index(fields=["kind", "held_on"], name="activity_kind_day")]

    def __str__(self) -> str:
        return self.title


class JobFair(models.Model):
    """A 春风送岗 job fair: organised by a union on a day, online or on site; its employers
    and their positions are imported per fair (sheet ``job-positions``) until it is closed."""

    class Mode(models.TextChoices):
        ONSITE = "onsite", "线下"
        ONLINE = "online", "线上"
        BOTH = "both", "线上线下"

    title = models.CharField("招聘会名称", max_length=128)
    held_on = models.DateField("举办日期")
    mode = models.CharField("举办方式", max_length=8, choices=Mode.choices, default=Mode.ONSITE)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    venue = models.CharField("地点或平台", max_length=128, blank=True)
    # Set when the fair is over: its positions are then final and no sheet adds to them.
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘会"
        verbose_name_plural = "招聘会"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "title", "held_on"], name="job_fair_once")
        ]
        indexes = [models.Index(fields=["held_on"], name="job_fair_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class FairOwnedQuerySet(ScopedQuerySet):
    scope_path_field = "fair__union__path"


class JobFairEmployer(models.Model):
    """An employer at a fair, linked to the enterprise register when its 统一社会信用代码 is
    there."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="employers")
    name = models.CharField("用人单位", max_length=128)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业名录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FairOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘单位"
        verbose_name_plural = "招聘单位"
        constraints = [
            models.UniqueConstraint(fields=["fair", "name"], name="job_fair_employer_once")
        ]

    def __str__(self) -> str:
        return self.name


class JobPosition(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="positions")
    employer = models.ForeignKey(
        JobFairEmployer, on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField("岗位名称", max_length=64)
    posts = models.PositiveIntegerField("招聘人数")
    pay_min = models.DecimalField("月薪下限（元）", max_digits=9, decimal_places=2, null=True)
    pay_max = models.DecimalField("月薪上限（元）", max_digits=9, decimal_places=2, null=True)
    new_form_open = models.BooleanField("接受新就业形态劳动者", default=False)
    applicants = models.PositiveIntegerField("投递人数", default=0)
    hires = models.PositiveIntegerField("录用人数", default=0)

    objects = FairOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "title"], name="job_position_once"),
            models.CheckConstraint(
                condition=models.Q(posts__gte=1, posts__lte=100_000), name="job_position_posts"
            ),
        ]

    def __str__(self) -> str:
        return self.title
