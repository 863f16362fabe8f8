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


class BudgetCategory(models.TextChoices):
    """The expenditure categories of the union accounting system (工会会计制度)."""

    ACTIVITIES = "activities", "职工活动支出"
    RIGHTS = "rights", "维权支出"
    OPERATIONS = "operations", "业务支出"
    CAPITAL = "capital", "资本性支出"
    GRANTS = "grants", "补助下级支出"
    UNDERTAKINGS = "undertakings", "事业支出"
    OTHER = "other", "其他支出"


class BudgetYear(models.Model):
    """A union's budget for a year; closed at the year's settlement, after which nothing is
    spent on it."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="工会", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    closed_on = models.DateField("决算关账日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度预算"
        verbose_name_plural = "年度预算"
        ordering = ["-year", "union"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="wages_budget_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.union} {self.year}年预算"


class BudgetLineQuerySet(ScopedQuerySet):
    scope_path_field = "budget__union__path"


class BudgetLine(models.Model):
    """One line of a year's budget: a category and the line's own name (明细)."""

    budget = models.ForeignKey(
        BudgetYear, verbose_name="年度预算", on_delete=models.CASCADE, related_name="lines"
    )
    category = models.CharField("支出科目", max_length=16, choices=BudgetCategory.choices)
    name = models.CharField("预算项目", max_length=100)
    amount = models.DecimalField("预算数（元）", max_digits=14, decimal_places=2)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = "预算项目"
        verbose_name_plural = "预算项目"
        ordering = ["budget", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "category", "name"], name="wages_budget_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}·{self.name}"


class SpendingKind(models.TextChoices):
    """What an expenditure paid for, where the 特色工会活动项目支出标准 set a cap."""

    CULTURE_SPORTS = "culture_sports", "文体活动"
    CONDOLENCE = "condolence", "慰问品"
    TRAINING = "training", "职工培训"
    RECUPERATION = "recuperation", "疗休养"
    MEETING = "meeting", "会议"
    OTHER = "other", "其他"


class SpendingStandard(models.Model):
    """A cap on spending of one kind, set by a union for its subtree from a day on: per
    person, per event, or both. The nearest union's standard in force applies."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="制定工会", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("支出类别", max_length=16, choices=SpendingKind.choices)
    per_person = models.DecimalField(
        "人均上限（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    per_event = models.DecimalField(
        "单次上限（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    effective_from = models.DateField("执行日期")
    basis = models.CharField("依据", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "支出标准"
        verbose_name_plural = "支出标准"
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "kind", "effective_from"], name="wages_standard_once"
            ),
            models.CheckConstraint(
                condition=models.Q(per_person__isnull=False) | models.Q(per_event__isnull=False),
                name="wages_standard_has_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}支出标准（{self.effective_from}起）"


class Expenditure(models.Model):
    """A payment out of a budget line. Above its spending standard it is flagged, with the
    reason, for the county to explain."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="支出工会", on_delete=models.PROTECT, related_name="+"
    )
    line = models.ForeignKey(
        BudgetLine, verbose_name="预算项目", on_delete=models.PROTECT, related_name="expenditures"
    )
    spent_on = models.DateField("支出日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    payee = models.CharField("收款方", max_length=128)
    voucher = models.CharField("凭证号", max_length=32)
    kind = models.CharField(
        "支出类别", max_length=16, choices=SpendingKind.choices, default=SpendingKind.OTHER
    )
    people = models.PositiveIntegerField("受益人数", null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="关联活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField("摘要", max_length=200, blank=True)
    over_standard = models.CharField("超标准情况", max_length=200, blank=True)
    explanation = models.TextField("超标准说明", blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "经费支出"
        verbose_name_plural = "经费支出"
        ordering = ["-spent_on", "-id"]
        indexes = [
            models.Index(fields=["union", "spent_on"], name="wages_spend_union_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "voucher", "spent_on"], name="wages_spend_voucher_once"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="wages_spend_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} {self.payee} {self.amount}"


class AllocationPurpose(models.TextChoices):
    NEW_FORM_RECUPERATION = "nf_recuperation", "新就业形态劳动者疗休养"
    NEW_FORM_CHECKUP = "nf_checkup", "新就业形态劳动者健康体检"
    NEW_FORM_MUTUAL_AID = "nf_mutual_aid", "新就业形态劳动者互助保障补贴"
    GRASSROOTS = "grassroots", "基层工会经费补助"
    OTHER = "other", "其他"


NEW_FORM_PURPOSES = (
    AllocationPurpose.NEW_FORM_RECUPERATION,
    AllocationPurpose.NEW_FORM_CHECKUP,
    AllocationPurpose.NEW_FORM_MUTUAL_AID,
)


class AllocationQuerySet(ScopedQuerySet):
    # Read by the union that received it (and so by its ancestors, the giver included).
    scope_path_field = "to_union__path"


class Allocation(models.Model):
    """Money a union allocates to a union below it, with its purpose."""

    from_union = models.ForeignKey(
        "orgs.Union", verbose_name="拨付工会", on_delete=models.PROTECT, related_name="+"
    )
    to_union = models.ForeignKey(
        "orgs.Union", verbose_name="接收工会", on_delete=models.PROTECT, related_name="+"
    )
    allocated_on = models.DateField("拨付日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    purpose = models.CharField("用途", max_length=16, choices=AllocationPurpose.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = "经费拨付"
        verbose_name_plural = "经费拨付"
        ordering = ["-allocated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="wages_allocation_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_union}→{self.to_union} {self.amount}"


class AssetKind(models.TextChoices):
    PALACE = "palace", "工人文化宫"
    SERVICE_CENTRE = "service_centre", "职工服务中心"
    RESORT = "resort", "职工疗休养基地"
    OTHER = "other", "其他房产"


class Asset(models.Model):
    """A property the union owns (工会资产): a workers' palace, a service centre, a resort."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="产权工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("资产名称", max_length=128)
    kind = models.CharField("类别", max_length=16, choices=AssetKind.choices)
    address = models.CharField("地址", max_length=200)
    area = models.DecimalField("建筑面积（㎡）", max_digits=10, decimal_places=2)
    operator = models.CharField("运营单位", max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工会资产"
        verbose_name_plural = "工会资产"
        ordering = ["union", "name"]
        constraints = [models.UniqueConstraint(fields=["union", "name"], name="wages_asset_once")]

    def __str__(self) -> str:
        return self.name


class LeaseQuerySet(ScopedQuerySet):
    scope_path_field = "asset__union__path"


class Lease(models.Model):
    """Part of an asset let to a tenant: the rent for each cycle is due on the cycle's first
    day, from the lease's start to its end."""

    class Cycle(models.IntegerChoices):
        MONTH = 1, "按月"
        QUARTER = 3, "按季"
        HALF = 6, "按半年"
        YEAR = 12, "按年"

    asset = models.ForeignKey(
        Asset, verbose_name="资产", on_delete=models.PROTECT, related_name="leases"
    )
    premises = models.CharField("出租部位", max_length=128)
    tenant = models.CharField("承租方", max_length=128)
    starts_on = models.DateField("起租日期")
    ends_on = models.DateField("到期日期")
    rent = models.DecimalField("每期租金（元）", max_digits=12, decimal_places=2)
    cycle = models.PositiveSmallIntegerField(
        "缴租周期", choices=Cycle.choices, default=Cycle.QUARTER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        verbose_name = "租赁合同"
        verbose_name_plural = "租赁合同"
        ordering = ["asset", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="wages_lease_term"
            ),
            models.CheckConstraint(condition=models.Q(rent__gt=0), name="wages_lease_rent"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} {self.premises}（{self.tenant}）"


class RentPaymentQuerySet(ScopedQuerySet):
    scope_path_field = "lease__asset__union__path"


class RentPayment(models.Model):
    lease = models.ForeignKey(
        Lease, verbose_name="租赁合同", on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField("收款日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    receipt = models.CharField("收据号", max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RentPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "租金收款"
        verbose_name_plural = "租金收款"
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="wages_rent_positive")
        ]

    def __str__(self) -> str:
        return f"{self.lease} {self.paid_on} {self.amount}"
