"""The work ledgers: the activity ledger (活动台账: every 班前十分钟, 宣讲, 文体活动,
livestream, campus visit and forum a union holds, one row each, of a kind declared in
``kinds.py``), 春风送岗 job fairs with their positions, 大调研 research visits and 督导
supervision visits, and the follow-up items (督办事项) their findings and assigned tasks
become."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gonghui.core.attachments import PrivateStorage
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
    # The city's two selections (the seed's 优秀活动案例 and 领讲员): this activity as a case
    # to follow, its speaker as a lead speaker.
    showcase = models.BooleanField("优秀活动案例", default=False)
    lead_speaker = models.BooleanField("领讲员", default=False)
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


class ThroughActivityQuerySet(ScopedQuerySet):
    scope_path_field = "activity__union__path"


class ActivityPhoto(models.Model):
    """A photo of an activity (JPEG or PNG, judged by content), kept privately."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", storage=PrivateStorage(), upload_to="activities/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ShowcaseCase(models.Model):
    """典型工作案例 (一区一品): a union's way of working the city picked as an example, told in
    a text with a cover photo and linked to the activities that show it."""

    title = models.CharField("案例名称", max_length=128)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="案例工会", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    summary = models.TextField("案例简介")
    cover = models.FileField(
        "封面照片", storage=PrivateStorage(), upload_to="cases/%Y/", blank=True
    )
    cover_type = models.CharField(max_length=64, blank=True)
    activities = models.ManyToManyField(Activity, blank=True, related_name="cases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "典型工作案例"
        verbose_name_plural = "典型工作案例"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year", "title"], name="showcase_case_once")
        ]

    def __str__(self) -> str:
        return self.title


class JobFair(models.Model):
    """A 春风送岗 job fair: organised by a union on a day, online or on site; its employers
    and their positions are imported per fair (sheet ``job-positions``) until it is closed."""

    class Mode(models.TextChoices):
        ONSITE = "onsite", "线下"
        ONLINE = "online", "线上"
        BOTH = "both", "线上线下"

    title = models.CharField("招聘会名称", max_length=128)
    held_on = models.DateField("举办日期")
    mode = models.CharField("举办方式", max_length=8, choices=Mode.choices, default=Mode.ONSITE)
    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    venue = models.CharField("地点或平台", max_length=128, blank=True)
    # Set when the fair is over: its positions are then final and no sheet adds to them.
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘会"
        verbose_name_plural = "招聘会"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "title", "held_on"], name="job_fair_once")
        ]
        indexes = [models.Index(fields=["held_on"], name="job_fair_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class FairOwnedQuerySet(ScopedQuerySet):
    scope_path_field = "fair__union__path"


class JobFairEmployer(models.Model):
    """An employer at a fair, linked to the enterprise register when its 统一社会信用代码 is
    there."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="employers")
    name = models.CharField("用人单位", max_length=128)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业名录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FairOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘单位"
        verbose_name_plural = "招聘单位"
        constraints = [
            models.UniqueConstraint(fields=["fair", "name"], name="job_fair_employer_once")
        ]

    def __str__(self) -> str:
        return self.name


class JobPosition(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="positions")
    employer = models.ForeignKey(
        JobFairEmployer, on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField("岗位名称", max_length=64)
    posts = models.PositiveIntegerField("招聘人数")
    pay_min = models.DecimalField("月薪下限（元）", max_digits=9, decimal_places=2, null=True)
    pay_max = models.DecimalField("月薪上限（元）", max_digits=9, decimal_places=2, null=True)
    new_form_open = models.BooleanField("接受新就业形态劳动者", default=False)
    applicants = models.PositiveIntegerField("投递人数", default=0)
    hires = models.PositiveIntegerField("录用人数", default=0)

    objects = FairOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "title"], name="job_position_once"),
            models.CheckConstraint(
                condition=models.Q(posts__gte=1, posts__lte=100_000), name="job_position_posts"
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- 大调研, 督导 and follow-up items -------------------------------------------------------

# The "四个问一问" a research visit answers, keyed in ``ResearchVisit.answers``.
FOUR_QUESTIONS = (
    ("enterprise", "问一问企业发展有什么困难"),
    ("workers", "问一问职工群众有什么需求"),
    ("union", "问一问基层工会有什么建议"),
    ("service", "问一问工会服务有什么不足"),
)


class ResearchVisit(models.Model):
    """大调研: leaders of a union visit an enterprise (or a place), meet workers and union
    cadres, answer the "四个问一问", and write findings that become follow-up items."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="调研工会", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("调研日期")
    leaders = models.CharField("带队领导", max_length=200)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="调研企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField("调研地点", max_length=128, blank=True)
    people_met = models.CharField("座谈对象", max_length=200, blank=True)
    answers = models.JSONField("四个问一问", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "大调研走访"
        verbose_name_plural = "大调研走访"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on"], name="research_visit_day")]

    def __str__(self) -> str:
        where = self.enterprise.name if self.enterprise else self.place
        return f"{self.visited_on:%Y-%m-%d} {where}"


class TargetOwnedQuerySet(ScopedQuerySet):
    # The supervised union sees the visit made to it; the supervising union (an ancestor)
    # sees it through its subtree.
    scope_path_field = "target__path"


class SupervisionVisit(models.Model):
    """督导: a union's leaders check how a lower union carries out a task, and their
    findings become follow-up items of the union supervised."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="督导工会", on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        "orgs.Union", verbose_name="被督导工会", on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField("督导事项", max_length=200)
    visited_on = models.DateField("督导日期")
    leaders = models.CharField("督导组成员", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导"
        verbose_name_plural = "督导"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return self.topic


class OwnerQuerySet(ScopedQuerySet):
    # The union that must do it, and every union above it (the one that assigned it too).
    scope_path_field = "owner__path"


class FollowUp(models.Model):
    """督办事项: something a union must do by a date, from a research or supervision finding
    or a task a higher union assigned (限时任务). The owner does it and shows evidence; the
    assigning union verifies it or sends it back."""

    class Source(models.TextChoices):
        RESEARCH = "research", "大调研发现"
        SUPERVISION = "supervision", "督导发现"
        TASK = "task", "限时任务"

    class State(models.TextChoices):
        OPEN = "open", "待办理"
        IN_PROGRESS = "in_progress", "办理中"
        DONE = "done", "已办结待验收"
        VERIFIED = "verified", "已验收"

    title = models.CharField("事项", max_length=200)
    detail = models.TextField("具体要求", blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    research_visit = models.ForeignKey(
        ResearchVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    supervision = models.ForeignKey(
        SupervisionVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    assigned_by = models.ForeignKey(
        "orgs.Union", verbose_name="交办工会", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "orgs.Union", verbose_name="责任工会", on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.CharField("责任人", max_length=50, blank=True)
    created_on = models.DateField("交办日期")
    deadline = models.DateField("办结期限")
    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.OPEN, db_index=True
    )
    started_on = models.DateField("开始办理日期", null=True, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    verified_on = models.DateField("验收日期", null=True, blank=True)
    evidence = models.TextField("办理情况", blank=True)
    returned_reason = models.CharField("退回理由", max_length=200, blank=True)
    # The last day a reminder was written: the periodic work writes one a day at most.
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnerQuerySet.as_manager()

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("created_on")),
                name="followup_deadline_after_creation",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "state"], name="followup_owner_state"),
            models.Index(fields=["deadline"], name="followup_deadline"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.state in (self.State.DONE, self.State.VERIFIED)

    def overdue_on(self, day: Any) -> bool:
        """Past its deadline on ``day`` and not done by then."""
        return self.deadline < day and (self.done_on is None or self.done_on > day)


class ThroughFollowUpQuerySet(ScopedQuerySet):
    scope_path_field = "follow_up__owner__path"


class FollowUpFile(models.Model):
    """A file of a follow-up's evidence (a photo, a scanned notice), kept privately."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", storage=PrivateStorage(), upload_to="followups/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "办理佐证材料"
        verbose_name_plural = "办理佐证材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class FollowUpReminder(models.Model):
    """A reminder the periodic work wrote to the owner: the deadline is near, or passed."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将到期"
        OVERDUE = "overdue", "已逾期"

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_on = models.DateField()

    objects = ThroughFollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "sent_on"], name="followup_reminder_daily")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on:%Y-%m-%d}"


# --- 东西部协作 and 对口支援 ------------------------------------------------------------------


class Partnership(models.Model):
    """An agreement of a union with a union or region elsewhere: 东西部协作 and 对口支援
    framework agreements (柯坪县, 乌兰县), and recuperation bases opened elsewhere (白山市),
    with what was agreed and the money it carries."""

    class Kind(models.TextChoices):
        EAST_WEST = "east_west", "东西部协作"
        PAIRED_SUPPORT = "paired_support", "对口支援"
        RECUPERATION_BASE = "recuperation_base", "疗休养基地"

    union = models.ForeignKey(
        "orgs.Union", verbose_name="签约工会", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    partner = models.CharField("合作地区", max_length=64)
    title = models.CharField("协议名称", max_length=128)
    signed_on = models.DateField("签订日期")
    items = models.TextField("合作事项", blank=True)
    money = models.DecimalField(
        "资金（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A recuperation base's name, until the care module's bases exist to link to (#13).
    base_name = models.CharField("疗休养基地", max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "协作协议"
        verbose_name_plural = "协作协议"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "partner", "title", "signed_on"], name="partnership_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}：{self.title}"
