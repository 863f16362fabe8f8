from __future__ import annotations

from django.db import models
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gonghui.core.scoping import ScopedQuerySet


class Region(models.Model):  # type: ignore[django-manager-missing]
    """A GB/T 2260 administrative division (province 2, city 4, county 6, township 9 digits)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "区县"
        TOWNSHIP = "township", "乡镇（街道）"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class UnionQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    scope_path_field = "path"


class UnionManager(MP_NodeManager.from_queryset(UnionQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnionQuerySet:
        # Tree order (a parent before its children) unless a caller orders otherwise.
        return UnionQuerySet(self.model, using=self._db).order_by("path")


class Union(MP_Node):
    """A node of the union tree. Its materialised path is the scope of its staff."""

    class Level(models.TextChoices):
        CITY = "city", "市总工会"
        COUNTY = "county", "区县总工会"
        TOWNSHIP = "township", "乡镇（街道）工会"
        GRASSROOTS = "grassroots", "基层工会"

    class Kind(models.TextChoices):
        STANDARD = "standard", "单独建会"
        JOINT = "joint", "联合工会"

    code = models.CharField("工会代码", max_length=32, unique=True)
    name = models.CharField("工会名称", max_length=128)
    level = models.CharField("层级", max_length=16, choices=Level.choices, db_index=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.STANDARD)
    region = models.ForeignKey(
        Region,
        verbose_name="所在区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    chair = models.CharField("工会主席", max_length=64, blank=True)
    # Cached subtree counts, rebuilt by the `union_counts_rebuild` job and kept by services.
    grassroots_count = models.PositiveIntegerField("基层工会数", default=0)
    member_count = models.PositiveIntegerField("会员数", default=0)

    objects = UnionManager()

    class Meta:
        verbose_name = "工会"
        verbose_name_plural = "工会"

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.path


class EnterpriseQuerySet(ScopedQuerySet):
    # An enterprise belongs to the union that covers it, or else to its township's union.
    scope_path_field = "owner_union__path"


class Enterprise(models.Model):
    """An employer, keyed by its 统一社会信用代码."""

    name = models.CharField("企业名称", max_length=128)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="所在乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=64, blank=True)
    employee_count = models.PositiveIntegerField("职工人数", default=0)
    is_above_scale = models.BooleanField("规上企业", default=False)
    is_reform_pilot = models.BooleanField("产改试点企业", default=False)
    is_platform_lead = models.BooleanField("新业态头部企业", default=False)
    union = models.ForeignKey(
        Union,
        verbose_name="覆盖工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    owner_union = models.ForeignKey(
        Union, verbose_name="管理工会", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [models.Index(fields=["owner_union", "name"], name="enterprise_owner_name")]

    def __str__(self) -> str:
        return self.name


class FormationMode(models.TextChoices):
    STANDALONE = "standalone", "单独组建"
    REGIONAL_JOINT = "regional_joint", "区域联建"
    INDUSTRY_JOINT = "industry_joint", "行业统建"
    FALLBACK = "fallback", "兜底建"
    PARTY_JOINT = "party_joint", "党群共建"


class FormationTaskQuerySet(ScopedQuerySet):
    scope_path_field = "township_union__path"


class FormationTask(models.Model):
    """应建未建: an enterprise that should have a union. Closed (建会销号) only by forming one."""

    class Status(models.TextChoices):
        OPEN = "open", "未建会"
        CLOSED = "closed", "已销号"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="formation_tasks"
    )
    township_union = models.ForeignKey(
        Union, verbose_name="责任乡镇（街道）工会", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField("列入日期")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    formed_union = models.ForeignKey(
        Union,
        verbose_name="所建工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    formation_mode = models.CharField(
        "组建方式", max_length=32, choices=FormationMode.choices, blank=True
    )

    objects = FormationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "应建未建任务"
        verbose_name_plural = "应建未建任务"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="open"),
                name="formation_one_open_task_per_enterprise",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (
                    models.Q(formed_union__isnull=False)
                    & models.Q(closed_on__isnull=False)
                    & ~models.Q(formation_mode="")
                ),
                name="formation_closed_needs_union",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}（{self.get_status_display()}）"
