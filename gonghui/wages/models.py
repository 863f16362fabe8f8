"""能级工资集体协商: skill-level wage contracts and their wage tables. A contract is signed by
one enterprise or, as a regional or industry contract, covers several; its rise is computed
from its table, never typed."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.workflow.models import WorkflowItem


class WageGrade(models.TextChoices):
    """The rows a wage table may have: the skill grades and the awards a contract adds."""

    JUNIOR = "junior", "初级工"
    INTERMEDIATE = "intermediate", "中级工"
    SENIOR = "senior", "高级工"
    TECHNICIAN = "technician", "技师"
    SENIOR_TECHNICIAN = "senior_technician", "高级技师"
    PRINCIPAL_TECHNICIAN = "principal_technician", "特级技师"
    CHIEF_TECHNICIAN = "chief_technician", "首席技师"
    INNOVATION_AWARD = "innovation_award", "创新成果奖励"
    HONOUR_AWARD = "honour_award", "荣誉称号奖励"


class WageContract(models.Model):
    """A contract (合同编号 unique), owned by the union that recorded it."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("合同编号", max_length=64, unique=True)
    signed_on = models.DateField("签订日期")
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("终止日期")
    pilot = models.BooleanField("全域试点", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "能级工资集体合同"
        verbose_name_plural = "能级工资集体合同"
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["union", "signed_on"], name="wages_contract_union_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="wages_contract_term",
            )
        ]

    def __str__(self) -> str:
        return self.code


class WageRowQuerySet(ScopedQuerySet):
    scope_path_field = "contract__union__path"


class WageRow(models.Model):
    """One grade of one enterprise in a contract's wage table."""

    contract = models.ForeignKey(
        WageContract, verbose_name="合同", on_delete=models.CASCADE, related_name="rows"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("技能等级", max_length=32, choices=WageGrade.choices)
    workers = models.PositiveIntegerField("人数")
    wage_before = models.DecimalField("协商前月工资", max_digits=10, decimal_places=2)
    wage_after = models.DecimalField("协商后月工资", max_digits=10, decimal_places=2)
    # Why a wage falls (a grade's pay restructured): required when after < before.
    note = models.CharField("说明", max_length=200, blank=True)

    objects = WageRowQuerySet.as_manager()

    class Meta:
        verbose_name = "工资标准"
        verbose_name_plural = "工资标准"
        ordering = ["contract", "enterprise", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "enterprise", "grade"], name="wages_row_once"
            ),
            models.CheckConstraint(condition=models.Q(workers__gt=0), name="wages_row_workers"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.get_grade_display()}"

    @property
    def bill_before(self) -> Decimal:
        return self.workers * self.wage_before

    @property
    def bill_after(self) -> Decimal:
        return self.workers * self.wage_after


class RecordSource(models.TextChoices):
    RECORD = "record", "登记"
    # Kept from the enterprise register's former yes/no fields: dated the day the register
    # was last written, with nothing else known.
    REGISTER = "register", "企业名录原有标记"


class CongressSession(models.Model):
    """A session of an enterprise's workers' congress (职代会). An enterprise has an
    established congress while it held one within the last twelve months."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="congress_sessions",
    )
    held_on = models.DateField("召开日期")
    delegates = models.PositiveIntegerField("应到代表", default=0)
    attended = models.PositiveIntegerField("实到代表", default=0)
    resolutions = models.TextField("决议事项", blank=True)
    source = models.CharField(
        "来源", max_length=16, choices=RecordSource.choices, default=RecordSource.RECORD
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职代会会议"
        verbose_name_plural = "职代会会议"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "held_on"], name="wages_congress_once"),
            models.CheckConstraint(
                condition=models.Q(attended__lte=models.F("delegates")),
                name="wages_congress_attended",
            ),
        ]
        indexes = [models.Index(fields=["union", "held_on"], name="wages_congress_union_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.held_on}"


class DisclosureChannel(models.TextChoices):
    BOARD = "board", "厂务公开栏"
    CONGRESS = "congress", "职代会"
    MEETING = "meeting", "职工大会或座谈会"
    ONLINE = "online", "企业内网或微信群"
    OTHER = "other", "其他"


class Disclosure(models.Model):
    """An item of enterprise affairs disclosed to the workers (厂务公开). An enterprise
    practises disclosure while it disclosed something within the last six months."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="disclosures"
    )
    disclosed_on = models.DateField("公开日期")
    channel = models.CharField(
        "公开形式",
        max_length=16,
        choices=DisclosureChannel.choices,
        default=DisclosureChannel.BOARD,
    )
    subject = models.CharField("公开事项", max_length=200)
    source = models.CharField(
        "来源", max_length=16, choices=RecordSource.choices, default=RecordSource.RECORD
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "厂务公开事项"
        verbose_name_plural = "厂务公开事项"
        ordering = ["-disclosed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "disclosed_on", "subject"], name="wages_disclosure_once"
            )
        ]
        indexes = [
            models.Index(fields=["union", "disclosed_on"], name="wages_disclosure_union_day")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.disclosed_on} {self.subject}"


DUES_RATE = Decimal("0.02")  # union dues: 2 % of the payroll (工会法第四十三条)


class ReliefKind(models.TextChoices):
    DEFER = "defer", "缓缴"
    REDUCE = "reduce", "减免"


class ReliefReason(models.TextChoices):
    SMALL = "small", "小微企业"
    HARDSHIP = "hardship", "困难企业"
    DISASTER = "disaster", "受灾或突发事件影响"
    OTHER = "other", "其他"


class DuesRelief(WorkflowItem):
    """An application to defer (缓缴) or reduce (减免) an enterprise's union dues for a
    period, by the enterprise's union or by the township on its behalf, reviewed by the
    county. ``amount`` is the dues relieved; it may not exceed 2 % of the period's payroll.
    A deferral is due again on ``due_on`` and settled on ``settled_on``."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="dues_reliefs",
    )
    kind = models.CharField("缓减方式", max_length=16, choices=ReliefKind.choices)
    period_from = models.DateField("起始月份")
    period_to = models.DateField("截止月份")
    payroll = models.DecimalField("工资总额（元）", max_digits=16, decimal_places=2)
    reason = models.CharField("原因", max_length=16, choices=ReliefReason.choices)
    reason_note = models.CharField("原因说明", max_length=200, blank=True)
    policy = models.CharField("政策依据", max_length=100, blank=True)
    due_on = models.DateField("缓缴到期日", null=True, blank=True)
    settled_on = models.DateField("补缴日期", null=True, blank=True)

    class Meta:
        verbose_name = "工会经费缓减"
        verbose_name_plural = "工会经费缓减"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["union", "id"], name="wages_relief_union_id"),
            models.Index(fields=["enterprise", "period_from"], name="wages_relief_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="wages_relief_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.period_label}"

    @property
    def dues(self) -> Decimal:
        return (self.payroll * DUES_RATE).quantize(Decimal("0.01"))

    @property
    def period_label(self) -> str:
        return f"{self.period_from:%Y-%m}至{self.period_to:%Y-%m}"
