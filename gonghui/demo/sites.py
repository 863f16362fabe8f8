"""The demo's 服务阵地: outdoor-worker stations, 职工之家, 五有 culture sites, counselling
stations and service centres across the townships, opened from 2019 to June 2023; at city
scale the first half of 2023 opens the seed's 22 stations (scaled at smaller scales).

A site stands at a random point inside its township's shape when the federation's township
boundaries are configured (``GONGHUI_TOWNSHIP_SHAPES``), else inside its county's shape (the
vendored map's); both GCJ-02. See ``gonghui.demo.shapes``."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from gonghui.demo.shapes import county_rings, point_in_township
from gonghui.orgs.models import Union
from gonghui.sites.models import FIVE_HAS, Facility, Inspection, Site, SiteKind, SiteVisitors

# Before 2023, per county, at city scale (stations, homes, culture sites, counselling).
EARLIER = {
    SiteKind.OUTDOOR_STATION: 24,
    SiteKind.WORKERS_HOME: 30,
    SiteKind.CULTURE_SITE: 16,
    SiteKind.COUNSELING_STATION: 4,
}
# Opened in the first half of 2023 besides the stations, per county, at city scale.
H1_OTHERS = {SiteKind.WORKERS_HOME: 3, SiteKind.CULTURE_SITE: 2}
NAMES = {
    SiteKind.OUTDOOR_STATION: "户外劳动者服务站点（爱心驿站）",
    SiteKind.WORKERS_HOME: "职工之家",
    SiteKind.CULTURE_SITE: "五有职工文化活动阵地",
    SiteKind.COUNSELING_STATION: "心理健康服务站",
    SiteKind.SERVICE_CENTER: "职工综合服务中心",
}
HOURS = {
    SiteKind.OUTDOOR_STATION: ("全天", "08:00-20:00", "07:00-21:00"),
    SiteKind.WORKERS_HOME: ("周一至周五 08:30-17:30",),
    SiteKind.CULTURE_SITE: ("09:00-21:00",),
    SiteKind.COUNSELING_STATION: ("周一至周五 09:00-17:00",),
    SiteKind.SERVICE_CENTER: ("周一至周五 08:30-17:00",),
}


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def sites_demo_write(
    *, city: Union, goal: dict[str, Any], members: int, seed: int, log: Callable[[str], None]
) -> int:
    """Write the sites (see the module's docstring); returns how many."""
    if Site.objects.filter(union__path__startswith=city.path).exists():
        log("服务阵地演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"sites:{seed}")
    share = members / 1_000_000
    townships = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.TOWNSHIP).order_by(
            "code"
        )
    )
    by_county: dict[str, list[Union]] = {}
    for t in townships:
        by_county.setdefault(t.code[:6], []).append(t)
    # Counties whose shape the vendored map has (make setup installs it with npm).
    counties = [c for c in sorted(by_county) if c in county_rings()]
    if not counties:
        return 0
    facilities = {f.name: f for f in Facility.objects.filter(union__isnull=True)}
    sites: list[Site] = []
    chosen: list[list[str]] = []
    numbers: dict[str, int] = {}

    def add(kind: SiteKind, county: str, opened: date, township: Union | None = None) -> None:
        union = township or rng.choice(by_county[county])
        placed = point_in_township(rng, union.code)
        assert placed is not None  # counties checked below
        lng, lat = placed
        numbers[county] = numbers.get(county, 0) + 1
        sites.append(
            Site(
                code=f"{county}-{numbers[county]:04d}",
                name=f"{union.name.removesuffix('工会')}{NAMES[kind]}{numbers[county]}号",
                kind=kind,
                union=union,
                address=f"{union.name.removesuffix('工会')}人民路{rng.randint(1, 300)}号",
                lng=lng,
                lat=lat,
                gcj_lng=lng,
                gcj_lat=lat,
                hours=rng.choice(HOURS[kind]).replace("全天", "00:00-24:00"),
                opened_on=opened,
            )
        )
        names = ["饮水", "休息座椅", "卫生间"] if kind == SiteKind.OUTDOOR_STATION else ["饮水"]
        names += rng.sample(["充电", "微波炉", "药箱", "空调", "无线网络"], rng.randint(1, 4))
        chosen.append(names)

    for county in counties:
        add(SiteKind.SERVICE_CENTER, county, date(2019, 5, 1), by_county[county][0])
        for kind, per_county in EARLIER.items():
            for _ in range(max(1, round(per_county * share))):
                add(kind, county, _day(rng, date(2019, 1, 1), date(2022, 12, 31)))
        for kind, per_county in H1_OTHERS.items():
            for _ in range(round(per_county * share)):
                add(kind, county, _day(rng, date(2023, 1, 1), date(2023, 6, 30)))
    # The seed's stations of the first half of 2023, spread over the counties in turn.
    for n in range(goal["outdoor_stations_new"]):
        add(
            SiteKind.OUTDOOR_STATION,
            counties[n % len(counties)],
            _day(rng, date(2023, 1, 3), date(2023, 6, 30)),
        )
    with transaction.atomic():
        made = Site.objects.bulk_create(sites, batch_size=1000)
        Site.facilities.through.objects.bulk_create(
            [
                Site.facilities.through(site_id=site.pk, facility_id=facilities[name].pk)
                for site, names in zip(made, chosen, strict=True)
                for name in names
                if name in facilities
            ],
            batch_size=2000,
        )
        inspections, visitors = _use_write(rng, made, chosen)
    log(
        f"服务阵地：{len(made)} 个；2023 年上半年新建户外劳动者服务站点 "
        f"{goal['outdoor_stations_new']} 家；检查 {inspections} 次，服务人次 {visitors} 条。"
    )
    return len(made)


def _use_write(rng: random.Random, sites: list[Site], chosen: list[list[str]]) -> tuple[int, int]:
    """Inspections in the first half of 2023 (most sites once, a few failing an item, some
    not inspected) and the stations' visitors on the weekdays of June 2023."""
    inspections = []
    for site, names in zip(sites, chosen, strict=True):
        if rng.random() < 0.2:
            continue  # not inspected: stale on the board
        start = max(site.opened_on, date(2023, 1, 3))
        if start > date(2023, 6, 28):
            continue
        items = list(FIVE_HAS) if site.kind == SiteKind.CULTURE_SITE else names
        failed = rng.random() < 0.12
        results = {item: not (failed and n == 0) for n, item in enumerate(items)}
        inspections.append(
            Inspection(
                site=site,
                inspected_on=_day(rng, start, date(2023, 6, 28)),
                inspector=rng.choice(("区总工会检查组", "乡镇（街道）工会", "市总工会督查组")),
                results=results,
                passed=all(results.values()),
                note="" if not failed else "设施损坏，已要求限期整改",
            )
        )
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    visitors = []
    june = [date(2023, 6, d) for d in range(1, 31) if date(2023, 6, d).weekday() < 5]
    for site in sites:
        if site.kind != SiteKind.OUTDOOR_STATION or site.opened_on > date(2023, 6, 1):
            continue
        for day in june:
            visitors.append(SiteVisitors(site=site, day=day, count=rng.randint(5, 60)))
    SiteVisitors.objects.bulk_create(visitors, batch_size=5000)
    return len(inspections), len(visitors)
