from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet


class EmploymentForm(models.TextChoices):
    STANDARD = "standard", "标准劳动关系"
    NEW_FORM = "new_form", "新就业形态"


class Occupation(models.TextChoices):
    """The eight new-form occupations of the seed, plus ride-hailing drivers."""

    TRUCK_DRIVER = "truck_driver", "货车司机"
    COURIER = "courier", "快递员"
    CARE_WORKER = "care_worker", "护理员"
    DOMESTIC_WORKER = "domestic_worker", "家政服务员"
    MALL_INFO_STAFF = "mall_info_staff", "商场信息员"
    DELIVERY_RIDER = "delivery_rider", "网约送餐员"
    REAL_ESTATE_AGENT = "real_estate_agent", "房产中介员"
    SECURITY_GUARD = "security_guard", "保安员"
    RIDE_HAILING_DRIVER = "ride_hailing_driver", "网约车司机"


class SkillGrade(models.IntegerChoices):
    SENIOR_TECHNICIAN = 1, "高级技师"
    TECHNICIAN = 2, "技师"
    SENIOR = 3, "高级工"
    INTERMEDIATE = 4, "中级工"
    JUNIOR = 5, "初级工"


class JoinChannel(models.TextChoices):
    INDIVIDUAL = "individual", "个人申请"
    MASS_ENROLLMENT = "mass_enrollment", "集中入会"
    IMPORT = "import", "名册导入"
    ONLINE = "online", "网上入会"
    TRANSFER = "transfer", "转会转入"


class MassEnrollment(models.Model):
    """集中入会: a ceremony or campaign where many workers join at once."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("活动名称", max_length=128)
    held_on = models.DateField("日期")
    location = models.CharField("地点", max_length=128, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "集中入会活动"
        verbose_name_plural = "集中入会活动"

    def __str__(self) -> str:
        return self.name


class LeaveReason(models.TextChoices):
    RESIGNED = "resigned", "离职"
    RETIRED = "retired", "退休"
    DECEASED = "deceased", "死亡"
    OTHER = "other", "其他"


class Member(models.Model):
    """A union member. One row per person (keyed by the hash of the ID number).

    The ID number and phone are stored only encrypted (AES-GCM) beside a keyed hash for exact
    lookup and a masked form for display; birth date, sex and home region derive from the
    ID number at write time.
    """

    # A row pointing at a person never belongs to that person's union (indicator facts).
    facts_person = True

    class Sex(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    class Status(models.TextChoices):
        ACTIVE = "active", "在会"
        LEFT = "left", "已退会"

    # No index of its own: member_union_id (union, id) serves every lookup by union.
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="所属工会",
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    name = models.CharField("姓名", max_length=30)
    id_cipher = CipherField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64)
    id_masked = models.CharField("身份证号", max_length=18)
    sex = models.CharField("性别", max_length=8, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    home_region_code = models.CharField("户籍地区划", max_length=6)
    phone_cipher = CipherField("手机号码（密文）", null=True, blank=True)
    phone_hash = models.CharField("手机号码索引", max_length=64, blank=True)
    phone_masked = models.CharField("手机号码", max_length=11, blank=True)
    employer_name = models.CharField("工作单位", max_length=128, blank=True)
    employer_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    employment_form = models.CharField(
        "就业形态", max_length=16, choices=EmploymentForm.choices, default=EmploymentForm.STANDARD
    )
    occupation = models.CharField("职业", max_length=32, choices=Occupation.choices, blank=True)
    skill_grade = models.PositiveSmallIntegerField(
        "技能等级", choices=SkillGrade.choices, null=True, blank=True
    )
    join_date = models.DateField("入会日期")
    join_channel = models.CharField(
        "入会方式", max_length=32, choices=JoinChannel.choices, default=JoinChannel.INDIVIDUAL
    )
    mass_enrollment = models.ForeignKey(
        MassEnrollment,
        verbose_name="集中入会活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField("退会日期", null=True, blank=True)
    # db_default: bulk imports write rows without naming this column.
    left_reason = models.CharField(
        "退会原因",
        max_length=16,
        choices=LeaveReason.choices,
        blank=True,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        # Declared here rather than as unique=/db_index= on the fields: on PostgreSQL those
        # add a second "_like" index per field, which only LIKE queries use and every insert
        # pays for (an import of 10^6 rows ran 1.6x faster without them).
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="member_id_hash_unique")]
        indexes = [
            # Keyset pagination of a union's roster, and name search inside it.
            models.Index(fields=["union", "id"], name="member_union_id"),
            models.Index(fields=["phone_hash"], name="member_phone_hash"),
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["join_date"], name="member_join_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class MembershipEvent(models.Model):
    """Changes to a membership after joining (the join itself is the member row). Appended by services."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "转会"
        LEAVE = "leave", "退会"
        REJOIN = "rejoin", "重新入会"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=16, choices=Kind.choices)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="工会", on_delete=models.PROTECT, related_name="+"
    )
    from_union = models.ForeignKey(
        "orgs.Union",
        verbose_name="转出工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True, default="", db_default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会籍变动"
        verbose_name_plural = "会籍变动"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.on}"


class PeriodStart(models.TextChoices):
    JOINED = "joined", "入会"
    IMPORTED = "imported", "名册导入"
    TRANSFERRED_IN = "transferred_in", "转入"


class PeriodEnd(models.TextChoices):
    LEFT = "left", "退会"
    TRANSFERRED_OUT = "transferred_out", "转出"


class MembershipPeriod(models.Model):
    """One stretch of a person's membership in one union, from the day it began (joined,
    imported, transferred in) to the day it ended (left, transferred out; empty while it
    lasts): a member of the union on day d when ``started_on <= d < ended_on``. Written
    with every change of membership, in its transaction (``members/periods.py``); the
    member figures count from these, so a rejoin keeps the earlier stretch and a move
    counts in the union the person was in on the day."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    union = models.ForeignKey(
        "orgs.Union", verbose_name="工会", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("起始日期")
    began = models.CharField("起因", max_length=16, choices=PeriodStart.choices)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    ended = models.CharField("终止原因", max_length=16, choices=PeriodEnd.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会籍期间"
        verbose_name_plural = "会籍期间"
        ordering = ["member", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(ended_on__isnull=True),
                name="members_period_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="members_period_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "started_on"], name="members_period_union_start"),
            models.Index(fields=["member", "started_on"], name="members_period_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.started_on}–{self.ended_on or ''}"


class TransferQuerySet(ScopedQuerySet):
    """A transfer belongs to both unions: each side sees it, the sender to follow it, the
    receiver to decide on it."""

    def visible_to(self, scope: Any) -> TransferQuerySet:
        from gonghui.core.scoping import scope_path_of

        path = scope_path_of(scope)
        if path is None:
            return self.none()
        return self.filter(
            models.Q(from_union__path__startswith=path) | models.Q(to_union__path__startswith=path)
        )


class MemberTransfer(models.Model):
    """转会 between unions that no one person's scope covers (across counties): the sending
    union proposes it, the receiving union accepts (or declines) it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "待接收"
        ACCEPTED = "accepted", "已转入"
        DECLINED = "declined", "已拒绝"
        CANCELLED = "cancelled", "已撤回"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_union = models.ForeignKey(
        "orgs.Union", verbose_name="转出工会", on_delete=models.PROTECT, related_name="+"
    )
    to_union = models.ForeignKey(
        "orgs.Union", verbose_name="转入工会", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("转会日期")
    reason = models.CharField("转会原因", max_length=200)
    employer_name = models.CharField("新工作单位", max_length=128, blank=True)
    employer_uscc = models.CharField("新单位统一社会信用代码", max_length=18, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField("意见", max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "转会申请"
        verbose_name_plural = "转会申请"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open proposal per member at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state="proposed"),
                name="member_transfer_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_state_display()}"


class Worker(models.Model):
    """A registered worker (登记职工): a person the union serves before (or without) their
    joining, above all new-form workers, so that services reach them and the 湖工有爱 bus's
    target group can be counted. One row per person (the keyed hash of the ID number); a
    person who is a member is not registered again, and a registered worker who joins is
    linked to the member row (``member``) rather than copied: from then on the member's
    details are the person's, and the row stays as the registration (who registered them,
    when, on which platform)."""

    # A row pointing at a person never belongs to that person's union (indicator facts).
    facts_person = True

    # The union that registered the person: a township or grassroots union (scoping).
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="登记工会",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    member = models.OneToOneField(
        Member,
        verbose_name="会员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registration",
    )
    name = models.CharField("姓名", max_length=30)
    id_cipher = CipherField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64)
    id_masked = models.CharField("身份证号", max_length=18)
    sex = models.CharField("性别", max_length=8, choices=Member.Sex.choices)
    birth_date = models.DateField("出生日期")
    home_region_code = models.CharField("户籍地区划", max_length=6)
    phone_cipher = CipherField("手机号码（密文）", null=True, blank=True)
    phone_hash = models.CharField("手机号码索引", max_length=64, blank=True)
    phone_masked = models.CharField("手机号码", max_length=11, blank=True)
    employer_name = models.CharField("工作单位", max_length=128, blank=True)
    employer_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    employment_form = models.CharField(
        "就业形态", max_length=16, choices=EmploymentForm.choices, default=EmploymentForm.NEW_FORM
    )
    occupation = models.CharField("职业", max_length=32, choices=Occupation.choices, blank=True)
    platform = models.CharField("平台", max_length=64, blank=True)
    registered_on = models.DateField("登记日期")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "登记职工"
        verbose_name_plural = "登记职工"
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="worker_id_hash_unique")]
        indexes = [
            models.Index(fields=["union", "id"], name="worker_union_id"),
            models.Index(fields=["phone_hash"], name="worker_phone_hash"),
            models.Index(fields=["name"], name="worker_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class PersonNamed(models.Model):
    """A record about one person (a delivery, a visit, an application), naming them as
    services do: the keyed hash of the ID number (a member or a registered worker, counted
    once however known) and the name and masked number as written, so the record need not
    change when a registered worker joins."""

    person_hash = models.CharField("身份证号索引", max_length=64)
    person_name = models.CharField("姓名", max_length=30)
    person_masked = models.CharField("身份证号", max_length=18)

    class Meta:
        abstract = True
