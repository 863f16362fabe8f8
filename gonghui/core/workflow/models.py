"""What every application reviewed through the workflow engine stores.

A concrete type (a mutual-aid claim, a relief application, …) subclasses ``WorkflowItem``
and adds its own fields; the engine reads and writes only the fields declared here.
The review trail of every type lives in one table, ``ReviewEntry``; the payout batches of
every type that declares a payout in ``PayoutBatch`` and ``PayoutItem``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    NOTICE = "notice", "公示中"
    APPROVED = "approved", "待发放"
    PAID = "paid", "已发放"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


# States whose items no longer hold anything (money, a quota, an invoice number).
RELEASED_STATES = (State.REJECTED, State.WITHDRAWN)


class Action(models.TextChoices):
    SUBMIT = "submit", "提交"
    APPROVE = "approve", "通过"
    REJECT = "reject", "不通过"
    RETURN = "return", "退回修改"
    WITHDRAW = "withdraw", "撤回"
    OBJECT = "object", "公示异议"
    NOTICE_PASS = "notice_pass", "公示期满"
    PAY = "pay", "发放"
    BANK_RETURN = "bank_return", "银行退回"
    CORRECT = "correct", "修改"


class WorkflowItem(models.Model):
    """The engine's fields of an application. ``union`` owns it (and scopes it)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    step = models.CharField("当前环节", max_length=32, blank=True)
    # When the item reached its current step: the inbox's order and its overdue flags.
    step_since = models.DateTimeField("到达当前环节时间", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, default=0)
    # Who keyed it in (or imported it): with the submitter, someone who may not approve it.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_until = models.DateField("公示截止日期", null=True, blank=True)
    approved_at = models.DateTimeField("审批通过时间", null=True, blank=True)
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ReviewEntryQuerySet(ScopedQuerySet):
    pass


class ReviewEntry(models.Model):
    """One line of an application's review trail: who did what, at which step, and why."""

    workflow = models.CharField("申请类型", max_length=32)
    object_id = models.PositiveBigIntegerField("申请编号")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField("环节", max_length=32, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=16, choices=State.choices)
    to_state = models.CharField("新状态", max_length=16, choices=State.choices)
    to_step = models.CharField("新环节", max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间")

    objects = ReviewEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["workflow", "object_id"], name="review_entry_item")]

    def __str__(self) -> str:
        return f"{self.workflow}#{self.object_id} {self.action}"


class NoticeSetting(models.Model):
    """How a union posts its public notices (公示): whom to contact with an objection, and how
    much of a name and an ID number the notice shows. A union without one takes its nearest
    ancestor's; without any, the cautious defaults (surname only, last four digits)."""

    class NameShown(models.TextChoices):
        SURNAME = "surname", "只显示姓（如 王**）"
        NONE = "none", "不显示姓名"

    class IdShown(models.TextChoices):
        LAST4 = "last4", "只显示后四位"
        NONE = "none", "不显示身份证号"

    union = models.OneToOneField(
        "orgs.Union", verbose_name="工会", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.CharField(
        "异议受理联系方式",
        max_length=200,
        blank=True,
        help_text="如：区总工会权益保障部，0572-1234567，××路×号",
    )
    name_shown = models.CharField(
        "姓名显示", max_length=16, choices=NameShown.choices, default=NameShown.SURNAME
    )
    id_shown = models.CharField(
        "身份证号显示", max_length=16, choices=IdShown.choices, default=IdShown.LAST4
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "公示设置"
        verbose_name_plural = "公示设置"

    def __str__(self) -> str:
        return f"{self.union_id} 公示设置"


class PayoutBatch(models.Model):
    """发放批次: approved items gathered by a finance user, paid by one bank transfer file.

    The tables keep the names they had when payouts belonged to aid: the account ciphers of
    the lines are sealed to their table's name."""

    class State(models.TextChoices):
        OPEN = "open", "待发放"
        PAID = "paid", "已发放"

    union = models.ForeignKey(
        "orgs.Union", verbose_name="发放工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("批次名称", max_length=128)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.OPEN)
    total = models.DecimalField("合计金额", max_digits=14, decimal_places=2, default=0)
    item_count = models.PositiveIntegerField("笔数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "aid_payoutbatch"
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PayoutItem(models.Model):
    """One payment of a batch: an approved item of any type that declares a payout. The
    payee is named, not linked: a member, a worker who has not joined, an enterprise or a
    union."""

    class Status(models.TextChoices):
        BATCHED = "batched", "待发放"
        PAID = "paid", "已发放"
        RETURNED = "returned", "银行退回"

    batch = models.ForeignKey(
        PayoutBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="items"
    )
    workflow = models.CharField("申请类型", max_length=32)
    object_id = models.PositiveBigIntegerField("申请编号")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    payee_name = models.CharField("户名", max_length=30)
    payee_bank = models.CharField("开户行", max_length=64)
    account_cipher = CipherField("账号（密文）")
    account_masked = models.CharField("账号", max_length=32)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    purpose = models.CharField("用途", max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.BATCHED)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A line returned after it was paid: money may have left, so its application is paid
    # again only once a second finance user has confirmed the bank's return.
    return_needs_confirm = models.BooleanField("退回待复核", default=False)
    return_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_confirmed_at = models.DateTimeField("退回复核时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "aid_payoutitem"
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        ordering = ["batch", "id"]
        constraints = [
            # Paid at most once: an application is in one live batch line at a time, and
            # only a line the bank returned frees it for another batch.
            models.UniqueConstraint(
                fields=["workflow", "object_id"],
                condition=~Q(status="returned"),
                name="payout_item_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_item_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.workflow}#{self.object_id}"
