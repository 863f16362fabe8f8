"""The "9+X" service package (惠"新"服务包): the catalogue of services and the ledger of who
received which, from which union."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet, scope_path_of
from gonghui.core.workflow.models import RELEASED_STATES, WorkflowItem
from gonghui.members.models import PersonNamed


class StandardItem(models.TextChoices):
    """The nine standard services of the package (DOMAIN.md), with fixed keys."""

    HEALTH_CHECKUP = "health_checkup", "健康体检"
    MEDICAL_SECURITY = "medical_security", "医疗保障"
    EMPLOYMENT = "employment", "就业服务"
    SKILL_UPGRADING = "skill_upgrading", "能力提升"
    CARE_VISIT = "care_visit", "暖心慰问"
    HARDSHIP_AID = "hardship_aid", "困难帮扶"
    LEGAL_SERVICE = "legal_service", "法律服务"
    COUNSELING = "counseling", "心理咨询"
    RECUPERATION = "recuperation", "职工疗休养"


class Eligibility(models.TextChoices):
    EVERYONE = "everyone", "所有职工"
    MEMBERS = "members", "工会会员"
    NEW_FORM = "new_form", "新就业形态劳动者"
    OCCUPATIONS = "occupations", "指定职业"


class Unit(models.TextChoices):
    PERSON_TIMES = "person_times", "人次"
    YUAN = "yuan", "元"
    DAYS = "days", "天"


def ancestor_paths(path: str) -> list[str]:
    """The paths of a union and of every union above it."""
    from gonghui.orgs.models import Union

    return [path[:end] for end in range(Union.steplen, len(path) + 1, Union.steplen)]


class CatalogueQuerySet(ScopedQuerySet):
    """The standard items are everyone's; an X item belongs to the union that added it and
    applies to its subtree, so a union sees its ancestors' X items and those below it."""

    def visible_to(self, scope: Any) -> CatalogueQuerySet:
        path = scope_path_of(scope)
        if path is None:
            return self.none()
        return self.filter(
            models.Q(union__isnull=True)
            | models.Q(union__path__in=ancestor_paths(path))
            | models.Q(union__path__startswith=path)
        )

    def applying_to(self, union: Any) -> CatalogueQuerySet:
        """The rows a union may use: everyone's and its own or its ancestors'."""
        return self.filter(
            models.Q(union__isnull=True) | models.Q(union__path__in=ancestor_paths(union.path))
        )


class ServiceItem(models.Model):
    """An item of the catalogue: one of the nine standard services (``union`` empty, key
    fixed), or an X item a union adds for its subtree (惠享日, 生日趴, …)."""

    key = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="设立工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    eligibility = models.CharField(
        "服务对象", max_length=16, choices=Eligibility.choices, default=Eligibility.EVERYONE
    )
    # Occupation keys (members.Occupation), comma-separated, for OCCUPATIONS.
    occupations = models.CharField("指定职业", max_length=255, blank=True)
    unit = models.CharField("计量单位", max_length=16, choices=Unit.choices)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期止", null=True, blank=True)
    description = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["union_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="care_item_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def standard(self) -> bool:
        return self.union_id is None

    @property
    def occupation_keys(self) -> list[str]:
        return [k for k in self.occupations.split(",") if k]

    @property
    def occupation_labels(self) -> list[str]:
        from gonghui.members.models import Occupation

        labels = dict(Occupation.choices)
        return [labels.get(k, k) for k in self.occupation_keys]


class Source(models.TextChoices):
    MANUAL = "manual", "页面录入"
    IMPORT = "import", "表格导入"
    VISIT = "visit", "走访慰问"
    RECUPERATION = "recuperation", "疗休养"
    COUNSELING = "counseling", "心理咨询"
    PERK = "perk", "X项福利"
    LEGAL = "legal", "法律服务"


class Delivery(PersonNamed):
    """One service received: who, which item, when, from which union (the delivering union
    owns the row), where (an enterprise or a site), how much and at what cost. Re-recording
    it creates nothing (person, item, day, union, reference)."""

    item = models.ForeignKey(
        ServiceItem, verbose_name="服务项目", on_delete=models.PROTECT, related_name="deliveries"
    )
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="服务工会",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    on = models.DateField("服务日期")
    enterprise_uscc = models.CharField("服务企业统一社会信用代码", max_length=18, blank=True)
    site = models.ForeignKey(
        "sites.Site",
        verbose_name="服务阵地",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField("服务地点", max_length=128, blank=True)
    quantity = models.DecimalField("数量", max_digits=10, decimal_places=1, default=1)
    cost = models.DecimalField("费用（元）", max_digits=12, decimal_places=2, default=0)
    reference = models.CharField("业务编号", max_length=64, blank=True, default="")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.MANUAL)
    # As the person was on the day (a rider who later takes a job stays a rider here): the
    # reports count new-form workers' services and frontline workers' check-ups from these.
    new_form = models.BooleanField("新就业形态劳动者", default=False, db_default=False)
    frontline = models.BooleanField("一线职工", default=False, db_default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_hash", "item", "on", "union", "reference"],
                name="care_delivery_once",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="care_delivery_qty"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="care_delivery_cost"),
        ]
        indexes = [
            models.Index(fields=["union", "id"], name="care_delivery_union_id"),
            models.Index(fields=["item", "on"], name="care_delivery_item_on"),
            models.Index(fields=["person_hash"], name="care_delivery_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.item_id} {self.on}"


class CampaignKind(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", "迎新春·送万福·进万家"
    SUMMER_COOL = "summer_cool", "夏送清凉"
    WARMTH = "warmth", "送温暖"
    MODEL_WORKERS = "model_workers", "劳模慰问"
    OTHER = "other", "其他"


class VisitCampaign(models.Model):
    """A campaign of visits (迎新春·送万福·进万家, 夏送清凉, …) a union runs for its subtree."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("活动名称", max_length=128)
    kind = models.CharField("类别", max_length=24, choices=CampaignKind.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "走访慰问活动"
        verbose_name_plural = "走访慰问活动"
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="care_campaign_name"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="care_campaign_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CareVisit(PersonNamed):
    """A visit (走访慰问, 送温暖) to a person or their household: who visited, when, with how
    much cash and goods. Each visit is also a delivery of 暖心慰问 (written with it)."""

    campaign = models.ForeignKey(
        VisitCampaign,
        verbose_name="走访慰问活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    union = models.ForeignKey(
        "orgs.Union",
        verbose_name="走访工会",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    on = models.DateField("走访日期")
    household = models.BooleanField("入户慰问家庭", default=False)
    visitors = models.CharField("走访人员", max_length=128, blank=True)
    cash = models.DecimalField("慰问金（元）", max_digits=12, decimal_places=2, default=0)
    goods_value = models.DecimalField(
        "慰问品价值（元）", max_digits=12, decimal_places=2, default=0
    )
    goods = models.CharField("慰问品", max_length=128, blank=True)
    note = models.CharField("备注", max_length=255, blank=True)
    new_form = models.BooleanField("新就业形态劳动者", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访慰问"
        verbose_name_plural = "走访慰问"
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_hash", "on", "union"], name="care_visit_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(cash__gte=0) & models.Q(goods_value__gte=0),
                name="care_visit_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "id"], name="care_visit_union_id"),
            models.Index(fields=["on"], name="care_visit_on"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.on}"

    @property
    def amount(self) -> Any:
        return self.cash + self.goods_value


# -- recuperation (疗休养) ---------------------------------------------------------------------


class RecuperationBase(models.Model):
    """A recuperation base (疗休养基地), in the city or elsewhere (the base in 白山市)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="设立工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("基地名称", max_length=128, unique=True)
    location = models.CharField("所在地", max_length=64)
    inside_city = models.BooleanField("市内基地", default=True)
    address = models.CharField("地址", max_length=255, blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "疗休养基地"
        verbose_name_plural = "疗休养基地"
        ordering = ["-inside_city", "name"]

    def __str__(self) -> str:
        return self.name


# The default order of the priority groups of a batch (the rule of issue #13).
DEFAULT_PRIORITY = ("honour", "new_form", "frontline")
PRIORITY_LABELS = {"honour": "劳模工匠", "new_form": "新就业形态劳动者", "frontline": "一线职工"}


class RecuperationBatch(models.Model):
    """A batch (期) at a base: dates, places, cost per person, the places of each county
    (set by the city) and the order of its priority groups."""

    code = models.CharField("批次编号", max_length=32, unique=True)
    base = models.ForeignKey(
        RecuperationBase, verbose_name="基地", on_delete=models.PROTECT, related_name="batches"
    )
    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    places = models.PositiveIntegerField("名额")
    cost_per_person = models.DecimalField("人均费用（元）", max_digits=10, decimal_places=2)
    # Comma-separated keys of PRIORITY_LABELS, first first.
    priority = models.CharField("优先顺序", max_length=64, default=",".join(DEFAULT_PRIORITY))
    closed = models.BooleanField("已截止报名", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "疗休养批次"
        verbose_name_plural = "疗休养批次"
        ordering = ["-start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="care_batch_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.base.name}"

    @property
    def priority_keys(self) -> list[str]:
        return [k for k in self.priority.split(",") if k]

    @property
    def priority_labels(self) -> list[str]:
        return [PRIORITY_LABELS.get(k, k) for k in self.priority_keys]


class BatchQuota(models.Model):
    """A county's places in a batch: the engine's quota row for its applications."""

    batch = models.ForeignKey(
        RecuperationBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="quotas"
    )
    county = models.ForeignKey(
        "orgs.Union", verbose_name="区县工会", on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = "疗休养名额"
        verbose_name_plural = "疗休养名额"
        constraints = [models.UniqueConstraint(fields=["batch", "county"], name="care_quota_once")]

    def __str__(self) -> str:
        return f"{self.batch.code} {self.county.name} {self.places}"


class RecuperationApplication(WorkflowItem, PersonNamed):
    """An application for a place in a batch, reviewed by the county through the workflow
    engine against the county's quota; attendance is recorded after the batch."""

    batch = models.ForeignKey(
        RecuperationBatch,
        verbose_name="批次",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    quota = models.ForeignKey(
        BatchQuota, verbose_name="名额", on_delete=models.PROTECT, related_name="applications"
    )
    applied_at = models.DateTimeField("申请时间")
    row = models.PositiveIntegerField("导入行号", null=True, blank=True)
    frontline = models.BooleanField("一线职工", default=False)
    new_form = models.BooleanField("新就业形态劳动者", default=False)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    reason = models.CharField("未获分配原因", max_length=255, blank=True)
    attended = models.BooleanField("已参加", default=False)

    class Meta:
        verbose_name = "疗休养申请"
        verbose_name_plural = "疗休养申请"
        constraints = [
            # One live application of a person to a batch.
            models.UniqueConstraint(
                fields=["batch", "person_hash"],
                condition=~models.Q(state__in=RELEASED_STATES),
                name="care_recuperation_once",
            )
        ]
        indexes = [
            models.Index(fields=["state", "step", "union"], name="care_recup_inbox"),
            models.Index(fields=["union", "id"], name="care_recup_union_id"),
            models.Index(fields=["person_hash"], name="care_recup_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.batch_id}"


# -- hardship (困难职工帮扶) --------------------------------------------------------------------


class PovertyLineQuerySet(ScopedQuerySet):
    scope_path_field = "county__path"


class PovertyLine(models.Model):
    """A county's 低保 line (monthly income per head), from a day: a setting per county."""

    county = models.ForeignKey(
        "orgs.Union", verbose_name="区县工会", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("低保标准（元/人·月）", max_digits=8, decimal_places=2)
    valid_from = models.DateField("执行日期")

    objects = PovertyLineQuerySet.as_manager()

    class Meta:
        verbose_name = "低保标准"
        verbose_name_plural = "低保标准"
        ordering = ["county_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "valid_from"], name="care_poverty_line_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="care_poverty_line_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.amount}"


class HardshipClass(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    SUDDEN = "sudden", "意外致困"


class HardshipCase(PersonNamed):
    """A household's hardship file (困难职工档案): its class from the income per head against
    the county's 低保 line (or a sudden event), reviewed yearly, closed when no longer in
    hardship."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="建档工会", on_delete=models.PROTECT, related_name="+"
    )
    household_size = models.PositiveSmallIntegerField("家庭人口")
    income_per_head = models.DecimalField("家庭月人均收入（元）", max_digits=10, decimal_places=2)
    hardship_class = models.CharField("困难类别", max_length=16, choices=HardshipClass.choices)
    cause = models.CharField("致困原因", max_length=255)
    opened_on = models.DateField("建档日期")
    reviewed_on = models.DateField("最近年审日期")
    closed_on = models.DateField("脱困（销档）日期", null=True, blank=True)
    close_reason = models.CharField("销档原因", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        ordering = ["-opened_on", "-id"]
        constraints = [
            # One open file per person.
            models.UniqueConstraint(
                fields=["person_hash"],
                condition=models.Q(closed_on__isnull=True),
                name="care_hardship_one_open",
            )
        ]
        indexes = [models.Index(fields=["union", "id"], name="care_hardship_union_id")]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_hardship_class_display()}）"


class AidKind(models.TextChoices):
    LIVING = "living", "生活救助"
    MEDICAL = "medical", "医疗救助"
    SCHOOLING = "schooling", "助学"


class HardshipAid(WorkflowItem, PersonNamed):
    """Aid to a household on file, reviewed through the workflow engine and paid through the
    payout batches to the account it names."""

    case = models.ForeignKey(
        HardshipCase, verbose_name="困难职工档案", on_delete=models.PROTECT, related_name="aids"
    )
    kind = models.CharField("帮扶类别", max_length=16, choices=AidKind.choices)
    reason = models.CharField("申请事由", max_length=255)
    payee_bank = models.CharField("收款银行", max_length=64)
    account_cipher = CipherField("收款账号（密文）")
    account_masked = models.CharField("收款账号", max_length=32)

    class Meta:
        verbose_name = "困难职工帮扶"
        verbose_name_plural = "困难职工帮扶"
        indexes = [
            models.Index(fields=["state", "step", "union"], name="care_hardship_aid_inbox"),
            models.Index(fields=["paid_on"], name="care_hardship_aid_paid_on"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_kind_display()}"


# -- X perks (X项福利) ---------------------------------------------------------------------------


class PerkRule(models.TextChoices):
    BIRTHDAY = "birthday", "生日当月（按身份证号中的出生日期）"
    BENEFIT_DAY = "benefit_day", "每月惠享日"
    OCCUPATION = "occupation", "指定职业"


class Perk(models.Model):
    """A perk a union declares for its subtree: an X item of the catalogue given by a rule;
    each month lists who is due, and marking them delivered writes the deliveries."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="设立工会", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name="服务项目", on_delete=models.PROTECT, related_name="perks"
    )
    rule = models.CharField("发放规则", max_length=16, choices=PerkRule.choices)
    benefit_day = models.PositiveSmallIntegerField("惠享日（每月几日）", null=True, blank=True)
    # Occupation keys (members.Occupation), comma-separated, for OCCUPATION.
    occupations = models.CharField("指定职业", max_length=255, blank=True)
    value = models.DecimalField("每人价值（元）", max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "X项福利"
        verbose_name_plural = "X项福利"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benefit_day__isnull=True)
                | models.Q(benefit_day__gte=1, benefit_day__lte=28),
                name="care_perk_day",
            )
        ]

    def __str__(self) -> str:
        return self.item.name

    @property
    def occupation_keys(self) -> list[str]:
        return [k for k in self.occupations.split(",") if k]


# -- legal services (法律服务) -------------------------------------------------------------------


class LegalKind(models.TextChoices):
    CONSULTATION = "consultation", "法律咨询"
    MEDIATION = "mediation", "劳动争议调解"
    LITIGATION_AID = "litigation_aid", "法律援助（诉讼代理）"


class LegalOutcome(models.TextChoices):
    ANSWERED = "answered", "已解答"
    SETTLED = "settled", "调解成功"
    NOT_SETTLED = "not_settled", "调解不成"
    WON = "won", "胜诉或部分胜诉"
    LOST = "lost", "败诉"
    WITHDRAWN = "withdrawn", "撤回"


class LegalCase(PersonNamed):
    """A legal service to a worker: a consultation, a mediation or litigation aid, opened by a
    union and closed with an outcome; each is a delivery of 法律服务 (written with it)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="受理工会", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=16, choices=LegalKind.choices)
    opened_on = models.DateField("受理日期")
    summary = models.CharField("案情摘要", max_length=255)
    employer_name = models.CharField("对方单位", max_length=128, blank=True)
    amount_claimed = models.DecimalField(
        "涉及金额（元）", max_digits=12, decimal_places=2, default=0
    )
    outcome = models.CharField("结果", max_length=16, choices=LegalOutcome.choices, blank=True)
    amount_recovered = models.DecimalField(
        "挽回金额（元）", max_digits=12, decimal_places=2, default=0
    )
    closed_on = models.DateField("结案日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "法律服务案件"
        verbose_name_plural = "法律服务案件"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="care_legal_closed_after_opened",
            )
        ]
        indexes = [models.Index(fields=["union", "id"], name="care_legal_union_id")]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_kind_display()}"


# -- counselling (湖工心安) -----------------------------------------------------------------------


class CounselingQuerySet(ScopedQuerySet):
    def of_counselor(self, actor: Any) -> CounselingQuerySet:
        """A counsellor sees only their own slots, bookings and sessions; staff see their
        subtree's (the scoping itself is ``visible_to``)."""
        from gonghui.core.roles import Role

        if getattr(actor, "role", None) == Role.COUNSELOR:
            return self.filter(counselor_id=actor.pk)
        return self


class CounselingSlot(models.Model):
    """An hour a volunteer counsellor offers at a counselling station (a site of the kind
    心理健康服务站), bookable by one person at a time; owned by the station's union."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "sites.Site", verbose_name="咨询站", on_delete=models.PROTECT, related_name="+"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="咨询师",
        on_delete=models.PROTECT,
        related_name="counseling_slots",
    )
    starts_at = models.DateTimeField("开始时间")
    minutes = models.PositiveSmallIntegerField("时长（分钟）", default=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CounselingQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询时段"
        verbose_name_plural = "咨询时段"
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["counselor", "starts_at"], name="care_slot_once"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=10, minutes__lte=240), name="care_slot_minutes"
            ),
        ]
        indexes = [models.Index(fields=["union", "starts_at"], name="care_slot_union_start")]

    def __str__(self) -> str:
        return f"{self.station.name} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingChannel(models.TextChoices):
    STAFF = "staff", "工作人员代约"
    SELF = "self", "职工自约"


class BookingTopic(models.TextChoices):
    # Broad themes only: what was said belongs in the counsellor's notes, nowhere else.
    STRESS = "stress", "情绪与压力"
    WORK = "work", "工作与人际"
    FAMILY = "family", "婚姻家庭"
    OTHER = "other", "其他"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    HELD = "held", "已咨询"
    NO_SHOW = "no_show", "未到"
    CANCELLED = "cancelled", "已取消"


class CounselingBooking(PersonNamed):
    """A person's booking of a slot, made by staff or by the worker; a slot holds one
    booking that is not cancelled."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    slot = models.ForeignKey(
        CounselingSlot, verbose_name="时段", on_delete=models.PROTECT, related_name="bookings"
    )
    # The slot's counsellor, kept on the row so that a counsellor's own rows are one filter.
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("预约方式", max_length=8, choices=BookingChannel.choices)
    topic = models.CharField("咨询主题", max_length=8, choices=BookingTopic.choices)
    status = models.CharField(
        "状态", max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    cancel_reason = models.CharField("取消原因", max_length=128, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    objects = CounselingQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询预约"
        verbose_name_plural = "咨询预约"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=~models.Q(status="cancelled"),
                name="care_booking_one_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.slot}"


class CounselingSession(models.Model):
    """What happened at a booking, recorded by its counsellor. The notes are sealed: only
    the counsellor who wrote them reads them (not an administrator), and each read is
    audited; the reports count sessions and nothing more."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    booking = models.OneToOneField(
        CounselingBooking, on_delete=models.PROTECT, related_name="session"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="咨询师", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("咨询日期")
    minutes = models.PositiveSmallIntegerField("实际时长（分钟）")
    notes_cipher = CipherField("咨询记录（密文）", null=True)
    follow_up = models.BooleanField("需要跟进", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CounselingQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询记录"
        verbose_name_plural = "咨询记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["union", "held_on"], name="care_session_union_day")]

    def __str__(self) -> str:
        return f"咨询记录 {self.held_on:%Y-%m-%d}"
