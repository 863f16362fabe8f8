"""Mutual aid (职工医疗互助) and critical-illness relief (会员大病救助); their payout batches
are the workflow engine's (``gonghui.core.workflow.models.PayoutBatch``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.attachments import PrivateStorage
from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet, scope_path_of
from gonghui.core.workflow.models import RELEASED_STATES, WorkflowItem


class Category(models.TextChoices):
    INPATIENT = "inpatient", "住院"
    OUTPATIENT_SPECIAL = "outpatient_special", "门诊特殊病"
    ACCIDENT = "accident", "意外伤害"
    CRITICAL_ILLNESS = "critical_illness", "重大疾病"


class PolicyQuerySet(ScopedQuerySet):
    """A plan or relief policy is read by its own union's subtree and run by its owner: a
    county enrolls its members in the city's plan, so a user sees the policies of their
    ancestors as well as those of their subtree."""

    def visible_to(self, scope: object) -> PolicyQuerySet:
        path = scope_path_of(scope)
        if path is None:
            return self.none()
        from gonghui.orgs.models import Union

        step = Union.steplen
        ancestors = [path[:n] for n in range(step, len(path) + 1, step)]
        return self.filter(Q(union__path__in=ancestors) | Q(union__path__startswith=path))


class MutualAidPlan(models.Model):
    """One year's mutual-aid plan of a union (the city's by default)."""

    code = models.CharField("方案代码", max_length=32, unique=True)
    name = models.CharField("方案名称", max_length=128)
    year = models.PositiveSmallIntegerField("年度")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="举办工会", on_delete=models.PROTECT, related_name="+"
    )
    fee_per_member = models.DecimalField("参保费（元/人·年）", max_digits=8, decimal_places=2)
    enroll_from = models.DateField("参保开始日期")
    enroll_to = models.DateField("参保截止日期")
    coverage_from = models.DateField("保障开始日期")
    coverage_to = models.DateField("保障截止日期")
    waiting_days = models.PositiveSmallIntegerField("观察期（天）", default=90)
    claim_deadline_days = models.PositiveSmallIntegerField("申请时限（天）", default=730)
    city_approval_above = models.DecimalField(
        "超过此金额须市总审批（元）", max_digits=12, decimal_places=2, default=20000
    )
    # The categories' terms as loaded (see gonghui.aid.terms for their shape).
    categories = models.JSONField("保障类别")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "医疗互助方案"
        verbose_name_plural = "医疗互助方案"
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name


class MutualAidEnrollment(models.Model):
    """参保: a member in a plan. ``union`` is the member's union when enrolled (the fee)."""

    plan = models.ForeignKey(
        MutualAidPlan, verbose_name="方案", on_delete=models.PROTECT, related_name="enrollments"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员",
        on_delete=models.PROTECT,
        related_name="aid_enrollments",
    )
    union = models.ForeignKey(
        "orgs.Union", verbose_name="参保工会", on_delete=models.PROTECT, related_name="+"
    )
    enrolled_on = models.DateField("参保日期")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "参保记录"
        verbose_name_plural = "参保记录"
        constraints = [
            models.UniqueConstraint(fields=["plan", "member"], name="enrollment_plan_member")
        ]
        indexes = [
            models.Index(fields=["member", "plan"], name="enrollment_member_plan"),
            models.Index(fields=["plan", "union"], name="enrollment_plan_union"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.member_id}"


class MutualAidClaim(WorkflowItem):
    """互助金申请: a member's claim on their plan for one hospital stay or visit."""

    member = models.ForeignKey(
        "members.Member", verbose_name="会员", on_delete=models.PROTECT, related_name="aid_claims"
    )
    plan = models.ForeignKey(
        MutualAidPlan, verbose_name="方案", on_delete=models.PROTECT, related_name="claims"
    )
    enrollment = models.ForeignKey(
        MutualAidEnrollment,
        verbose_name="参保记录",
        on_delete=models.PROTECT,
        related_name="claims",
    )
    category = models.CharField("类别", max_length=32, choices=Category.choices)
    hospital = models.CharField("医院", max_length=128)
    start_date = models.DateField("入院（就诊）日期")
    discharge_date = models.DateField("出院日期", null=True, blank=True)
    invoice_no = models.CharField("发票号", max_length=64)
    total_cost = models.DecimalField("医疗总费用", max_digits=12, decimal_places=2)
    insurance_paid = models.DecimalField("医保统筹支付", max_digits=12, decimal_places=2)
    self_paid = models.DecimalField("个人自付", max_digits=12, decimal_places=2)
    payee_bank = models.CharField("收款银行", max_length=64)
    account_cipher = CipherField("收款账号（密文）")
    account_masked = models.CharField("收款账号", max_length=32)
    paper_documents = models.BooleanField("纸质材料", default=False)
    # What this claim took of the deductible, and the computation shown on its page.
    deductible_used = models.DecimalField("抵扣起付线", max_digits=12, decimal_places=2, default=0)
    calculation = models.JSONField("计算过程", default=list, blank=True)
    source_row = models.PositiveIntegerField("导入行号", null=True, blank=True)

    class Meta:
        verbose_name = "互助金申请"
        verbose_name_plural = "互助金申请"
        constraints = [
            # An invoice pays once: a claim that is not rejected or withdrawn holds its number.
            models.UniqueConstraint(
                fields=["invoice_no"],
                condition=~Q(state__in=RELEASED_STATES),
                name="claim_invoice_live_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "step", "union"], name="claim_inbox"),
            models.Index(fields=["member", "plan", "category"], name="claim_member_plan"),
            models.Index(fields=["union", "id"], name="claim_union_id"),
            models.Index(fields=["paid_on"], name="claim_paid_on"),
        ]

    def __str__(self) -> str:
        return f"互助金申请 #{self.pk}"


class ClaimDocumentQuerySet(ScopedQuerySet):
    scope_path_field = "claim__union__path"


class ClaimDocument(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "发票"
        DISCHARGE_SUMMARY = "discharge_summary", "出院小结"
        SETTLEMENT_SLIP = "settlement_slip", "医保结算单"
        DIAGNOSIS = "diagnosis", "诊断证明"
        OTHER = "other", "其他材料"

    claim = models.ForeignKey(
        MutualAidClaim, verbose_name="申请", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=32, choices=Kind.choices)
    file = models.FileField("文件", storage=PrivateStorage(), upload_to="claims/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.original_name


class ReliefPolicy(models.Model):
    """会员大病救助: a year's rules of a union's relief fund (diseases and grant tiers)."""

    code = models.CharField("政策代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128)
    year = models.PositiveSmallIntegerField("年度")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="举办工会", on_delete=models.PROTECT, related_name="+"
    )
    fund_name = models.CharField("资金来源", max_length=128, default="会员大病救助金")
    # [{"from": "20000.00", "to": "50000.00", "grant": "3000.00"}, …] (to null: no upper bound)
    tiers = models.JSONField("救助档次")
    diseases = models.JSONField("重大疾病目录", default=list)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "大病救助政策"
        verbose_name_plural = "大病救助政策"
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name


class ReliefApplication(WorkflowItem):
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员",
        on_delete=models.PROTECT,
        related_name="relief_applications",
    )
    policy = models.ForeignKey(
        ReliefPolicy, verbose_name="救助政策", on_delete=models.PROTECT, related_name="applications"
    )
    diagnosis = models.CharField("诊断（重大疾病）", max_length=64)
    self_paid_year = models.DecimalField("年度个人自付医疗费用", max_digits=12, decimal_places=2)
    payee_bank = models.CharField("收款银行", max_length=64)
    account_cipher = CipherField("收款账号（密文）")
    account_masked = models.CharField("收款账号", max_length=32)

    class Meta:
        verbose_name = "大病救助申请"
        verbose_name_plural = "大病救助申请"
        constraints = [
            # Once per member and year: a live application holds the year.
            models.UniqueConstraint(
                fields=["member", "policy"],
                condition=~Q(state__in=RELEASED_STATES),
                name="relief_member_policy_live_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "step", "union"], name="relief_inbox"),
            models.Index(fields=["paid_on"], name="relief_paid_on"),
        ]

    def __str__(self) -> str:
        return f"大病救助申请 #{self.pk}"
