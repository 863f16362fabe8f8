from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet


class Target(models.Model):
    """目标: a year's target of one indicator for one union (the city's, or a county's)."""

    indicator = models.CharField("指标", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="工会", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField("年度目标", max_digits=16, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "union"], name="target_indicator_year_union"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator} {self.union_id}: {self.value}"


class DispatchSubmission(models.Model):
    """上报: a union's dispatch table of a month as it was when submitted. The submitted
    figures, targets and lights are kept here and shown from here; a later change to the
    records shows beside them as an adjustment (调整). The workbook is the one submitted."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="工会", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    snapshot = models.JSONField("上报时的数字")
    workbook = models.BinaryField("上报的表格")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("上报时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "每月一调度上报"
        verbose_name_plural = "每月一调度上报"
        constraints = [
            models.UniqueConstraint(fields=["union", "year", "month"], name="dispatch_submit_once"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="dispatch_submit_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.year}-{self.month:02d}"
