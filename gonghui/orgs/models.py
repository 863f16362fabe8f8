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
