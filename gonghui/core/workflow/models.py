"""What every application reviewed through the workflow engine stores.

A concrete type (a mutual-aid claim, a relief application, …) subclasses ``WorkflowItem``
and adds its own fields; the engine reads and writes only the fields declared here.
The review trail of every type lives in one table, ``ReviewEntry``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

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
