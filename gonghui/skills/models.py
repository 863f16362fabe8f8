"""技能提升: the 百业千匠 competitions and their entries, the talent files of the people in
them (人才档案), skill titles with their certificate numbers, and skill promotions
(技能晋级) that make up the three-tier talent ladder."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from gonghui.core.fields import CipherField
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.workflow.models import WorkflowItem
from gonghui.members.models import SkillGrade


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"
    TOWNSHIP = "township", "乡镇（街道）级"
    ENTERPRISE = "enterprise", "企业级"


class CompetitionSeries(models.Model):
    """A year's series (2023年湖州市“百业千匠”职工职业技能大赛), run by a union."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="主办工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("系列赛名称", max_length=128)
    year = models.PositiveSmallIntegerField("年度")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "竞赛系列"
        verbose_name_plural = "竞赛系列"
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["union", "name"], name="skills_series_once")]

    def __str__(self) -> str:
        return self.name


class Competition(models.Model):
    """One competition (场次) of a series: its trade, chain, rules and prizes."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="主办工会", on_delete=models.PROTECT, related_name="+"
    )
    series = models.ForeignKey(
        CompetitionSeries,
        verbose_name="系列赛",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competitions",
    )
    code = models.CharField("竞赛编号", max_length=32, unique=True)
    name = models.CharField("竞赛名称", max_length=128)
    trade = models.CharField("工种（职业）", max_length=64)
    chain = models.CharField("产业链", max_length=32, blank=True)
    level = models.CharField("级别", max_length=16, choices=Level.choices, default=Level.CITY)
    co_organisers = models.CharField("协办单位", max_length=200, blank=True)
    held_on = models.DateField("举办日期")
    venue = models.CharField("地点", max_length=128, blank=True)
    theory_weight = models.PositiveSmallIntegerField("理论成绩权重（%）", default=30)
    practical_weight = models.PositiveSmallIntegerField("实操成绩权重（%）", default=70)
    pass_mark = models.DecimalField("合格线", max_digits=5, decimal_places=2, default=Decimal(60))
    # {"1": "3000.00", ...}: the prize of each rank, as the competition file gives it.
    prizes = models.JSONField("奖金", default=dict, blank=True)
    published_at = models.DateTimeField("名次公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "技能竞赛"
        verbose_name_plural = "技能竞赛"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["union", "held_on"], name="skills_comp_union_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_weight__lte=100) & models.Q(practical_weight__lte=100),
                name="skills_comp_weights",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def prize_of(self, rank: int) -> Decimal | None:
        amount = (self.prizes or {}).get(str(rank))
        return Decimal(str(amount)) if amount not in (None, "") else None


class Tier(models.TextChoices):
    SKILLED = "skilled", "技能人才"
    HIGHLY_SKILLED = "highly_skilled", "高技能人才"
    CRAFTSMAN = "craftsman", "工匠人才"


class Talent(models.Model):
    """A person's skills file (人才档案): one per person (the keyed hash of the ID number),
    whether or not a member; linked to the member when there is one. The union is the one
    that keeps the file: the member's union, else the union whose record first named them."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="建档工会", on_delete=models.PROTECT, related_name="+"
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name="会员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent",
    )
    name = models.CharField("姓名", max_length=30)
    id_cipher = CipherField("身份证号（密文）")
    id_hash = models.CharField("身份证号索引", max_length=64, unique=True)
    id_masked = models.CharField("身份证号", max_length=18)
    employer_name = models.CharField("工作单位", max_length=128, blank=True)
    grade = models.PositiveSmallIntegerField(
        "职业技能等级", choices=SkillGrade.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "人才档案"
        verbose_name_plural = "人才档案"
        ordering = ["-id"]
        indexes = [models.Index(fields=["union", "id"], name="skills_talent_union_id")]

    def __str__(self) -> str:
        return self.name


class EntryQuerySet(ScopedQuerySet):
    scope_path_field = "competition__union__path"


class CompetitionEntry(models.Model):
    """A worker's entry (参赛) with the scores; the rank, title and prize are written when
    the competition's ranking is published."""

    competition = models.ForeignKey(
        Competition, verbose_name="竞赛", on_delete=models.CASCADE, related_name="entries"
    )
    talent = models.ForeignKey(
        Talent, verbose_name="选手", on_delete=models.PROTECT, related_name="entries"
    )
    row = models.PositiveIntegerField("导入行号")
    employer_name = models.CharField("工作单位", max_length=128, blank=True)
    theory = models.DecimalField("理论成绩", max_digits=5, decimal_places=2)
    practical = models.DecimalField("实操成绩", max_digits=5, decimal_places=2)
    minutes = models.DecimalField(
        "实操用时（分钟）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    final = models.DecimalField("最终成绩", max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    titled = models.BooleanField("授予技术能手", default=False)
    prize = models.DecimalField("奖金", max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "参赛记录"
        verbose_name_plural = "参赛记录"
        ordering = ["competition", "rank", "row"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "talent"], name="skills_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.competition} 第 {self.row} 行"


class TitleKind(models.TextChoices):
    TECHNICAL_EXPERT = "technical_expert", "湖州市技术能手"
    HUZHOU_CRAFTSMAN = "huzhou_craftsman", "湖州工匠"
    ZHEJIANG_YOUNG_CRAFTSMAN = "zhejiang_young_craftsman", "浙江青年工匠"
    ZHEJIANG_CRAFTSMAN = "zhejiang_craftsman", "浙江工匠"
    NATIONAL_CRAFTSMAN = "national_craftsman", "大国工匠"


# Titles that make their holder a 工匠人才 (the ladder's top tier).
CRAFTSMAN_TITLES = frozenset(
    {
        TitleKind.HUZHOU_CRAFTSMAN,
        TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN,
        TitleKind.ZHEJIANG_CRAFTSMAN,
        TitleKind.NATIONAL_CRAFTSMAN,
    }
)


class SkillTitle(models.Model):
    """A title held by a person, with its certificate number (unique, from a series per
    kind and year)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="授予工会", on_delete=models.PROTECT, related_name="+"
    )
    talent = models.ForeignKey(
        Talent, verbose_name="获得者", on_delete=models.PROTECT, related_name="titles"
    )
    kind = models.CharField("称号", max_length=32, choices=TitleKind.choices)
    trade = models.CharField("工种（职业）", max_length=64, blank=True)
    granted_on = models.DateField("授予日期")
    issuers = models.CharField("授予单位", max_length=200)
    certificate_no = models.CharField("证书编号", max_length=32, unique=True)
    entry = models.OneToOneField(
        CompetitionEntry,
        verbose_name="参赛记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="title",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "技能称号"
        verbose_name_plural = "技能称号"
        ordering = ["-granted_on", "-id"]
        constraints = [
            # A title not won at a competition is held once (a competition's title is
            # once per entry).
            models.UniqueConstraint(
                fields=["talent", "kind"],
                condition=models.Q(entry__isnull=True),
                name="skills_title_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_no}"


class CertificateSeries(models.Model):
    """The last certificate number given for a title kind in a year: numbers are drawn
    under a row lock, so two publications never give the same number."""

    kind = models.CharField(max_length=32, choices=TitleKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="skills_certseries_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class PromotionRoute(models.TextChoices):
    MENTORSHIP = "mentorship", "导师帮带"
    STUDIO = "studio", "创新工作室"
    COMPETITION = "competition", "技能竞赛"
    TRAINING = "training", "技能培训"


class SkillPromotion(models.Model):
    """技能晋级: a person moving up one grade (or certified 初级工 for the first time)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    talent = models.ForeignKey(
        Talent, verbose_name="职工", on_delete=models.PROTECT, related_name="promotions"
    )
    from_grade = models.PositiveSmallIntegerField(
        "原等级", choices=SkillGrade.choices, null=True, blank=True
    )
    to_grade = models.PositiveSmallIntegerField("晋升等级", choices=SkillGrade.choices)
    promoted_on = models.DateField("晋级日期")
    certifier = models.CharField("认定机构", max_length=128)
    route = models.CharField("晋级途径", max_length=16, choices=PromotionRoute.choices)
    new_form = models.BooleanField("新就业形态劳动者", default=False)
    # The 导师帮带 the promotion came from (the apprentice's running mentorship).
    mentorship = models.ForeignKey(
        "Mentorship",
        verbose_name="导师帮带",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promotions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "技能晋级"
        verbose_name_plural = "技能晋级"
        ordering = ["-promoted_on", "-id"]
        indexes = [models.Index(fields=["union", "promoted_on"], name="skills_promo_union_day")]
        constraints = [
            # A person reaches a grade once: the sheet's natural key.
            models.UniqueConstraint(fields=["talent", "to_grade"], name="skills_promotion_once")
        ]

    def __str__(self) -> str:
        return f"{self.talent} {self.get_to_grade_display()}"


class Mentorship(models.Model):
    """导师帮带: a mentor and an apprentice from a date, with what came of it; promotions of
    the apprentice while it runs are linked to it."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(
        Talent, verbose_name="导师", on_delete=models.PROTECT, related_name="mentoring"
    )
    apprentice = models.ForeignKey(
        Talent, verbose_name="徒弟", on_delete=models.PROTECT, related_name="mentored"
    )
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.CharField("帮带成效", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "导师帮带"
        verbose_name_plural = "导师帮带"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "apprentice", "started_on"], name="skills_mentorship_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="skills_mentorship_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.apprentice}"


class StudioLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class InnovationStudio(models.Model):
    """劳模工匠创新工作室: led by a model worker or craftsman, in an enterprise, with its
    achievements."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("工作室名称", max_length=128)
    level = models.CharField("级别", max_length=16, choices=StudioLevel.choices)
    leader = models.ForeignKey(
        Talent, verbose_name="领衔人", on_delete=models.PROTECT, related_name="studios"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="所在企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise_name = models.CharField("所在企业", max_length=128)
    founded_on = models.DateField("命名日期")
    members_count = models.PositiveIntegerField("成员人数", default=0)
    patents = models.PositiveIntegerField("专利（项）", default=0)
    innovations = models.PositiveIntegerField("技术革新（项）", default=0)
    savings = models.DecimalField(
        "创造经济效益（元）", max_digits=14, decimal_places=2, default=Decimal(0)
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模工匠创新工作室"
        verbose_name_plural = "劳模工匠创新工作室"
        ordering = ["-founded_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="skills_studio_name")]

    def __str__(self) -> str:
        return self.name


class StudioAlliance(models.Model):
    """An alliance of studios (such as the casting industry's 劳模工匠创新工作室联盟)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("联盟名称", max_length=128, unique=True)
    industry = models.CharField("行业", max_length=64, blank=True)
    founded_on = models.DateField("成立日期")
    lead_studio = models.ForeignKey(
        InnovationStudio,
        verbose_name="牵头工作室",
        on_delete=models.PROTECT,
        related_name="led_alliances",
    )
    studios = models.ManyToManyField(
        InnovationStudio, verbose_name="成员工作室", related_name="alliances"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "创新工作室联盟"
        verbose_name_plural = "创新工作室联盟"
        ordering = ["-founded_on", "-id"]

    def __str__(self) -> str:
        return self.name


# --- Honours (劳模, 五一奖章/奖状, 工人先锋号, 湖州工匠) ------------------------------------------


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳动模范"
    MAY_DAY_MEDAL = "may_day_medal", "五一劳动奖章"
    MAY_DAY_AWARD = "may_day_award", "五一劳动奖状"
    PIONEER = "pioneer", "工人先锋号"
    CRAFTSMAN = "craftsman", "湖州工匠"


class HonourSubject(models.TextChoices):
    PERSON = "person", "个人"
    UNIT = "unit", "集体（单位）"
    TEAM = "team", "班组（团队）"


# Who each honour is given to.
HONOUR_SUBJECTS = {
    HonourKind.MODEL_WORKER: HonourSubject.PERSON,
    HonourKind.MAY_DAY_MEDAL: HonourSubject.PERSON,
    HonourKind.MAY_DAY_AWARD: HonourSubject.UNIT,
    HonourKind.PIONEER: HonourSubject.TEAM,
    HonourKind.CRAFTSMAN: HonourSubject.PERSON,
}


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"


class NominationRound(models.Model):
    """A year's nomination of one honour at one level (推荐评选), with places per county and
    the conditions nominations must meet."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="组织工会", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("荣誉", max_length=16, choices=HonourKind.choices)
    level = models.CharField("级别", max_length=16, choices=HonourLevel.choices)
    name = models.CharField("评选名称", max_length=128)
    conditions = models.TextField("推荐条件", blank=True)
    frontline_min_pct = models.PositiveSmallIntegerField("一线职工比例不低于（%）", default=0)
    closes_on = models.DateField("推荐截止日期")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "荣誉评选"
        verbose_name_plural = "荣誉评选"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "year", "kind", "level"], name="skills_round_once"
            ),
            models.CheckConstraint(
                condition=models.Q(frontline_min_pct__lte=100), name="skills_round_pct"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subject(self) -> str:
        return HONOUR_SUBJECTS[HonourKind(self.kind)]


class RoundPlaces(models.Model):
    """A county's places in a round: the row the nomination workflow's quota counts."""

    round = models.ForeignKey(
        NominationRound, verbose_name="评选", on_delete=models.CASCADE, related_name="places"
    )
    county = models.ForeignKey(
        "orgs.Union", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveSmallIntegerField("名额")

    class Meta:
        verbose_name = "推荐名额"
        verbose_name_plural = "推荐名额"
        ordering = ["round", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "county"], name="skills_places_once")
        ]

    def __str__(self) -> str:
        return f"{self.round.name}（{self.county.name}）"


class Nomination(WorkflowItem):
    """A nomination (推荐对象): proposed by a grassroots or township union, reviewed by the
    county and the city, publicly noticed, within its county's places."""

    round = models.ForeignKey(
        NominationRound, verbose_name="评选", on_delete=models.PROTECT, related_name="nominations"
    )
    places = models.ForeignKey(
        RoundPlaces, verbose_name="名额", on_delete=models.PROTECT, related_name="nominations"
    )
    talent = models.ForeignKey(
        Talent,
        verbose_name="推荐个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    unit_name = models.CharField("单位", max_length=128, blank=True)
    team_name = models.CharField("班组（团队）", max_length=128, blank=True)
    frontline = models.BooleanField("一线职工", default=False)
    deeds = models.TextField("主要事迹")

    class Meta:
        verbose_name = "荣誉推荐"
        verbose_name_plural = "荣誉推荐"
        ordering = ["-id"]
        indexes = [models.Index(fields=["union", "id"], name="skills_nomination_union_id")]

    def __str__(self) -> str:
        return self.nominee

    @property
    def nominee(self) -> str:
        if self.talent_id is not None:
            return self.talent.name  # type: ignore[union-attr]
        return (self.team_name and f"{self.unit_name}{self.team_name}") or self.unit_name


class Honour(models.Model):
    """The honours registry: granted through a nomination, or recorded from earlier years;
    other modules read it (model-worker lectures, recuperation priority, care visits)."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("荣誉", max_length=16, choices=HonourKind.choices)
    level = models.CharField("级别", max_length=16, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    granted_on = models.DateField("授予日期")
    talent = models.ForeignKey(
        Talent,
        verbose_name="获得者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    unit_name = models.CharField("单位", max_length=128, blank=True)
    team_name = models.CharField("班组（团队）", max_length=128, blank=True)
    nomination = models.OneToOneField(
        Nomination,
        verbose_name="推荐",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["-granted_on", "-id"]
        constraints = [
            # A person holds an honour at a level once.
            models.UniqueConstraint(
                fields=["talent", "kind", "level"],
                condition=models.Q(talent__isnull=False),
                name="skills_honour_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} {self.get_level_display()}{self.get_kind_display()}"

    @property
    def holder(self) -> str:
        if self.talent_id is not None:
            return self.talent.name  # type: ignore[union-attr]
        return f"{self.unit_name}{self.team_name}"


class CareKind(models.TextChoices):
    VISIT = "visit", "走访慰问"
    HEALTH_CHECK = "health_check", "健康体检"


class HonourCare(models.Model):
    """Care of an honoured person (劳模关心关爱): the yearly visit and the health check."""

    union = models.ForeignKey(
        "orgs.Union", verbose_name="登记工会", on_delete=models.PROTECT, related_name="+"
    )
    honour = models.ForeignKey(
        Honour, verbose_name="荣誉", on_delete=models.PROTECT, related_name="care"
    )
    kind = models.CharField("事项", max_length=16, choices=CareKind.choices)
    on = models.DateField("日期")
    note = models.CharField("情况", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模关爱"
        verbose_name_plural = "劳模关爱"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class HonourAllowance(WorkflowItem):
    """A model worker's allowance (劳模补助) for a year: reviewed, then paid through a
    payout batch to the account given here."""

    honour = models.ForeignKey(
        Honour, verbose_name="荣誉", on_delete=models.PROTECT, related_name="allowances"
    )
    year = models.PositiveSmallIntegerField("年度")
    reason = models.CharField("补助事由", max_length=200)
    payee_bank = models.CharField("收款银行", max_length=64)
    account_cipher = CipherField("收款账号（密文）")
    account_masked = models.CharField("收款账号", max_length=32)

    class Meta:
        verbose_name = "劳模补助"
        verbose_name_plural = "劳模补助"
        ordering = ["-id"]
        indexes = [models.Index(fields=["union", "id"], name="skills_allowance_union_id")]

    def __str__(self) -> str:
        return f"{self.honour} {self.year}年补助"
