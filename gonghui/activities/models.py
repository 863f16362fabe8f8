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
