"""服务阵地: outdoor-worker stations, 职工之家, 五有 culture sites, counselling stations,
service centres and livestream rooms, each with its place on the map, its hours and its
facilities; owned (for scoping) by the township union of the township it stands in."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.core.attachments import PrivateStorage
from gonghui.core.scoping import ScopedQuerySet
from gonghui.sites.geo import GCJ02, SYSTEMS


class SiteKind(models.TextChoices):
    OUTDOOR_STATION = "outdoor_station", "户外劳动者服务站点"
    WORKERS_HOME = "workers_home", "职工之家"
    CULTURE_SITE = "culture_site", "五有职工文化活动阵地"
    COUNSELING_STATION = "counseling_station", "心理健康服务站"
    SERVICE_CENTER = "service_center", "职工综合服务中心"
    LIVESTREAM_ROOM = "livestream_room", "工会直播间"


# The facilities every site may list; a county adds its own (Facility rows of its union).
STANDARD_FACILITIES = (
    "饮水",
    "休息座椅",
    "充电",
    "微波炉",
    "卫生间",
    "药箱",
    "空调",
    "无线网络",
)


class Facility(models.Model):
    """A facility a site may have: the standard ones (no union) and those a county adds for
    its subtree."""

    name = models.CharField("设施", max_length=32)
    union = models.ForeignKey(
        "orgs.Union", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "设施"
        verbose_name_plural = "设施"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="facility_once"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(union__isnull=True), name="facility_standard"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteQuerySet(ScopedQuerySet):
    def open_on(self, day: date) -> SiteQuerySet:
        """Sites open on ``day``: opened by then, not closed, not suspended."""
        return self.filter(opened_on__lte=day, suspended=False).filter(
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day)
        )


class Site(models.Model):
    code = models.CharField("站点编号", max_length=32, unique=True)
    name = models.CharField("站点名称", max_length=128)
    kind = models.CharField("类型", max_length=24, choices=SiteKind.choices, db_index=True)
    # The township union of the township the site stands in: who sees and keeps it.
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所在乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    host_enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="依托企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    # The coordinates as given, in their system, and the GCJ-02 position the map and the
    # distances use.
    lng = models.DecimalField("经度", max_digits=10, decimal_places=6)
    lat = models.DecimalField("纬度", max_digits=10, decimal_places=6)
    system = models.CharField("坐标系", max_length=8, choices=SYSTEMS, default=GCJ02)
    gcj_lng = models.FloatField()
    gcj_lat = models.FloatField()
    hours = models.CharField("开放时间", max_length=64, blank=True)
    facilities = models.ManyToManyField(Facility, blank=True, related_name="sites")
    opened_on = models.DateField("启用日期")
    closed_on = models.DateField("停用日期", null=True, blank=True)
    suspended = models.BooleanField("暂停开放", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = "服务阵地"
        verbose_name_plural = "服务阵地"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="site_closed_after_opened",
            )
        ]
        indexes = [
            # The nearest-site search narrows by a box on these two before measuring.
            models.Index(fields=["gcj_lat", "gcj_lng"], name="site_position"),
            models.Index(fields=["opened_on"], name="site_opened"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return (
            self.opened_on <= today
            and not self.suspended
            and (self.closed_on is None or self.closed_on > today)
        )


# The 五有 checklist of a culture site; other sites are checked against their facilities.
FIVE_HAS = ("有场所", "有设施", "有制度", "有人员", "有活动")


def checklist_of(site: Site) -> list[str]:
    """What an inspection of ``site`` checks, item by item."""
    if site.kind == SiteKind.CULTURE_SITE:
        return list(FIVE_HAS)
    return [f.name for f in site.facilities.all()]


class ThroughSiteQuerySet(ScopedQuerySet):
    scope_path_field = "site__union__path"


class Inspection(models.Model):
    """A check of a site on a day: who checked, each checklist item passed or failed, a note
    and photos."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    inspector = models.CharField("检查人", max_length=50)
    results = models.JSONField("检查结果", default=dict)
    passed = models.BooleanField("全部合格")
    note = models.TextField("情况说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughSiteQuerySet.as_manager()

    class Meta:
        verbose_name = "阵地检查"
        verbose_name_plural = "阵地检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["site", "inspected_on"], name="inspection_site_day")]

    def __str__(self) -> str:
        return f"{self.site} {self.inspected_on:%Y-%m-%d}"

    @property
    def failed_items(self) -> list[str]:
        return [item for item, ok in self.results.items() if not ok]


class SitePhoto(models.Model):
    """A photo of a site (its sign, its room), kept privately."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", storage=PrivateStorage(), upload_to="sites/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughSiteQuerySet.as_manager()

    class Meta:
        verbose_name = "阵地照片"
        verbose_name_plural = "阵地照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ThroughInspectionQuerySet(ScopedQuerySet):
    scope_path_field = "inspection__site__union__path"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", storage=PrivateStorage(), upload_to="inspections/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class SiteVisitors(models.Model):
    """How many people a site served on a day (a count its keeper records)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visitor_days")
    day = models.DateField("日期")
    count = models.PositiveIntegerField("服务人次")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ThroughSiteQuerySet.as_manager()

    class Meta:
        verbose_name = "服务人次"
        verbose_name_plural = "服务人次"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="site_visitors_daily"),
            models.CheckConstraint(
                condition=models.Q(count__lte=100_000), name="site_visitors_bounded"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="site_visitors_day")]

    def __str__(self) -> str:
        return f"{self.site} {self.day:%Y-%m-%d} {self.count}"
