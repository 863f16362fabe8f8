"""The workers' portal: a worker's own account, the activation codes a union office hands
out and the applications to join that workers send from their phones. (Failed sign-ups,
activations and logins are counted where staff logins are, in ``core.LoginFailure``.)

A worker is known, as everywhere in gonghui, by the keyed hash of the ID number: the account
holds it (with the number sealed and masked, as a member row does), and the worker's own
records (their member row, registration, applications) are found by that hash. The account
is a ``core.User`` of the role ``worker`` with no union, so no staff query ever shows it
anything, and the role is confined to ``/m/``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.workflow.models import WorkflowItem
from gonghui.members.models import EmploymentForm, MassEnrollment, Member, Occupation


class WorkerAccount(models.Model):
    """A worker's account in the portal: one per person (ID number), one per phone."""

    # A row pointing at a person never belongs to that person's union (indicator facts).
    facts_person = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.CASCADE,
        related_name="worker_account",
    )
    name = models.CharField("姓名", max_length=30)
    # The same identity columns as a member row (members.identity.IDENTITY_FIELDS).
    id_cipher = CipherField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64)
    id_masked = models.CharField("身份证号", max_length=18)
    sex = models.CharField("性别", max_length=8, choices=Member.Sex.choices)
    birth_date = models.DateField("出生日期")
    home_region_code = models.CharField("户籍地区划", max_length=6)
    phone_cipher = CipherField("手机号码（密文）", null=True, blank=True)
    phone_hash = models.CharField("手机号码索引", max_length=64)
    phone_masked = models.CharField("手机号码", max_length=11)
    # How the account was bound to the person: by themselves, or by a union's code.
    activated_by = models.ForeignKey(
        "ActivationCode",
        verbose_name="激活码",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The portal's messages are the review trail of one's applications since this moment.
    messages_seen_at = models.DateTimeField("消息已读至", null=True, blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "职工账号"
        verbose_name_plural = "职工账号"
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="worker_account_id_hash_unique"),
            models.UniqueConstraint(fields=["phone_hash"], name="worker_account_phone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class ActivationCode(models.Model):
    """A one-time code a union office gives a person it knows (a member or a registered
    worker of its subtree): redeemed with a phone and a password, it binds an account to
    that person, new or existing (a forgotten password is replaced the same way). Only the
    code's hash is kept. It is where an SMS or 浙里办 login would plug in later."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="签发工会", on_delete=models.PROTECT, related_name="+"
    )
    person_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    person_name = models.CharField("姓名", max_length=30)
    person_masked = models.CharField("身份证号", max_length=18)
    code_hash = models.CharField("激活码摘要", max_length=128, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职工激活码"
        verbose_name_plural = "职工激活码"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.person_masked}）"


class JoinApplication(WorkflowItem):
    """An application to join (入会申请) a worker sends from the portal, reviewed by the union
    applied to (a grassroots union's own reviewers, or the township's). Approval makes the
    person a member of that union on the day of approval, channel 网上入会 (or 集中入会 when
    sent from an event's QR code)."""

    account = models.ForeignKey(
        WorkerAccount, verbose_name="申请人账号", on_delete=models.PROTECT, related_name="joins"
    )
    # As the person was when applying: the account may later be bound to another phone.
    person_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    person_name = models.CharField("姓名", max_length=30)
    person_masked = models.CharField("身份证号", max_length=18)
    employer_name = models.CharField("工作单位", max_length=128)
    employer_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    employment_form = models.CharField(
        "就业形态", max_length=16, choices=EmploymentForm.choices, default=EmploymentForm.NEW_FORM
    )
    occupation = models.CharField("职业", max_length=32, choices=Occupation.choices, blank=True)
    mass_enrollment = models.ForeignKey(
        MassEnrollment,
        verbose_name="集中入会活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    member = models.ForeignKey(
        Member,
        verbose_name="入会后的会员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "入会申请"
        verbose_name_plural = "入会申请"
        indexes = [models.Index(fields=["union", "state"], name="join_app_union_state")]

    def __str__(self) -> str:
        return f"{self.person_name}申请加入{self.union_id}"
