from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet, scope_path_of


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


class ProgrammeQuerySet(ScopedQuerySet):
    """A programme is its own union's, the unions' below it (each reads its own subtree's
    progress) and those of the unions above (the city's bus is every county's)."""

    def visible_to(self, scope: Any) -> ProgrammeQuerySet:
        path = scope_path_of(scope)
        if path is None:
            return self.none()
        from gonghui.care.models import ancestor_paths

        return self.filter(
            models.Q(union__path__startswith=path) | models.Q(union__path__in=ancestor_paths(path))
        )


class Programme(models.Model):
    """A programme with cumulative targets over several years (the 湖工有爱 共富班车: baseline
    2023, target year 2025), counted from the start of its baseline year to the report day,
    for the union that runs it and each union below."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="牵头工会", on_delete=models.PROTECT, related_name="+"
    )
    baseline_year = models.PositiveSmallIntegerField("基准年")
    target_year = models.PositiveSmallIntegerField("目标年")
    # Its target group: a group of members.people (new_form, new_form_enterprise, …) and the
    # size the programme states for it (5万余).
    group = models.CharField("服务对象", max_length=64, blank=True)
    group_stated = models.PositiveIntegerField("服务对象规模（规划数）", null=True, blank=True)
    description = models.TextField("说明", blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-target_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__gte=models.F("baseline_year")),
                name="programme_years",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeTarget(models.Model):
    """One target of a programme: a participation rate in a service item among a group
    (≥ 95 %), or a cumulative count of an indicator (5000 skill promotions). A target naming
    an indicator or item no module declares yet is kept and shown once it exists."""

    class Measure(models.TextChoices):
        PARTICIPATION = "participation", "参与率"
        INDICATOR = "indicator", "累计数"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    label = models.CharField("目标", max_length=128)
    measure = models.CharField("口径", max_length=16, choices=Measure.choices)
    indicator = models.CharField("指标", max_length=64, blank=True)
    item = models.CharField("服务项目", max_length=32, blank=True)
    group = models.CharField("对象", max_length=64, blank=True)
    value = models.DecimalField("目标值", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "计划目标"
        verbose_name_plural = "计划目标"
        ordering = ["programme", "order", "id"]

    def __str__(self) -> str:
        return self.label
